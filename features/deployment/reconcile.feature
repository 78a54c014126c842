@deployment @database
Feature: Reconcile ready deployments with their routes (ReconcileDeploymentHandler)
  Reconciliation brings what a deployment has back in line with what it records. The BEP expects
  a session whose state differs from the database to be synchronised, an inference session that
  belongs to no deployment to be terminated, and a replica without a route to get a route. A
  deployment's replicas are its active routes (from provisioning until being terminated), counted
  against its target replica count. The scenarios check the deployment's state, its routes and
  sessions, the deployment history, the lifecycle notifications and the cycles requested.

  The BEP's state words are bound to each release's states by the release binding's vocabulary
  (shown in the traceability file).

  These scenarios run the real deployment and route coordinators, executors and repository on
  PostgreSQL.

  @RC-001 @error-case
  Scenario: A route whose session state differs from the database is synchronised
    Given deployment "llama" is READY with 1 replica
    And deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is TERMINATED
    When a reconcile-deployments cycle runs
    Then route "r1" moves to TERMINATING

  @RC-001 @error-case @as-implemented
  Scenario: Reconciliation leaves a route whose session has ended as it is
    Given deployment "llama" is READY with 1 replica
    And deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is TERMINATED
    When a reconcile-deployments cycle runs
    Then route "r1" stays RUNNING
    And deployment "llama" stays READY
    And nothing is recorded in the deployment history of "llama"
    And nothing is recorded in the route history of "r1"

  @RC-002 @error-case
  Scenario: An inference session that belongs to no deployment is terminated
    Given deployment "llama" is READY with 1 replica
    And deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And an inference session "stray" belongs to no deployment and is RUNNING
    When a reconcile-deployments cycle runs
    Then session "stray" is being terminated

  @RC-002 @error-case @as-implemented
  Scenario: Reconciliation leaves an inference session that belongs to no deployment running
    Given deployment "llama" is READY with 1 replica
    And deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And an inference session "stray" belongs to no deployment and is RUNNING
    When a reconcile-deployments cycle runs
    Then session "stray" is still RUNNING
    And session "s1" is still RUNNING
    And deployment "llama" stays READY

  @RC-003 @error-case
  Scenario: A replica without a route gets a route created
    Given deployment "llama" is READY with 2 replicas
    And deployment "llama" has route "r1" in RUNNING
    When a reconcile-deployments cycle runs
    Then a new route of deployment "llama" is waiting to be provisioned

  @RC-003 @error-case @as-implemented
  Scenario: A replica without a route gets a route created while the deployment stays READY, unrecorded
    The route is created for the deployment's replica group; the deployment's own lifecycle and
    history are not touched, and no provisioning cycle is requested for the new route.

    Given deployment "llama" is READY with 2 replicas
    And deployment "llama" has route "r1" in RUNNING
    When a reconcile-deployments cycle runs
    Then a new route of deployment "llama" is waiting to be provisioned
    And route "r1" stays RUNNING
    And deployment "llama" stays READY
    And nothing is recorded in the deployment history of "llama"
    And no lifecycle notification is sent for deployment "llama"
    And the next provision-routes cycle is not requested

  Scenario Outline: A ready deployment whose active routes do not match its target goes back to SCALING
    Given deployment "llama" is READY with <replicas>
    And deployment "llama" has routes <routes> in RUNNING
    When a reconcile-deployments cycle runs
    Then deployment "llama" moves to SCALING
    And the deployment history of "llama" records a NEED_RETRY of "reconcile-deployments" from READY to SCALING
    And the last deployment history record of "llama" says "Mismatched active routes"
    And the last deployment history record of "llama" carries the error code "model-service_read_invalid-parameters"
    And a lifecycle notification says deployment "llama" went from READY to SCALING
    And the next scaling-deployments cycle is requested
    And no route of deployment "llama" is created
    And routes <routes> stay RUNNING

    @RC-003 @error-case @as-implemented
    Examples: a replica without a route
      | replicas   | routes |
      | 2 replicas | "r1"   |

    @RC-003 @edge-case @as-implemented
    Examples: a route beyond the replicas
      | replicas  | routes        |
      | 1 replica | "r1" and "r2" |

  @RC-003 @error-case @as-implemented
  Scenario: The scaling cycle requested by reconciliation creates the missing route
    Given deployment "llama" is READY with 2 replicas
    And deployment "llama" has route "r1" in RUNNING
    When a reconcile-deployments cycle runs
    And a scaling-deployments cycle runs if it has been requested
    Then a new route of deployment "llama" is waiting to be provisioned
    And deployment "llama" moves to READY

  @RC-003 @error-case @as-implemented
  Scenario: Reconciliation reports a mismatch with the expected and the actual route count
    Given deployment "llama" is READY with 3 replicas
    And deployment "llama" has route "r1" in RUNNING
    When the reconcile-deployments handler runs
    Then deployment "llama" is reported as a failure with reason "Mismatched active routes"
    And the failure of deployment "llama" says "Active route count does not match target replica count. (Expected 3 replicas, found 1)"

  @RC-003 @edge-case
  Scenario: A deployment with as many active routes as its target stays READY, unrecorded
    Given deployment "llama" is READY with 1 replica
    And deployment "llama" has route "r1" in RUNNING
    And the autoscaler has set deployment "llama" to 2 replicas
    And deployment "llama" has route "r2" in UNHEALTHY
    When a reconcile-deployments cycle runs
    Then deployment "llama" stays READY
    And nothing is recorded in the deployment history of "llama"
    And no lifecycle notification is sent for deployment "llama"
    And the next scaling-deployments cycle is not requested

  @RC-003 @edge-case
  Scenario: Reconciliation runs every 30 seconds and never on request
    When the manager sets up its deployment and route timers
    Then a reconcile-deployments cycle never runs on request
    And a reconcile-deployments cycle is forced every 30 seconds, the first time after 10 seconds

  @RC-003 @edge-case @as-implemented
  Scenario: Reconciliation runs every 30 seconds, the first time after 30 seconds, and every 5 seconds on request
    When the manager sets up its deployment and route timers
    Then a reconcile-deployments cycle runs every 5 seconds if it has been requested
    And a reconcile-deployments cycle is forced every 30 seconds, the first time after 30 seconds
