@deployment @database
Feature: Check pending deployments (CheckPendingDeploymentHandler)
  Check-pending sets a new deployment, one still PENDING, on its way to serving. The BEP expects
  a new deployment to move to PROVISIONING with a session requested for it, a deployment for which
  no resources are available to remain PENDING and wait for a retry, and a deployment with an
  invalid configuration (an invalid image) to move to FAILED. The scenarios check the deployment's
  state, its registration with the app proxy of its scaling group, the sessions requested, the
  deployment history and the lifecycle notifications.

  The BEP's state words are bound to each release's states by the release binding's vocabulary
  (shown in the traceability file), which also says which BEP words a release has no state for.

  These scenarios run the real deployment coordinator, executor and repository on PostgreSQL;
  the app proxy is an HTTP server on 127.0.0.1.

  @CD-001 @happy-path
  Scenario: A new deployment moves to PROVISIONING and a session is requested for it
    Given deployment "llama" is PENDING with 2 replicas
    When a check-pending-deployments cycle runs
    Then deployment "llama" moves to PROVISIONING
    And a session is requested for deployment "llama"

  @CD-001 @happy-path @as-implemented
  Scenario: A new deployment is registered with the app proxy and moves to SCALING
    Given deployment "llama" is PENDING with 2 replicas
    When a check-pending-deployments cycle runs
    Then the app proxy is asked to register deployment "llama"
    And the address the app proxy gave is stored as the URL of deployment "llama"
    And deployment "llama" moves to SCALING
    And the deployment history of "llama" records a SUCCESS of "check-pending-deployments" from PENDING to SCALING
    And a lifecycle notification says deployment "llama" went from PENDING to SCALING
    And the next scaling-deployments cycle is requested
    And no session is requested for deployment "llama"

  @CD-001 @happy-path @as-implemented
  Scenario: A new deployment is left PENDING by the check-pending cycle, unregistered and without a session
    No cycle takes a PENDING deployment: it is deployed once its revision is activated.

    Given deployment "llama" is PENDING with 2 replicas
    When a check-pending-deployments cycle runs
    Then deployment "llama" stays PENDING
    And the app proxy is not contacted
    And deployment "llama" has no URL
    And nothing is recorded in the deployment history of "llama"
    And no lifecycle notification is sent for deployment "llama"
    And no session is requested for deployment "llama"

  @CD-001 @happy-path @as-implemented
  Scenario: Check-pending examines the deployments waiting for their first registration
    Given deployment "llama" is PENDING
    And deployment "mistral" is CREATED
    And deployment "phi" is READY
    When the check-pending-deployments handler runs
    Then deployment "llama" is reported as a success
    And deployment "mistral" is reported as a success
    And the check-pending-deployments handler was not given deployment "phi"

  @CD-002 @error-case
  Scenario: A deployment without available resources remains PENDING and waits for a retry
    Given every agent of the scaling group is fully occupied
    And deployment "llama" is PENDING
    When a check-pending-deployments cycle runs
    Then deployment "llama" stays PENDING

  @CD-002 @error-case @as-implemented
  Scenario: A deployment is registered and moves to SCALING although every agent is fully occupied
    Given every agent of the scaling group is fully occupied
    And deployment "llama" is PENDING
    When a check-pending-deployments cycle runs
    Then the app proxy is asked to register deployment "llama"
    And deployment "llama" moves to SCALING
    And the deployment history of "llama" records a SUCCESS of "check-pending-deployments" from PENDING to SCALING
    And the next scaling-deployments cycle is requested
    And no session is requested for deployment "llama"

  @CD-002 @error-case @as-implemented
  Scenario: A deployment whose endpoint the app proxy refuses remains PENDING, without a record
    The registration is retried by the app-proxy client (3 attempts) and then reported as a
    failure; check-pending has no failure transition, so nothing is written and the deployment
    is taken again by the next cycle.

    Given deployment "llama" is PENDING
    And the app proxy refuses to register endpoints with HTTP 503
    When a check-pending-deployments cycle runs
    Then the app proxy is asked 3 times to register deployment "llama"
    And the manager logs that deployment "llama" could not be registered with the app proxy
    And deployment "llama" stays PENDING
    And deployment "llama" has no URL
    And nothing is recorded in the deployment history of "llama"
    And no lifecycle notification is sent for deployment "llama"

  @CD-002 @error-case @as-implemented
  Scenario: The failed registration is reported with the app proxy's answer
    Given deployment "llama" is PENDING
    And the app proxy refuses to register endpoints with HTTP 503
    When the check-pending-deployments handler runs
    Then deployment "llama" is reported as a failure because the app proxy answered 503

  @CD-002 @edge-case @as-implemented
  Scenario: A deployment in a scaling group without an app proxy is passed over silently
    Given deployment "llama" is PENDING
    And the scaling group has no app proxy
    When the check-pending-deployments handler runs
    Then deployment "llama" is not reported
    And the app proxy is not contacted

  @CD-003 @error-case
  Scenario: A deployment with an invalid configuration moves to FAILED
    Given deployment "llama" is PENDING
    And deployment "llama" serves a custom model whose model folder no longer exists
    When a check-pending-deployments cycle runs
    Then deployment "llama" moves to FAILED

  @CD-003 @error-case @as-implemented
  Scenario: A deployment whose model definition cannot be read stays PENDING and is retried
    Given deployment "llama" is PENDING
    And deployment "llama" serves a custom model whose model folder no longer exists
    When the check-pending-deployments handler runs
    Then deployment "llama" is reported as a failure with error code "vfolder_read_not-found"
    And the app proxy is not contacted
    When a check-pending-deployments cycle runs
    Then the manager logs that deployment "llama" could not be registered with the app proxy
    And deployment "llama" stays PENDING
    And nothing is recorded in the deployment history of "llama"

  @CD-003 @error-case @as-implemented
  Scenario: A deployment whose model folder no longer exists is left PENDING by the check-pending cycle, unrecorded
    No cycle reads a PENDING deployment's configuration: it is read once its revision is activated.

    Given deployment "llama" is PENDING
    And deployment "llama" serves a custom model whose model folder no longer exists
    When a check-pending-deployments cycle runs
    Then deployment "llama" stays PENDING
    And the app proxy is not contacted
    And nothing is recorded in the deployment history of "llama"
    And no lifecycle notification is sent for deployment "llama"
