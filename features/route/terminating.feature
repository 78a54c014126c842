@route @database
Feature: Terminate routes (TerminatingRouteHandler)
  Route termination ends the routes a deployment no longer wants (evicted, or whose session
  ended, or removed by scaling down) together with the sessions that serve them. The BEP expects a
  TERMINATING route to move to TERMINATED, a route with connections in flight to wait until they
  are drained, and a route whose termination exceeded its timeout to be forced to TERMINATED. A
  route's session is asked to end with the reason "ROUTE_TERMINATION", the sessions of a cycle's
  routes in one request; the sessions end on the scheduler's own time.

  The BEP's state words are bound to each release's states by the release binding's vocabulary
  (shown in the traceability file).

  These scenarios run the real route coordinator, executor and repository on PostgreSQL, and
  Backend.AI's real scheduling controller, which marks a running session TERMINATING (a session
  that never started, CANCELLED) in the database.

  Background:
    Given deployment "llama" is READY

  @RT-001 @happy-path
  Scenario: A TERMINATING route moves to TERMINATED and its session is terminated
    Given deployment "llama" has route "r1" in TERMINATING
    And route "r1" is served by session "s1", which is RUNNING
    When a terminate-routes cycle runs
    Then route "r1" moves to TERMINATED
    And the route history of "r1" records a SUCCESS of "terminate-routes" from TERMINATING to TERMINATED
    And session "s1" is marked for termination with reason "ROUTE_TERMINATION"

  @RT-001 @happy-path
  Scenario: Every TERMINATING route is reported as terminated
    Given deployment "llama" has routes "r1" and "r2" in TERMINATING
    And route "r1" is served by session "s1", which is RUNNING
    When the terminate-routes handler runs
    Then routes "r1" and "r2" are reported as successes

  @RT-001 @edge-case
  Scenario: A TERMINATING route without a session moves to TERMINATED
    Given deployment "llama" has route "r1" in TERMINATING
    When a terminate-routes cycle runs
    Then route "r1" moves to TERMINATED
    And route "r1" has no session

  @RT-001 @edge-case
  Scenario: A session that was still waiting to be scheduled is cancelled with its route
    Given deployment "llama" has route "r1" in TERMINATING
    And route "r1" is served by session "s1", which is PENDING
    When a terminate-routes cycle runs
    Then route "r1" moves to TERMINATED
    And session "s1" is now CANCELLED
    And the status info of session "s1" is "ROUTE_TERMINATION"

  @RT-001 @edge-case
  Scenario: A route whose session has already ended is terminated without touching the session
    Given deployment "llama" has route "r1" in TERMINATING
    And route "r1" is served by session "s1", which is TERMINATED
    When a terminate-routes cycle runs
    Then route "r1" moves to TERMINATED
    And session "s1" is still TERMINATED

  @RT-001 @edge-case
  Scenario: Only TERMINATING routes are terminated
    Given deployment "llama" has route "r1" in UNHEALTHY
    And route "r1" is served by session "s1", which is RUNNING
    And deployment "llama" has route "r2" in TERMINATING
    And route "r2" is served by session "s2", which is RUNNING
    When a terminate-routes cycle runs
    Then route "r2" moves to TERMINATED
    And session "s2" is marked for termination with reason "ROUTE_TERMINATION"
    And the terminate-routes handler was not given route "r1"
    And route "r1" stays UNHEALTHY
    And session "s1" is still RUNNING

  @RT-001 @error-case
  Scenario: When the sessions cannot be marked for termination, no route of the cycle is terminated
    The sessions of a cycle's routes are marked in one request; if it fails, the cycle ends with
    the error and every route stays TERMINATING, to be tried again on the next cycle.

    Given deployment "llama" has routes "r1" and "r2" in TERMINATING
    And route "r1" is served by session "s1", which is RUNNING
    And the scheduler cannot change sessions, the database saying "sessions are read-only"
    When a terminate-routes cycle runs
    Then the cycle ends with an error saying "sessions are read-only"
    And routes "r1" and "r2" stay TERMINATING
    And nothing is recorded in the route history of "r2"

  @RT-001 @edge-case
  Scenario: Routes are terminated every 30 seconds and never on request
    When the manager sets up its deployment and route timers
    Then a terminate-routes cycle is forced every 30 seconds, the first time after 15 seconds
    And a terminate-routes cycle never runs on request

  @RT-002 @edge-case
  Scenario: A route with connections in flight stays TERMINATING until they are drained
    Given deployment "llama" has route "r1" in TERMINATING
    And route "r1" is served by session "s1", which is RUNNING
    And route "r1" is still serving requests
    When a terminate-routes cycle runs
    Then route "r1" stays TERMINATING
    And session "s1" is still RUNNING

  @RT-002 @edge-case @as-implemented
  Scenario: A route still serving requests is terminated at once, with its session
    Given deployment "llama" has route "r1" in TERMINATING
    And route "r1" is served by session "s1", which is RUNNING
    And route "r1" is still serving requests
    When a terminate-routes cycle runs
    Then route "r1" moves to TERMINATED
    And session "s1" is marked for termination with reason "ROUTE_TERMINATION"

  @RT-002 @edge-case @as-implemented
  Scenario: A route that finished draining moments ago stays TERMINATING for its grace period, with its session
    Given deployment "llama" has route "r1" in TERMINATING
    And route "r1" is served by session "s1", which is RUNNING
    And route "r1" has been TERMINATING for 10 seconds
    When a terminate-routes cycle runs
    Then route "r1" stays TERMINATING
    And session "s1" is still RUNNING

  @RT-002 @edge-case @as-implemented
  Scenario: A route is terminated with its session once its grace period has passed
    Given deployment "llama" has route "r1" in TERMINATING
    And route "r1" is served by session "s1", which is RUNNING
    And route "r1" has been TERMINATING for 30 seconds
    When a terminate-routes cycle runs
    Then route "r1" moves to TERMINATED
    And session "s1" is marked for termination with reason "ROUTE_TERMINATION"

  @RT-003 @edge-case
  Scenario: A route whose termination exceeded the timeout is forced to TERMINATED with its session
    Given deployment "llama" has route "r1" in TERMINATING
    And route "r1" is served by session "s1", which is RUNNING
    And route "r1" has been TERMINATING for 1 hour
    When a terminate-routes cycle runs
    Then route "r1" moves to TERMINATED
    And session "s1" is now TERMINATED

  @RT-003 @edge-case @as-implemented
  Scenario: A route that has waited long in TERMINATING is terminated like any other
    Given deployment "llama" has route "r1" in TERMINATING
    And route "r1" is served by session "s1", which is RUNNING
    And route "r1" has been TERMINATING for 1 hour
    When a terminate-routes cycle runs
    Then route "r1" moves to TERMINATED
    And session "s1" is now TERMINATING
