@route @database
Feature: Evict unhealthy routes (RouteEvictionHandler)
  Eviction takes unhealthy routes out of service. The BEP expects an UNHEALTHY route to move to
  EVICTING with its traffic blocked, its traffic to be redistributed to the deployment's
  remaining RUNNING routes, and the eviction of a deployment's last route to raise a warning that
  the service is down. Which routes are evicted follows the scaling group's cleanup setting: each
  scaling group lists in its scheduler options the route states it cleans up, and a new scaling
  group cleans up unhealthy routes. Ending an evicted route, and its session, is the route
  termination's work.

  The BEP's state words are bound to each release's states by the release binding's vocabulary
  (shown in the traceability file).

  These scenarios run the real route coordinator, executor and repository on PostgreSQL; which
  routes a scaling group cleans up is read from its row by the repository.

  Background:
    Given deployment "llama" is READY

  @RE-001 @happy-path
  Scenario: An UNHEALTHY route is moved to EVICTING and its traffic is blocked
    Given deployment "llama" has route "r1" in UNHEALTHY
    And route "r1" is served by session "s1", which is RUNNING
    When an evict-routes cycle runs
    Then route "r1" moves to EVICTING
    And route "r1" no longer receives traffic

  @RE-001 @happy-path @as-implemented
  Scenario: An UNHEALTHY route is moved to TERMINATING, its traffic settings untouched
    Given deployment "llama" has route "r1" in UNHEALTHY
    And route "r1" is served by session "s1", which is RUNNING
    When an evict-routes cycle runs
    Then route "r1" moves to TERMINATING
    And the route history of "r1" records a SUCCESS of "evict-routes" from UNHEALTHY to TERMINATING
    And route "r1" still receives traffic
    And session "s1" is still RUNNING

  @RE-001 @happy-path @as-implemented
  Scenario: An UNHEALTHY route is moved to TERMINATING, recorded as leaving PROVISIONING, its traffic settings untouched
    Given deployment "llama" has route "r1" in UNHEALTHY
    And route "r1" is served by session "s1", which is RUNNING
    When an evict-routes cycle runs
    Then route "r1" moves to TERMINATING
    And the route history of "r1" records a SUCCESS of "evict-routes" from PROVISIONING to TERMINATING
    And route "r1" still receives traffic
    And session "s1" is still RUNNING

  @RE-001 @happy-path @as-implemented
  Scenario: An UNHEALTHY route its scaling group cleans up is reported as a success
    Given deployment "llama" has route "r1" in UNHEALTHY
    When the evict-routes handler runs
    Then route "r1" is reported as a success

  Scenario Outline: Which UNHEALTHY routes are evicted follows the scaling group's cleanup setting
    Given deployment "llama" has route "r1" in UNHEALTHY
    And the scaling group cleans up routes that are <cleaned up>
    When an evict-routes cycle runs
    Then route "r1" is now <state>

    @RE-001 @edge-case @as-implemented
    Examples:
      | cleaned up             | state       |
      | unhealthy              | TERMINATING |
      | unhealthy and degraded | TERMINATING |
      | degraded               | UNHEALTHY   |
      | evicting               | UNHEALTHY   |

  @RE-001 @edge-case @as-implemented
  Scenario: A scaling group that cleans up no routes keeps its UNHEALTHY routes
    Given deployment "llama" has route "r1" in UNHEALTHY
    And the scaling group cleans up no routes
    When the evict-routes handler runs
    Then route "r1" is not reported
    And route "r1" stays UNHEALTHY
    And nothing is recorded in the route history of "r1"

  @RE-001 @edge-case @as-implemented
  Scenario: Only UNHEALTHY routes are considered for eviction
    Given deployment "llama" has route "r1" in HEALTH_CHECKING
    And deployment "llama" has route "r2" in UNHEALTHY
    And the scaling group cleans up routes that are unhealthy and degraded
    When an evict-routes cycle runs
    Then the evict-routes handler was not given route "r1"
    And route "r1" stays HEALTH_CHECKING
    And route "r2" moves to TERMINATING

  @RE-001 @edge-case @as-implemented
  Scenario: Every active route is considered for eviction, and only those in a state the scaling group cleans up are evicted
    Given deployment "llama" has route "r1" in HEALTH_CHECKING
    And deployment "llama" has route "r2" in UNHEALTHY
    And the scaling group cleans up routes that are unhealthy and degraded
    When an evict-routes cycle runs
    Then route "r1" stays HEALTH_CHECKING
    And route "r1" is not reported
    And route "r2" moves to TERMINATING

  @RE-001 @edge-case @as-implemented
  Scenario: Eviction runs every minute and never on request
    When the manager sets up its deployment and route timers
    Then an evict-routes cycle is forced every 1 minute, the first time after 30 seconds
    And an evict-routes cycle never runs on request

  @RE-002 @happy-path
  Scenario: The traffic of an evicted route is redistributed to the remaining RUNNING routes
    Given deployment "llama" has route "r1" in UNHEALTHY
    And deployment "llama" has routes "r2" and "r3" in RUNNING
    When an evict-routes cycle runs
    Then route "r1" no longer receives traffic
    And the app proxy is told that the routes of endpoint "llama" changed

  @RE-002 @happy-path @as-implemented
  Scenario: Evicting a route leaves the other routes of the deployment as they were
    Given deployment "llama" has route "r1" in UNHEALTHY
    And deployment "llama" has routes "r2" and "r3" in RUNNING
    When an evict-routes cycle runs
    Then route "r1" moves to TERMINATING
    And routes "r2" and "r3" stay RUNNING
    And route "r2" still receives traffic
    And nothing is recorded in the route history of "r2"
    And the app proxy is told nothing

  @RE-003 @edge-case
  Scenario: Evicting the last route of a deployment raises a warning that the service is down
    Given deployment "llama" has route "r1" in UNHEALTHY
    When an evict-routes cycle runs
    Then a warning says that deployment "llama" has no route left to serve it

  @RE-003 @edge-case @as-implemented
  Scenario: The last route of a deployment is evicted without a warning
    Given deployment "llama" has route "r1" in UNHEALTHY
    When an evict-routes cycle runs
    Then route "r1" moves to TERMINATING
    And deployment "llama" stays READY
    And no warning is raised about deployment "llama"
    And no lifecycle notification is sent for deployment "llama"
