@deployment @database
Feature: Check the replica count of ready deployments (CheckReplicaDeploymentHandler)
  The replica check keeps a ready deployment at its replica count. The BEP expects a deployment
  with as many replicas as it wants to be left unchanged, one with fewer to trigger a scale-up,
  one with more to trigger a scale-down, and one with an unhealthy replica to have it replaced. A
  replica is a route, and it counts while the route is active: from its provisioning until it is
  being terminated. The scenarios check the deployment's state and target, its routes, the
  deployment history, the lifecycle notifications and the cycles requested.

  A deployment with autoscaling rules gets its target from the rules instead; the deployments
  here have none.

  The BEP's state words are bound to each release's states by the release binding's vocabulary
  (shown in the traceability file).

  These scenarios run the real deployment and route coordinators, executors and repository on
  PostgreSQL; route health reaches the manager as the release receives it (see its notes).

  @CR-001 @happy-path
  Scenario: A ready deployment with as many active routes as replicas is left unchanged
    Given deployment "llama" is READY with 2 replicas
    And deployment "llama" has routes "r1" and "r2" in RUNNING
    When a check-replica-deployments cycle runs
    Then deployment "llama" stays READY
    And the target replica count of deployment "llama" is unchanged
    And nothing is recorded in the deployment history of "llama"
    And no lifecycle notification is sent for deployment "llama"
    And routes "r1" and "r2" stay RUNNING

  @CR-001 @happy-path
  Scenario: Check-replica examines ready deployments only, and passes over those that need nothing
    Given deployment "llama" is READY with 1 replica
    And deployment "llama" has route "r1" in RUNNING
    And deployment "mistral" is SCALING with 2 replicas
    When the check-replica-deployments handler runs
    Then deployment "llama" is reported as skipped
    And the check-replica-deployments handler was not given deployment "mistral"

  @CR-001 @edge-case
  Scenario: Checking ready deployments requests a scaling cycle even when none of them needs one
    Given deployment "llama" is READY with 1 replica
    And deployment "llama" has route "r1" in RUNNING
    When a check-replica-deployments cycle runs
    Then deployment "llama" stays READY
    And the next scaling-deployments cycle is requested

  @CR-001 @edge-case @as-implemented
  Scenario: Checking ready deployments requests no further cycle
    Given deployment "llama" is READY with 1 replica
    And deployment "llama" has route "r1" in RUNNING
    When a check-replica-deployments cycle runs
    Then deployment "llama" stays READY
    And no further cycle is requested

  @CR-001 @edge-case
  Scenario: Replica checks run every 5 seconds when requested and every 30 seconds regardless
    When the manager sets up its deployment and route timers
    Then a check-replica-deployments cycle runs every 5 seconds if it has been requested
    And a check-replica-deployments cycle is forced every 30 seconds, the first time after 10 seconds

  Scenario Outline: A ready deployment whose active routes differ from its replica count is sent to scaling
    Given deployment "llama" is READY with <replicas>
    And deployment "llama" has routes <routes> in RUNNING
    When a check-replica-deployments cycle runs
    Then deployment "llama" now wants <replicas>
    And deployment "llama" moves to SCALING
    And the deployment history of "llama" records a SUCCESS of "check-replica-deployments" from READY to SCALING
    And a lifecycle notification says deployment "llama" went from READY to SCALING
    And the next scaling-deployments cycle is requested
    And routes <routes> stay RUNNING
    And no route of deployment "llama" is created

    @CR-002 @happy-path
    Examples: fewer active routes than replicas
      | replicas   | routes |
      | 2 replicas | "r1"   |

    @CR-003 @happy-path
    Examples: more active routes than replicas
      | replicas  | routes        |
      | 1 replica | "r1" and "r2" |

    @CR-003 @edge-case
    Examples: scaled in to no replica at all
      | replicas   | routes |
      | 0 replicas | "r1"   |

  Scenario Outline: A ready deployment whose active routes differ from its replica count gets a target and stays READY
    The replica check only stores the target; nothing is recorded or announced for the deployment,
    and no cycle is requested: the routes are created or retired by the scaling that follows on
    its own timer.

    Given deployment "llama" is READY with <replicas>
    And deployment "llama" has routes <routes> in RUNNING
    When a check-replica-deployments cycle runs
    Then deployment "llama" now wants <replicas>
    And deployment "llama" stays READY
    And nothing is recorded in the deployment history of "llama"
    And no lifecycle notification is sent for deployment "llama"
    And no further cycle is requested
    And routes <routes> stay RUNNING

    @CR-002 @happy-path @as-implemented
    Examples: fewer active routes than replicas
      | replicas   | routes |
      | 2 replicas | "r1"   |

    @CR-003 @happy-path @as-implemented
    Examples: more active routes than replicas
      | replicas  | routes        |
      | 1 replica | "r1" and "r2" |

  @CR-002 @edge-case
  Scenario: A route that is being terminated no longer counts as a replica
    Given deployment "llama" is READY with 2 replicas
    And deployment "llama" has route "r1" in RUNNING
    And deployment "llama" has route "r2" in TERMINATING
    When a check-replica-deployments cycle runs
    Then deployment "llama" now wants 2 replicas
    And deployment "llama" moves to SCALING

  @CR-002 @edge-case
  Scenario: Routes still being provisioned or health-checked count as replicas
    Given deployment "llama" is READY with 2 replicas
    And deployment "llama" has route "r1" in PROVISIONING
    And deployment "llama" has route "r2" in HEALTH_CHECKING
    When a check-replica-deployments cycle runs
    Then deployment "llama" stays READY
    And nothing is recorded in the deployment history of "llama"

  @CR-004 @error-case
  Scenario: A ready deployment with an unhealthy replica has a replacement triggered
    Given deployment "llama" is READY with 2 replicas
    And deployment "llama" has route "r1" in RUNNING
    And deployment "llama" has route "r2" in UNHEALTHY
    When a check-replica-deployments cycle runs
    Then deployment "llama" moves to SCALING

  @CR-004 @error-case @as-implemented
  Scenario: Check-replica counts an unhealthy route as a replica
    Given deployment "llama" is READY with 2 replicas
    And deployment "llama" has route "r1" in RUNNING
    And deployment "llama" has route "r2" in UNHEALTHY
    When a check-replica-deployments cycle runs
    Then deployment "llama" stays READY
    And nothing is recorded in the deployment history of "llama"
    And route "r2" stays UNHEALTHY
    And no route of deployment "llama" is created

  @CR-004 @error-case @as-implemented
  Scenario: An unhealthy replica is replaced through health check, eviction, reconciliation and scaling
    The scaling group keeps its default cleanup configuration, which evicts UNHEALTHY routes.

    Given deployment "llama" is READY with 2 replicas
    And deployment "llama" has routes "r1" and "r2" in RUNNING
    And the app proxy reports route "r1" ready
    And the app proxy reports route "r2" not ready
    When a health-check-routes cycle runs
    Then route "r2" moves to UNHEALTHY
    And route "r1" stays RUNNING
    When an evict-routes cycle runs
    Then route "r2" moves to TERMINATING
    When a reconcile-deployments cycle runs
    Then deployment "llama" moves to SCALING
    And the deployment history of "llama" records a NEED_RETRY of "reconcile-deployments" from READY to SCALING
    And the last deployment history record of "llama" says "Mismatched active routes"
    And the next scaling-deployments cycle is requested
    When a scaling-deployments cycle runs
    Then a new route of deployment "llama" is waiting to be provisioned
    And deployment "llama" moves to READY
    And the deployment history of "llama" records a SUCCESS of "scaling-deployments" from SCALING to READY
    And the next provision-routes cycle is requested
