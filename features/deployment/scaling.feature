@deployment @database
Feature: Scale deployments to their target replica count (ScalingDeploymentHandler)
  Scaling carries out a change of a deployment's wanted replica count. The BEP expects raising it
  to create new sessions, lowering it to terminate sessions (the lowest priority first), a large
  change to be carried out in batches, and a scale-up without enough resources to create only the
  replicas that fit, the rest waiting. A replica is a route: the target (the count the autoscaler
  or the replica check set, else the deployment's replica count) is compared with the active
  routes, a new route's session is requested by route provisioning, and a retired route's session
  is ended by route termination. The scenarios check the routes, the sessions, the deployment's
  state and history, the lifecycle notifications and the cycles requested.

  The BEP's state words are bound to each release's states by the release binding's vocabulary
  (shown in the traceability file).

  These scenarios run the real deployment and route coordinators, executors and repository on
  PostgreSQL; session requests go to the scheduler's own controller, which writes each accepted
  session PENDING.

  @SC-001 @happy-path
  Scenario: Raising the desired replicas of a deployment creates new sessions
    Given deployment "llama" is SCALING with 1 replica
    And deployment "llama" has route "r1" in RUNNING
    And the autoscaler has set deployment "llama" to 3 replicas
    When a scaling-deployments cycle runs
    Then a session is requested for deployment "llama"

  @SC-001 @happy-path @as-implemented
  Scenario: Scaling out creates a route for every missing replica and makes the deployment READY
    Given deployment "llama" is SCALING with 1 replica
    And deployment "llama" has route "r1" in RUNNING
    And the autoscaler has set deployment "llama" to 3 replicas
    When a scaling-deployments cycle runs
    Then 2 new routes of deployment "llama" are waiting to be provisioned
    And route "r1" stays RUNNING
    And route "r1" still receives traffic
    And deployment "llama" moves to READY
    And the deployment history of "llama" records a SUCCESS of "scaling-deployments" from SCALING to READY
    And a lifecycle notification says deployment "llama" went from SCALING to READY
    And the next provision-routes cycle is requested
    And no session is requested for deployment "llama"

  @SC-001 @happy-path @as-implemented
  Scenario: The sessions of the new routes are requested by the provisioning cycle scaling requests
    Given deployment "llama" is SCALING with 2 replicas
    When a scaling-deployments cycle runs
    And a provision-routes cycle runs if it has been requested
    Then a session is requested for deployment "llama"
    And deployment "llama" has 2 active routes

  @SC-001 @happy-path @as-implemented
  Scenario: Scaling out creates a route for every missing replica and leaves the deployment as it is
    The routes are created for the deployment's replica group; the deployment's lifecycle and
    history are not touched, and the new routes wait for the provisioning cycle's own timer.

    Given deployment "llama" is READY with 1 replica
    And deployment "llama" has route "r1" in RUNNING
    And the autoscaler has set deployment "llama" to 3 replicas
    When a scaling-deployments cycle runs
    Then 2 new routes of deployment "llama" are waiting to be provisioned
    And route "r1" stays RUNNING
    And route "r1" still receives traffic
    And deployment "llama" stays READY
    And nothing is recorded in the deployment history of "llama"
    And no lifecycle notification is sent for deployment "llama"
    And the next provision-routes cycle is not requested
    And no session is requested for deployment "llama"

  @SC-001 @edge-case
  Scenario: A SCALING deployment whose routes already match its target stays SCALING, unrecorded
    Given deployment "llama" is SCALING with 2 replicas
    And deployment "llama" has routes "r1" and "r2" in RUNNING
    When a scaling-deployments cycle runs
    Then deployment "llama" stays SCALING
    And nothing is recorded in the deployment history of "llama"
    And no route of deployment "llama" is created
    And the next provision-routes cycle is not requested

  @SC-001 @edge-case
  Scenario: A deployment created with no replica is left in SCALING by its first scaling cycle
    Given deployment "llama" is PENDING with 0 replicas
    When a check-pending-deployments cycle runs
    And a scaling-deployments cycle runs
    Then deployment "llama" is reported as skipped
    And deployment "llama" moves to SCALING
    And nothing of "scaling-deployments" is recorded in the deployment history of "llama"
    And no route of deployment "llama" is created

  @SC-001 @edge-case
  Scenario: Scaling runs every 5 seconds when requested and every 30 seconds regardless
    When the manager sets up its deployment and route timers
    Then a scaling-deployments cycle runs every 5 seconds if it has been requested
    And a scaling-deployments cycle is forced every 30 seconds, the first time after 10 seconds

  @SC-001 @edge-case @as-implemented
  Scenario: Scaling runs every 30 seconds, the first time after 30 seconds, and every 5 seconds on request
    When the manager sets up its deployment and route timers
    Then a scaling-deployments cycle runs every 5 seconds if it has been requested
    And a scaling-deployments cycle is forced every 30 seconds, the first time after 30 seconds

  @SC-001 @edge-case
  Scenario: A requested scaling cycle scales on the short timer
    Given deployment "llama" is SCALING with 1 replica
    And a scaling-deployments cycle has been requested
    When a scaling-deployments cycle runs if it has been requested
    Then a new route of deployment "llama" is waiting to be provisioned
    And deployment "llama" moves to READY

  @SC-001 @edge-case
  Scenario: The short timer leaves scaling deployments alone when nothing requested a cycle
    Given deployment "llama" is SCALING with 1 replica
    When a scaling-deployments cycle runs if it has been requested
    Then the cycle does nothing, as nothing requested it
    And deployment "llama" stays SCALING
    And no route of deployment "llama" is created

  @SC-002 @happy-path
  Scenario: Lowering the desired replicas of a deployment terminates its lowest-priority sessions
    Given deployment "llama" is SCALING with 2 replicas
    And deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And deployment "llama" has route "r2" in UNHEALTHY
    And route "r2" is served by session "s2", which is RUNNING
    And the autoscaler has set deployment "llama" to 1 replica
    When a scaling-deployments cycle runs
    Then session "s2" is being terminated

  @SC-002 @happy-path @as-implemented
  Scenario: Scaling in drains the unhealthy route and leaves its session to the route termination that follows
    Given deployment "llama" is READY with 2 replicas
    And deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And deployment "llama" has route "r2" in UNHEALTHY
    And route "r2" is served by session "s2", which is RUNNING
    And the autoscaler has set deployment "llama" to 1 replica
    When a scaling-deployments cycle runs
    Then route "r2" moves to TERMINATING
    And route "r1" stays RUNNING
    And session "s2" is still RUNNING
    And session "s1" is still RUNNING
    And deployment "llama" stays READY
    And the next drain-routes cycle is not requested

  Scenario Outline: Scaling in takes the least healthy routes out of service first
    Given deployment "llama" is SCALING with 4 replicas
    And deployment "llama" has route "healthy" in RUNNING
    And deployment "llama" has route "provisioning" in PROVISIONING
    And deployment "llama" has route "checking" in HEALTH_CHECKING
    And deployment "llama" has route "unhealthy" in UNHEALTHY
    And the autoscaler has set deployment "llama" to <target>
    When a scaling-deployments cycle runs
    Then routes <retired> are taken out of service
    And routes <kept> are left in service
    And no route of deployment "llama" is created
    And deployment "llama" moves to READY
    And the deployment history of "llama" records a SUCCESS of "scaling-deployments" from SCALING to READY

    @SC-002 @happy-path @as-implemented
    Examples: the unhealthy route goes first, then the one being health-checked, then the one being provisioned
      | target     | retired                                    | kept                                     |
      | 3 replicas | "unhealthy"                                | "checking", "provisioning" and "healthy" |
      | 2 replicas | "unhealthy" and "checking"                 | "provisioning" and "healthy"             |
      | 1 replica  | "unhealthy", "checking" and "provisioning" | "healthy"                                |

  @SC-002 @happy-path @as-implemented
  Scenario: The sessions of retired routes are marked for termination by the next route termination cycle
    Given deployment "llama" is SCALING with 2 replicas
    And deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And deployment "llama" has route "r2" in UNHEALTHY
    And route "r2" is served by session "s2", which is RUNNING
    And the autoscaler has set deployment "llama" to 1 replica
    When a scaling-deployments cycle runs
    Then session "s2" is still RUNNING
    And the next terminate-routes cycle is not requested
    When a terminate-routes cycle runs
    Then session "s2" is marked for termination with reason "ROUTE_TERMINATION"
    And route "r2" moves to TERMINATED
    And session "s1" is still RUNNING

  @SC-002 @error-case
  Scenario: A scale-in the database refuses leaves the deployment SCALING for the next cycle
    Given deployment "llama" is SCALING with 2 replicas
    And deployment "llama" has routes "r1", "r2" and "r3" in RUNNING
    And the database refuses changes to routes
    When a scaling-deployments cycle runs
    Then the coordinator logs that the scaling-deployments handler failed with "changes to routes are refused"
    And deployment "llama" stays SCALING
    And nothing is recorded in the deployment history of "llama"
    And routes "r1", "r2" and "r3" are left in service
    And the next provision-routes cycle is not requested

  @SC-003 @edge-case
  Scenario: A large scale-out is carried out in batches
    Given deployment "llama" is SCALING with 10 replicas
    When a scaling-deployments cycle runs
    Then fewer than 10 new routes of deployment "llama" are created in one cycle
    And deployment "llama" stays SCALING

  @SC-003 @edge-case @as-implemented
  Scenario: A scale-out of 10 replicas creates all 10 routes in one cycle
    Given deployment "llama" is SCALING with 10 replicas
    When a scaling-deployments cycle runs
    Then 10 new routes of deployment "llama" are waiting to be provisioned
    And deployment "llama" moves to READY

  @SC-003 @edge-case @as-implemented
  Scenario: A large scale-in retires every surplus route in one cycle
    Given deployment "llama" is SCALING with 2 replicas
    And deployment "llama" has routes "r1", "r2", "r3", "r4", "r5" and "r6" in RUNNING
    When a scaling-deployments cycle runs
    Then deployment "llama" has 2 active routes
    And deployment "llama" moves to READY

  @SC-003 @edge-case @as-implemented
  Scenario: A scale-out of 10 replicas creates all 10 routes in one cycle, the deployment staying READY
    Given deployment "llama" is READY with 10 replicas
    When a scaling-deployments cycle runs
    Then 10 new routes of deployment "llama" are waiting to be provisioned
    And deployment "llama" stays READY

  @SC-004 @error-case
  Scenario: A scale-up without enough resources creates only the replicas that fit, the rest waits
    Given every agent of the scaling group is fully occupied
    And deployment "llama" is SCALING with 3 replicas
    And deployment "llama" has route "r1" in RUNNING
    When a scaling-deployments cycle runs
    Then no route of deployment "llama" is created
    And deployment "llama" stays SCALING

  @SC-004 @error-case @as-implemented
  Scenario: A scale-up creates every missing route whatever the free resources
    Given every agent of the scaling group is fully occupied
    And deployment "llama" is SCALING with 3 replicas
    And deployment "llama" has route "r1" in RUNNING
    When a scaling-deployments cycle runs
    Then 2 new routes of deployment "llama" are waiting to be provisioned
    And deployment "llama" moves to READY
    And the deployment history of "llama" records a SUCCESS of "scaling-deployments" from SCALING to READY

  @SC-004 @error-case @as-implemented
  Scenario: A scale-up creates every missing route whatever the free resources, the deployment staying READY
    Given every agent of the scaling group is fully occupied
    And deployment "llama" is READY with 3 replicas
    And deployment "llama" has route "r1" in RUNNING
    When a scaling-deployments cycle runs
    Then 2 new routes of deployment "llama" are waiting to be provisioned
    And deployment "llama" stays READY
    And no session is requested for deployment "llama"
