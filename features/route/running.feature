@route @database
Feature: Watch the sessions of running routes (RunningRouteHandler)
  The running-route handler watches the routes that serve a deployment, and the sessions behind
  them. The BEP expects a RUNNING route whose health check passes to remain RUNNING, one whose
  health checks keep failing to move to UNHEALTHY, one whose session has TERMINATED to move to
  TERMINATING, and the routing table to be refreshed when a route's traffic weight is updated.
  The scenarios check the route's state, what the handler reports, the route history, and what
  reaches the app proxy.

  The BEP's state words are bound to each release's states by the release binding's vocabulary
  (shown in the traceability file); route history records name the states as the release stores
  them.

  These scenarios run the real route coordinator, executor and repository on PostgreSQL.

  Background:
    Given deployment "llama" is READY

  Scenario Outline: A RUNNING route whose session runs remains RUNNING, whatever its health check reports
    The BEP's input is a route whose health check passes and whose session runs.
    check-running-routes reads only the route's session, never its health: a route whose session
    runs stays RUNNING whether the app proxy last reported it ready, not ready, or never probed it
    at all. So what passes here is the session half of the BEP's input; the health check half is
    no input of this handler, and these scenarios verify nothing about it. Health is the
    health-check-routes handler's business (RH-001 to RH-004).

    Given deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And <health check>
    When a check-running-routes cycle runs
    Then route "r1" stays RUNNING
    And nothing is recorded in the route history of "r1"

    @RR-001 @happy-path
    Examples: the health check passed, failed, or never ran
      | health check                                              |
      | the app proxy reports route "r1" ready                    |
      | the app proxy reports route "r1" not ready                |
      | route "r1" has a health record but has never been probed  |
      | there is no health data for route "r1"                    |

  @RR-001 @happy-path
  Scenario: A route whose session runs is reported as a success
    Given deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    When the check-running-routes handler runs
    Then route "r1" is reported as a success

  Scenario Outline: A route keeps its state while its session is <status>
    Given deployment "llama" has route "r1" in <state>
    And route "r1" is served by session "s1", which is <status>
    When a check-running-routes cycle runs
    Then route "r1" stays <state>
    And session "s1" is still <status>

    @RR-001 @edge-case
    Examples:
      | state           | status     |
      | HEALTH_CHECKING | PREPARING  |
      | HEALTH_CHECKING | PENDING    |
      | UNHEALTHY       | RUNNING    |
      | RUNNING         | RESTARTING |

  @RR-001 @edge-case
  Scenario: Routes still provisioning or already terminating are not watched
    Given deployment "llama" has route "r1" in PROVISIONING
    And deployment "llama" has route "r2" in TERMINATING
    And route "r2" is served by session "s2", which is TERMINATED
    And deployment "llama" has route "r3" in RUNNING
    And route "r3" is served by session "s3", which is RUNNING
    When a check-running-routes cycle runs
    Then the check-running-routes handler was not given route "r1"
    And the check-running-routes handler was not given route "r2"
    And route "r2" stays TERMINATING

  @RR-001 @edge-case @as-implemented
  Scenario: Provisioning routes are watched as well, terminating ones are not
    Given deployment "llama" has route "r1" in PROVISIONING
    And deployment "llama" has route "r2" in TERMINATING
    And route "r2" is served by session "s2", which is TERMINATED
    And deployment "llama" has route "r3" in RUNNING
    And route "r3" is served by session "s3", which is RUNNING
    When a check-running-routes cycle runs
    Then route "r1" is reported as a success
    And route "r1" stays PROVISIONING
    And the check-running-routes handler was not given route "r2"
    And route "r2" stays TERMINATING

  @RR-001 @edge-case
  Scenario: Running routes are watched every 10 seconds when requested and every minute regardless
    When the manager sets up its deployment and route timers
    Then a check-running-routes cycle runs every 10 seconds if it has been requested
    And a check-running-routes cycle is forced every 1 minute, the first time after 10 seconds

  @RR-002 @error-case
  Scenario: A RUNNING route whose health checks keep failing moves to UNHEALTHY
    Given deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And the app proxy reports route "r1" not ready
    When a check-running-routes cycle runs
    Then route "r1" moves to UNHEALTHY

  @RR-002 @error-case @as-implemented
  Scenario: Watching running routes leaves a failing RUNNING route alone while its session runs
    Given deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And the app proxy reports route "r1" not ready
    When the check-running-routes handler runs
    Then route "r1" is reported as a success

  Scenario Outline: A route whose session ended as <status> moves to TERMINATING
    Given deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is <status>
    When a check-running-routes cycle runs
    Then route "r1" moves to TERMINATING
    And the route history of "r1" records a FAILURE of "check-running-routes" from DEGRADED to TERMINATING
    And the last route history record of "r1" says "Route session is in terminal state."

    @RR-003 @happy-path
    Examples:
      | status     |
      | TERMINATED |
      | ERROR      |
      | CANCELLED  |

  Scenario Outline: A route whose session ended as <status> moves to TERMINATING, recorded as leaving PROVISIONING
    Given deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is <status>
    When a check-running-routes cycle runs
    Then route "r1" moves to TERMINATING
    And the route history of "r1" records a FAILURE of "check-running-routes" from PROVISIONING to TERMINATING
    And the last route history record of "r1" says "Route session is in terminal state."

    @RR-003 @happy-path @as-implemented
    Examples:
      | status     |
      | TERMINATED |
      | ERROR      |
      | CANCELLED  |

  @RR-003 @happy-path
  Scenario: A route whose session has terminated is reported with the session's status
    Given deployment "llama" has route "r1" in UNHEALTHY
    And route "r1" is served by session "s1", which is TERMINATED
    When the check-running-routes handler runs
    Then route "r1" is reported as a failure with reason "Route session is in terminal state."
    And the failure of route "r1" says "Route session is in terminal state. (Session status: TERMINATED)"

  @RR-003 @edge-case
  Scenario: A FAILED route without a session is swept to TERMINATING
    Given deployment "llama" has route "r1" in FAILED
    When a check-running-routes cycle runs
    Then route "r1" moves to TERMINATING
    And the last route history record of "r1" says "No session associated with route."
    And the last route history record of "r1" carries the error code "model-service_read_not-found"

  @RR-003 @edge-case @as-implemented
  Scenario: A FAILED route is left as it is
    Given deployment "llama" has route "r1" in FAILED
    When a check-running-routes cycle runs
    Then route "r1" stays FAILED
    And nothing is recorded in the route history of "r1"

  @RR-003 @edge-case
  Scenario: Only the route whose session ended is sent to TERMINATING
    Given deployment "llama" has routes "r1" and "r2" in RUNNING
    And route "r1" is served by session "s1", which is TERMINATED
    And route "r2" is served by session "s2", which is RUNNING
    When a check-running-routes cycle runs
    Then route "r1" moves to TERMINATING
    And route "r2" stays RUNNING
    And nothing is recorded in the route history of "r2"

  @RR-004 @happy-path
  Scenario: A route whose traffic weight was updated has the routing table refreshed
    Given deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And the traffic ratio of route "r1" has been changed to 0.5
    When a check-running-routes cycle runs
    Then the app proxy is told that the routes of endpoint "llama" changed

  @RR-004 @happy-path @as-implemented
  Scenario: Watching running routes leaves traffic weights and the routing table alone
    Given deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And the traffic ratio of route "r1" has been changed to 0.5
    When a check-running-routes cycle runs
    Then the traffic ratio of route "r1" is still 0.5
    And the app proxy is told nothing
