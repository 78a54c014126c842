@route @database
Feature: Check the health of routes (HealthCheckRouteHandler)
  The health check decides, from a route's readiness, whether the route may serve. The BEP
  expects a route whose readiness check passes to move to RUNNING, a route whose endpoint does not
  respond to fail after the retries, a delayed response to be retried rather than failed, and a
  number of consecutive passing checks (the success threshold) to be needed before a route moves
  to RUNNING. The scenarios give a route a readiness (ready, not ready, a report of a given age,
  or none at all) and check the route's state, what the handler reports and the route history.

  The BEP's state words are bound to each release's states by the release binding's vocabulary
  (shown in the traceability file); route history records name the states as the release stores
  them.

  These scenarios run the real route coordinator, executor and repository on PostgreSQL, with
  Backend.AI's own Valkey client on the scenario clock. How a release learns a route's readiness,
  and so what "the app proxy reports route ... ready" arranges there, is in the release's notes.

  Background:
    Given deployment "llama" is READY

  @RH-001 @happy-path
  Scenario: A route whose readiness check passes moves to RUNNING
    Given deployment "llama" has route "r1" in HEALTH_CHECKING
    And the app proxy reports route "r1" ready
    When a health-check-routes cycle runs
    Then route "r1" moves to RUNNING
    And the last route history record of "r1" says "health-check-routes completed successfully"

  @RH-001 @happy-path
  Scenario: A route whose readiness check passes is reported as a success
    Given deployment "llama" has route "r1" in HEALTH_CHECKING
    And the app proxy reports route "r1" ready
    When the health-check-routes handler runs
    Then route "r1" is reported as a success

  @RH-001 @happy-path @as-implemented
  Scenario: A warming-up route whose replica passes its probe moves to RUNNING through check-warming-up-routes
    The route check-warming-up-routes activates is RUNNING with its health not yet checked; the
    next health-check-routes cycle reads the passing probe and makes it healthy.

    Given deployment "llama" has route "r1" in HEALTH_CHECKING
    And the app proxy reports route "r1" ready
    When a check-warming-up-routes cycle runs
    And a health-check-routes cycle runs
    Then route "r1" moves to RUNNING

  @RH-001 @edge-case
  Scenario: The route history names the health check's first target state as the state a route left
    A route that went from HEALTH_CHECKING to RUNNING is recorded as leaving the handler's first
    target state, whatever state it was in: the coordinator writes the handler's first target
    state as the from-state of every record.

    Given deployment "llama" has route "r1" in HEALTH_CHECKING
    And the app proxy reports route "r1" ready
    When a health-check-routes cycle runs
    Then the route history of "r1" records a SUCCESS of "health-check-routes" from HEALTHY to HEALTHY

  @RH-001 @edge-case
  Scenario: A RUNNING route that stays ready stays RUNNING, and each check is counted in its history
    Given deployment "llama" has route "r1" in RUNNING
    And the app proxy reports route "r1" ready
    When a health-check-routes cycle runs 3 times
    Then route "r1" stays RUNNING
    And the route history of "r1" holds one record of "health-check-routes", made 3 times

  @RH-001 @edge-case
  Scenario: Routes that no session serves yet or any more are not health checked
    Given deployment "llama" has route "r1" in PROVISIONING
    And deployment "llama" has route "r2" in TERMINATING
    And deployment "llama" has route "r3" in HEALTH_CHECKING
    And the app proxy reports route "r1" ready
    And the app proxy reports route "r2" ready
    And the app proxy reports route "r3" ready
    When a health-check-routes cycle runs
    Then the health-check-routes handler was not given route "r1"
    And the health-check-routes handler was not given route "r2"
    And route "r1" stays PROVISIONING
    And route "r2" stays TERMINATING
    And route "r3" moves to RUNNING

  @RH-001 @edge-case
  Scenario: Health checks run every 5 seconds when requested and every minute regardless
    When the manager sets up its deployment and route timers
    Then a health-check-routes cycle runs every 5 seconds if it has been requested
    And a health-check-routes cycle is forced every 1 minute, the first time after 20 seconds

  @RH-002 @error-case
  Scenario: A route whose endpoint does not respond moves to FAILED after the retries
    Given deployment "llama" has route "r1" in HEALTH_CHECKING
    And the app proxy reports route "r1" not ready
    When a health-check-routes cycle runs
    Then route "r1" moves to FAILED

  @RH-002 @error-case @as-implemented
  Scenario: A route the app proxy reports not ready moves to UNHEALTHY
    Given deployment "llama" has route "r1" in HEALTH_CHECKING
    And the app proxy reports route "r1" not ready
    When a health-check-routes cycle runs
    Then route "r1" moves to UNHEALTHY
    And the route history of "r1" records a FAILURE of "health-check-routes" from HEALTHY to UNHEALTHY
    And the last route history record of "r1" says "Route health check failed."

  @RH-002 @error-case @as-implemented
  Scenario: A route the app proxy reports not ready is reported as a failed health check
    Given deployment "llama" has route "r1" in HEALTH_CHECKING
    And the app proxy reports route "r1" not ready
    When the health-check-routes handler runs
    Then route "r1" is reported as a failure with reason "Route health check failed."

  @RH-002 @error-case @as-implemented
  Scenario: A RUNNING route becomes UNHEALTHY on the first not-ready report the manager reads
    Given deployment "llama" has route "r1" in RUNNING
    And the app proxy reports route "r1" not ready
    When a health-check-routes cycle runs
    Then route "r1" moves to UNHEALTHY

  Scenario Outline: A RUNNING route becomes UNHEALTHY once its replica has failed as many probes in a row as the model allows
    A model's health check allows 10 failed probes in a row by default. Counting is the manager's
    health observer's; health-check-routes compares the count with the limit and changes only the
    route's health, never its lifecycle.

    Given deployment "llama" has route "r1" in RUNNING
    And the replica of route "r1" fails <failed> health probes in a row
    When a health-check-routes cycle runs
    Then route "r1" is now <state>

    @RH-002 @error-case @as-implemented
    Examples:
      | failed | state     |
      | 9      | RUNNING   |
      | 10     | UNHEALTHY |

  @RH-002 @error-case @as-implemented
  Scenario: A RUNNING route whose replica fails one probe stays RUNNING within its retries
    Given deployment "llama" has route "r1" in RUNNING
    And the app proxy reports route "r1" not ready
    When a health-check-routes cycle runs
    Then route "r1" stays RUNNING

  @RH-003 @error-case
  Scenario: A RUNNING route whose readiness report is overdue goes back to HEALTH_CHECKING
    A delayed response is a readiness report older than the manager counts as fresh: the route is
    not failed but marked for checking again, and the next cycle reads the next report.

    Given deployment "llama" has route "r1" in RUNNING
    And the app proxy last reported route "r1" ready 6 minutes ago
    When a health-check-routes cycle runs
    Then route "r1" moves to HEALTH_CHECKING
    And the route history of "r1" records a SUCCESS of "health-check-routes" from HEALTHY to DEGRADED
    And the last route history record of "r1" says "health-check-routes marked route as stale"

  @RH-003 @error-case
  Scenario: A HEALTH_CHECKING route whose readiness report is overdue waits for the next check
    Given deployment "llama" has route "r1" in HEALTH_CHECKING
    And the app proxy last reported route "r1" ready 6 minutes ago
    When the health-check-routes handler runs
    Then route "r1" is reported as stale

  @RH-003 @edge-case
  Scenario: An overdue not-ready report does not make a route UNHEALTHY
    Given deployment "llama" has route "r1" in RUNNING
    And the app proxy last reported route "r1" not ready 6 minutes ago
    When a health-check-routes cycle runs
    Then route "r1" moves to HEALTH_CHECKING

  @RH-003 @edge-case
  Scenario: A route the app proxy has not probed yet waits in HEALTH_CHECKING
    Given deployment "llama" has route "r1" in HEALTH_CHECKING
    And route "r1" has a health record but has never been probed
    When the health-check-routes handler runs
    Then route "r1" is reported as stale

  @RH-003 @edge-case
  Scenario: A route without any health data waits in HEALTH_CHECKING
    Given deployment "llama" has route "r1" in RUNNING
    And there is no health data for route "r1"
    When a health-check-routes cycle runs
    Then route "r1" moves to HEALTH_CHECKING
    And the last route history record of "r1" says "health-check-routes marked route as stale"

  Scenario Outline: A readiness report counts as fresh for 5 minutes
    Given deployment "llama" has route "r1" in RUNNING
    And the app proxy last reported route "r1" ready <age> ago
    When a health-check-routes cycle runs
    Then route "r1" is now <state>

    @RH-003 @edge-case
    Examples:
      | age         | state           |
      | 299 seconds | RUNNING         |
      | 300 seconds | RUNNING         |
      | 301 seconds | HEALTH_CHECKING |

  Scenario Outline: A probe result counts as fresh for 2 minutes
    Given deployment "llama" has route "r1" in RUNNING
    And the app proxy last reported route "r1" ready <age> ago
    When a health-check-routes cycle runs
    Then route "r1" is now <state>

    @RH-003 @edge-case @as-implemented
    Examples:
      | age         | state    |
      | 119 seconds | RUNNING  |
      | 120 seconds | RUNNING  |
      | 121 seconds | DEGRADED |

  @RH-003 @error-case @as-implemented
  Scenario: A RUNNING route whose replica has not been probed lately stays RUNNING, marked DEGRADED
    Given deployment "llama" has route "r1" in RUNNING
    And the app proxy last reported route "r1" ready 6 minutes ago
    When a health-check-routes cycle runs
    Then route "r1" is now DEGRADED
    And the last route history record of "r1" says "health-check-routes marked route as stale"

  @RH-004 @happy-path
  Scenario: A route needs 3 consecutive passing checks before it moves to RUNNING
    Given deployment "llama" has route "r1" in HEALTH_CHECKING
    And the app proxy reports route "r1" ready
    When a health-check-routes cycle runs
    Then route "r1" stays HEALTH_CHECKING
    When a health-check-routes cycle runs
    Then route "r1" stays HEALTH_CHECKING
    When a health-check-routes cycle runs
    Then route "r1" moves to RUNNING

  @RH-004 @happy-path @as-implemented
  Scenario: An UNHEALTHY route becomes RUNNING again on its first passing check
    Given deployment "llama" has route "r1" in UNHEALTHY
    And the app proxy reports route "r1" ready
    When a health-check-routes cycle runs
    Then route "r1" moves to RUNNING
    And the route history of "r1" records a SUCCESS of "health-check-routes" from HEALTHY to HEALTHY

  @RH-004 @happy-path @as-implemented
  Scenario: A warming-up route moves to RUNNING on its first passing probe
    Given deployment "llama" has route "r1" in HEALTH_CHECKING
    And the app proxy reports route "r1" ready
    When a check-warming-up-routes cycle runs
    Then route "r1" is reported as a success
