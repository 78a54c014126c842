@route @database
Feature: Provision routes (ProvisioningRouteHandler)
  Provisioning gives each PROVISIONING route, a replica slot of a deployment, an inference
  session of its own, requested from the scheduler as the deployment's owner and in its scaling
  group, and links the route to it. The BEP expects a route whose session is connected to move to
  HEALTH_CHECKING, a route whose session is still being prepared to remain PROVISIONING, and a
  route whose session has TERMINATED to move to FAILED. The scenarios check the route's state,
  the session requested for it, what the handler reports and the route history, and also what
  becomes of a route whose session cannot be requested.

  The BEP's state words are bound to each release's states by the release binding's vocabulary
  (shown in the traceability file); route history records name the states as the release stores
  them.

  These scenarios run the real route coordinator, executor and repository on PostgreSQL, with
  Backend.AI's own Valkey client for health records. Session requests go to the scheduler's own
  controller on the same database, which checks them and writes the PENDING session and its
  kernel; it asks the storage proxy, an HTTP server on 127.0.0.1, where the deployment's model
  folder is kept.

  Background:
    Given deployment "llama" is READY

  @RP-001 @happy-path
  Scenario: A provisioning route gets a session and moves to HEALTH_CHECKING
    Given deployment "llama" has route "r1" in PROVISIONING
    When a provision-routes cycle runs
    Then route "r1" is served by a new PENDING inference session of the owner of deployment "llama"
    And the session of route "r1" has one PENDING kernel of the image of deployment "llama", asking for 1 CPU and 2 GiB
    And the session of route "r1" mounts the model folder of deployment "llama" at "/models", where the storage proxy keeps it
    And route "r1" moves to HEALTH_CHECKING
    And the route history of "r1" records a SUCCESS of "provision-routes" from PROVISIONING to DEGRADED

  @RP-001 @happy-path
  Scenario: A provisioned route waits for the app proxy's first readiness report
    Given deployment "llama" has route "r1" in PROVISIONING
    When a provision-routes cycle runs
    Then route "r1" has a health record but no readiness report yet

  @RP-001 @happy-path
  Scenario: Every provisioning route of a deployment gets its own session
    Given deployment "llama" has routes "r1", "r2" and "r3" in PROVISIONING
    When the provision-routes handler runs
    Then routes "r1", "r2" and "r3" are reported as successes
    And route "r1" is served by a new PENDING inference session of the owner of deployment "llama"
    And route "r2" is served by a new PENDING inference session of the owner of deployment "llama"
    And route "r3" is served by a new PENDING inference session of the owner of deployment "llama"
    And routes "r1", "r2" and "r3" are each served by a session of their own

  @RP-001 @edge-case
  Scenario: Only PROVISIONING routes are provisioned
    Given deployment "llama" has route "r1" in PROVISIONING
    And deployment "llama" has route "r2" in HEALTH_CHECKING
    When a provision-routes cycle runs
    Then the provision-routes handler was not given route "r2"
    And no session is requested for route "r2"
    And route "r2" stays HEALTH_CHECKING

  @RP-001 @edge-case
  Scenario: Provisioning runs every 5 seconds when requested and every minute regardless
    When the manager sets up its deployment and route timers
    Then a provision-routes cycle runs every 5 seconds if it has been requested
    And a provision-routes cycle is forced every 1 minute, the first time after 10 seconds

  @RP-001 @edge-case
  Scenario: A requested provisioning cycle provisions on the short timer
    Given deployment "llama" has route "r1" in PROVISIONING
    And a provision-routes cycle has been requested
    When a provision-routes cycle runs if it has been requested
    Then route "r1" moves to HEALTH_CHECKING
    And the next schedule-sessions cycle is requested
    And no further cycle is requested

  @RP-001 @edge-case
  Scenario: The short timer leaves provisioning routes alone when nothing requested a cycle
    Given deployment "llama" has route "r1" in PROVISIONING
    When a provision-routes cycle runs if it has been requested
    Then the cycle does nothing, as nothing requested it
    And route "r1" stays PROVISIONING
    And no session is requested for route "r1"

  @RP-002 @edge-case
  Scenario: A route whose session is still PREPARING remains PROVISIONING
    Given deployment "llama" has route "r1" in PROVISIONING
    And route "r1" is served by session "s1", which is PREPARING
    When a provision-routes cycle runs
    Then route "r1" stays PROVISIONING

  @RP-002 @edge-case @as-implemented
  Scenario: A route whose session is still PREPARING moves on to HEALTH_CHECKING without a second session
    Given deployment "llama" has route "r1" in PROVISIONING
    And route "r1" is served by session "s1", which is PREPARING
    When a provision-routes cycle runs
    Then no session is requested for route "r1"
    And route "r1" moves to HEALTH_CHECKING
    And the route history of "r1" records a SUCCESS of "provision-routes" from PROVISIONING to DEGRADED
    And session "s1" is still PREPARING

  @RP-002 @edge-case @as-implemented
  Scenario: A route leaves PROVISIONING while the session requested for it is still PENDING
    Given deployment "llama" has route "r1" in PROVISIONING
    When a provision-routes cycle runs
    Then the session requested for route "r1" is still PENDING
    And route "r1" moves to HEALTH_CHECKING

  @RP-001 @happy-path @as-implemented
  Scenario: A provisioning route gets a session and stays PROVISIONING while the session starts
    Given deployment "llama" has route "r1" in PROVISIONING
    When a provision-routes cycle runs
    Then route "r1" is served by a new PENDING inference session of the owner of deployment "llama"
    And route "r1" stays PROVISIONING
    And the route history of "r1" records a SUCCESS of "provision-routes" from PROVISIONING to PROVISIONING

  @RP-001 @happy-path @as-implemented
  Scenario: A provisioned route whose session runs moves to HEALTH_CHECKING through check-starting-routes
    Given deployment "llama" has route "r1" in PROVISIONING
    And route "r1" is served by session "s1", which is RUNNING
    When a provision-routes cycle runs
    And a check-starting-routes cycle runs
    Then no session is requested for route "r1"
    And route "r1" moves to HEALTH_CHECKING

  @RP-003 @error-case
  Scenario: A route whose session has TERMINATED moves to FAILED
    Given deployment "llama" has route "r1" in PROVISIONING
    And route "r1" is served by session "s1", which is TERMINATED
    When a provision-routes cycle runs
    Then route "r1" moves to FAILED

  @RP-003 @error-case @as-implemented
  Scenario: A route whose session has TERMINATED still moves on to HEALTH_CHECKING
    Given deployment "llama" has route "r1" in PROVISIONING
    And route "r1" is served by session "s1", which is TERMINATED
    When a provision-routes cycle runs
    Then no session is requested for route "r1"
    And route "r1" moves to HEALTH_CHECKING

  @RP-003 @error-case @as-implemented
  Scenario: A provisioned route whose session has TERMINATED is sent to TERMINATING through check-starting-routes
    Given deployment "llama" has route "r1" in PROVISIONING
    And route "r1" is served by session "s1", which is TERMINATED
    When a provision-routes cycle runs
    And a check-starting-routes cycle runs
    Then no session is requested for route "r1"
    And route "r1" moves to TERMINATING
    And the last route history record of "r1" says "Session terminated"

  @RP-003 @error-case @as-implemented
  Scenario: A route whose session the scheduler refuses moves to FAILED
    Given deployment "llama" has route "r1" in PROVISIONING
    And the scaling group does not accept inference sessions
    When a provision-routes cycle runs
    Then route "r1" moves to FAILED
    And route "r1" has no session
    And no session is requested for route "r1"
    And the route history of "r1" records a FAILURE of "provision-routes" from PROVISIONING to FAILED_TO_START
    And the last route history record of "r1" says "Failed to provision"
    And the last route history record of "r1" carries the error code "scaling-group_access_not-found"

  @RP-003 @error-case @as-implemented
  Scenario: A refused session request is reported with the scheduler's answer
    Given deployment "llama" has route "r1" in PROVISIONING
    And the scaling group does not accept inference sessions
    When the provision-routes handler runs
    Then route "r1" is reported as a failure with reason "Failed to provision"
    And the failure of route "r1" mentions "No scaling groups available for this session."
    And the failure of route "r1" mentions "default: Session type inference not allowed (allowed: interactive, batch)"

  @RP-003 @error-case @as-implemented
  Scenario: A route of a scaling group that does not accept inference sessions still gets its session
    Given deployment "llama" has route "r1" in PROVISIONING
    And the scaling group does not accept inference sessions
    When a provision-routes cycle runs
    Then route "r1" is served by a new PENDING inference session of the owner of deployment "llama"

  @RP-003 @error-case @as-implemented
  Scenario: A route whose model folder the storage proxy cannot locate moves to FAILED
    Given deployment "llama" has route "r1" in PROVISIONING
    And the storage proxy answers every request for a folder's mount path with HTTP 500
    When a provision-routes cycle runs
    Then the storage proxy is asked where the model folder of deployment "llama" is kept
    And route "r1" moves to FAILED
    And no session is requested for route "r1"
    And the route history of "r1" records a FAILURE of "provision-routes" from PROVISIONING to FAILED_TO_START
    And the last route history record of "r1" says "Failed to provision"
    And the last route history record of "r1" carries the error code "api_generic_invalid-parameters"
    And the failure of route "r1" mentions "Internal server error from storage proxy"

  @RP-003 @error-case @as-implemented
  Scenario: A route of a deployment that is being destroyed moves to FAILED
    Given deployment "phi" is DESTROYING
    And deployment "phi" has route "r2" in PROVISIONING
    When a provision-routes cycle runs
    Then no session is requested for route "r2"
    And route "r2" moves to FAILED
    And the route history of "r2" records a FAILURE of "provision-routes" from PROVISIONING to FAILED_TO_START
    And the last route history record of "r2" carries the error code "model-service_read_not-found"

  @RP-003 @error-case @as-implemented
  Scenario: A route of a deployment that is being destroyed moves to FAILED, its deployment reported not found
    Given deployment "phi" is DESTROYING
    And deployment "phi" has route "r2" in PROVISIONING
    When a provision-routes cycle runs
    Then no session is requested for route "r2"
    And route "r2" moves to FAILED
    And the route history of "r2" records a FAILURE of "provision-routes" from PROVISIONING to FAILED_TO_START
    And the last route history record of "r2" carries the error code "deployment_read_not-found"

  @RP-003 @error-case @as-implemented
  Scenario: One route that cannot be provisioned does not hold back the others
    Given deployment "phi" is DESTROYED
    And deployment "phi" has route "r2" in PROVISIONING
    And deployment "llama" has route "r1" in PROVISIONING
    When a provision-routes cycle runs
    Then route "r1" moves to HEALTH_CHECKING
    And route "r2" moves to FAILED

  @RP-003 @error-case @as-implemented
  Scenario: One route that cannot be provisioned does not hold back the others, which get their sessions
    Given deployment "phi" is DESTROYED
    And deployment "phi" has route "r2" in PROVISIONING
    And deployment "llama" has route "r1" in PROVISIONING
    When a provision-routes cycle runs
    Then route "r1" is served by a new PENDING inference session of the owner of deployment "llama"
    And route "r2" moves to FAILED
