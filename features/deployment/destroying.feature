@deployment @database
Feature: Destroy deployments (DestroyingDeploymentHandler)
  Destruction takes a deployment that is being deleted (DESTROYING) to its end. The BEP expects
  every session of the deployment to be terminated and the deployment to move to DESTROYED, a
  deployment whose sessions are still terminating to remain DESTROYING and wait, and a forced
  deletion to make the deployment DESTROYED at once, its cleanup carried out afterwards. The
  scenarios check the deployment's state, its routes and the sessions behind them, its
  unregistration from the app proxy of its scaling group, the deployment history, the lifecycle
  notifications and the cycles requested.

  The BEP's state words are bound to each release's states by the release binding's vocabulary
  (shown in the traceability file).

  These scenarios run the real deployment and route coordinators, executors and repository on
  PostgreSQL; the app proxy is an HTTP server on 127.0.0.1, and the scheduler's own controller
  marks sessions for termination.

  @DD-001 @happy-path
  Scenario: Destroying a deployment terminates all its sessions and moves it to DESTROYED
    Given deployment "llama" is DESTROYING
    And deployment "llama" has routes "r1" and "r2" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And route "r2" is served by session "s2", which is RUNNING
    When a destroying-deployments cycle runs
    Then deployment "llama" moves to DESTROYED
    And sessions "s1" and "s2" are being terminated

  @DD-001 @happy-path @as-implemented
  Scenario: A destroyed deployment has its routes marked TERMINATING and its endpoint unregistered
    Given deployment "llama" is DESTROYING
    And deployment "llama" is registered with the app proxy
    And deployment "llama" has routes "r1" and "r2" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And route "r2" is served by session "s2", which is RUNNING
    When a destroying-deployments cycle runs
    Then routes "r1" and "r2" move to TERMINATING
    And the app proxy is asked to unregister deployment "llama"
    And the app proxy no longer routes to deployment "llama"
    And deployment "llama" moves to DESTROYED
    And the deployment history of "llama" records a SUCCESS of "destroying-deployments" from DESTROYING to DESTROYED
    And a lifecycle notification says deployment "llama" went from DESTROYING to DESTROYED
    And the next terminate-routes cycle is requested
    And session "s1" is still RUNNING
    And session "s2" is still RUNNING

  @DD-001 @happy-path @as-implemented
  Scenario: Only the active routes of a destroyed deployment are marked TERMINATING
    Given deployment "llama" is DESTROYING
    And deployment "llama" has route "r1" in PROVISIONING
    And deployment "llama" has route "r2" in HEALTH_CHECKING
    And deployment "llama" has route "r3" in UNHEALTHY
    And deployment "llama" has route "r4" in FAILED_TO_START
    And deployment "llama" has route "r5" in TERMINATED
    When a destroying-deployments cycle runs
    Then routes "r1", "r2" and "r3" move to TERMINATING
    And route "r4" stays FAILED_TO_START
    And route "r5" stays TERMINATED

  @DD-001 @happy-path @as-implemented
  Scenario: A destroyed deployment is unregistered at once, and its routes are left to a drain that follows
    Destruction retires the deployment's replica group (its target becomes 0) and asks the app
    proxy to unregister the endpoint; the routes themselves are not touched in this cycle.

    Given deployment "llama" is DESTROYING
    And deployment "llama" is registered with the app proxy
    And deployment "llama" has routes "r1" and "r2" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And route "r2" is served by session "s2", which is RUNNING
    When a destroying-deployments cycle runs
    Then the app proxy is asked to unregister deployment "llama"
    And the app proxy no longer routes to deployment "llama"
    And deployment "llama" moves to DESTROYED
    And the deployment history of "llama" records a SUCCESS of "destroying-deployments" from DESTROYING to DESTROYED
    And a lifecycle notification says deployment "llama" went from DESTROYING to DESTROYED
    And routes "r1" and "r2" stay RUNNING
    And the next drain-routes cycle is requested
    And session "s1" is still RUNNING
    And session "s2" is still RUNNING

  @DD-001 @happy-path @as-implemented
  Scenario: The routes of a destroyed deployment are taken out of service by the scaling that follows
    Given deployment "llama" is DESTROYING
    And deployment "llama" has routes "r1" and "r2" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And route "r2" is served by session "s2", which is RUNNING
    When a destroying-deployments cycle runs
    And a scaling-deployments cycle runs
    Then routes "r1" and "r2" move to TERMINATING
    And session "s1" is still RUNNING
    And session "s2" is still RUNNING

  @DD-001 @edge-case
  Scenario: A deployment in a scaling group without an app proxy is destroyed without one
    Given deployment "llama" is DESTROYING
    And deployment "llama" has route "r1" in RUNNING
    And the scaling group has no app proxy
    When a destroying-deployments cycle runs
    Then the app proxy is not contacted
    And route "r1" moves to TERMINATING
    And deployment "llama" moves to DESTROYED
    And the deployment history of "llama" records a SUCCESS of "destroying-deployments" from DESTROYING to DESTROYED

  @DD-001 @edge-case
  Scenario: Destruction runs every 5 seconds when requested and every minute regardless
    When the manager sets up its deployment and route timers
    Then a destroying-deployments cycle runs every 5 seconds if it has been requested
    And a destroying-deployments cycle is forced every 1 minute, the first time after 25 seconds

  @DD-002 @edge-case
  Scenario: A deployment whose sessions are still terminating remains DESTROYING and waits
    Given deployment "llama" is DESTROYING
    And deployment "llama" has route "r1" in TERMINATING
    And route "r1" is served by session "s1", which is TERMINATING
    And deployment "llama" has route "r2" in RUNNING
    And route "r2" is served by session "s2", which is RUNNING
    When a destroying-deployments cycle runs
    Then deployment "llama" stays DESTROYING

  @DD-002 @edge-case @as-implemented
  Scenario: A deployment moves to DESTROYED while its sessions are still terminating
    Given deployment "llama" is DESTROYING
    And deployment "llama" has route "r1" in TERMINATING
    And route "r1" is served by session "s1", which is TERMINATING
    And deployment "llama" has route "r2" in RUNNING
    And route "r2" is served by session "s2", which is RUNNING
    When a destroying-deployments cycle runs
    Then deployment "llama" moves to DESTROYED
    And the deployment history of "llama" records a SUCCESS of "destroying-deployments" from DESTROYING to DESTROYED
    And route "r2" moves to TERMINATING
    And session "s1" is still TERMINATING
    And session "s2" is still RUNNING

  @DD-002 @error-case
  Scenario: A deployment whose routes could not be marked TERMINATING remains DESTROYING
    Given deployment "llama" is DESTROYING
    And deployment "llama" has routes "r1" and "r2" in RUNNING
    And the database refuses changes to routes
    When a destroying-deployments cycle runs
    Then deployment "llama" stays DESTROYING

  @DD-002 @error-case @as-implemented
  Scenario: A deployment whose routes could not be marked TERMINATING is DESTROYED with its routes still running
    Given deployment "llama" is DESTROYING
    And deployment "llama" is registered with the app proxy
    And deployment "llama" has routes "r1" and "r2" in RUNNING
    And the database refuses changes to routes
    When a destroying-deployments cycle runs
    Then the coordinator logs that the destroying-deployments handler failed with "changes to routes are refused"
    And deployment "llama" moves to DESTROYED
    And the deployment history of "llama" records a NEED_RETRY of "destroying-deployments" from DESTROYING to DESTROYED
    And the last deployment history record of "llama" says "Unexpected error in destroying-deployments"
    And a lifecycle notification says deployment "llama" went from DESTROYING to DESTROYED
    And routes "r1" and "r2" stay RUNNING
    And the app proxy is not contacted
    And the app proxy still routes to deployment "llama"
    And the next terminate-routes cycle is not requested

  @DD-002 @error-case @as-implemented
  Scenario: A deployment whose replica group could not be retired is DESTROYED and its routes keep serving
    Given deployment "llama" is DESTROYING
    And deployment "llama" is registered with the app proxy
    And deployment "llama" has routes "r1" and "r2" in RUNNING
    And the database refuses changes to replica groups
    When a destroying-deployments cycle runs
    Then the coordinator logs that the destroying-deployments handler failed with "changes to replica groups are refused"
    And deployment "llama" moves to DESTROYED
    And the deployment history of "llama" records a NEED_RETRY of "destroying-deployments" from DESTROYING to DESTROYED
    And the last deployment history record of "llama" says "Unexpected error in destroying-deployments"
    And routes "r1" and "r2" stay RUNNING
    And the app proxy is not contacted
    And the app proxy still routes to deployment "llama"
    And the next drain-routes cycle is not requested

  @DD-002 @error-case @as-implemented
  Scenario: A DESTROYED deployment is not taken again by the next destroying cycle
    Given deployment "llama" is DESTROYING
    And deployment "llama" has routes "r1" and "r2" in RUNNING
    And the database refuses changes to routes
    When a destroying-deployments cycle runs 2 times
    Then the coordinator logs that the destroying-deployments handler failed with "changes to routes are refused"
    And the deployment history of "llama" shows a single attempt of "destroying-deployments"
    And deployment "llama" stays DESTROYED
    And routes "r1" and "r2" stay RUNNING

  Scenario Outline: A deletion moves the deployment to DESTROYED at once and leaves the session cleanup to the route handlers
    The BEP's forced deletion is run as the deletions there are: one that keeps the deployment's
    replica count and one that sets it to 0.

    Given deployment "llama" is DESTROYING with <replicas>
    And deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    When a destroying-deployments cycle runs
    Then deployment "llama" moves to DESTROYED
    And route "r1" moves to TERMINATING
    And session "s1" is still RUNNING
    And the next terminate-routes cycle is requested

    @DD-003 @happy-path
    Examples: deleted through the deployment API, or through the legacy model-service API
      | replicas   |
      | 2 replicas |
      | 0 replicas |

  @DD-003 @happy-path
  Scenario: The sessions of a destroyed deployment are terminated by the route termination cycle it requests
    Given deployment "llama" is DESTROYING with 0 replicas
    And deployment "llama" has routes "r1" and "r2" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And route "r2" is served by session "s2", which is RUNNING
    When a destroying-deployments cycle runs
    And a terminate-routes cycle runs if it has been requested
    Then session "s1" is marked for termination with reason "ROUTE_TERMINATION"
    And session "s2" is marked for termination with reason "ROUTE_TERMINATION"
    And routes "r1" and "r2" move to TERMINATED

  @DD-003 @edge-case
  Scenario: A deployment is DESTROYED even though the app proxy refuses to unregister it
    Given deployment "llama" is DESTROYING
    And deployment "llama" is registered with the app proxy
    And the app proxy refuses to unregister endpoints with HTTP 500
    When a destroying-deployments cycle runs
    Then the app proxy is asked to unregister deployment "llama"
    And deployment "llama" moves to DESTROYED
    And the deployment history of "llama" records a SUCCESS of "destroying-deployments" from DESTROYING to DESTROYED
    And the app proxy still routes to deployment "llama"

  @DD-003 @error-case
  Scenario: A deployment whose app proxy cannot be reached is DESTROYED with a failure record
    Given deployment "llama" is DESTROYING with 0 replicas
    And deployment "llama" has route "r1" in RUNNING
    And the app proxy cannot be reached
    When a destroying-deployments cycle runs
    Then deployment "llama" moves to DESTROYED
    And the deployment history of "llama" records a NEED_RETRY of "destroying-deployments" from DESTROYING to DESTROYED
    And the last deployment history record of "llama" says "Failed to unregister endpoint"
    And route "r1" moves to TERMINATING
    And the next terminate-routes cycle is not requested

  @DD-003 @edge-case @as-implemented
  Scenario: A deployment whose unregistration the app proxy refuses is DESTROYED with a failure record
    Given deployment "llama" is DESTROYING
    And deployment "llama" is registered with the app proxy
    And the app proxy refuses to unregister endpoints with HTTP 500
    When a destroying-deployments cycle runs
    Then the app proxy is asked to unregister deployment "llama"
    And deployment "llama" moves to DESTROYED
    And the deployment history of "llama" records a NEED_RETRY of "destroying-deployments" from DESTROYING to DESTROYED
    And the last deployment history record of "llama" says "Failed to unregister endpoint"
    And the app proxy still routes to deployment "llama"
    And the next drain-routes cycle is not requested
