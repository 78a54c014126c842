@route @database
Feature: Sync running routes to service discovery (ServiceDiscoverySyncHandler)
  The service-discovery sync keeps the service-discovery backend, where Prometheus finds each
  model service to scrape, in step with the routes that serve. The BEP expects a new RUNNING
  route to be registered, a TERMINATED route to be removed, a route's discovery metadata to be
  refreshed when its traffic weight changes, and a sync that cannot reach the backend to be queued
  for a retry. The scenarios check what the backend is sent: each RUNNING route at its kernel's
  host and inference port, with the metrics path and labels naming the runtime, the deployment,
  its owner and its project.

  The BEP's state words are bound to each release's states by the release binding's vocabulary
  (shown in the traceability file).

  These scenarios run the real route coordinator, executor and repository on PostgreSQL; which
  routes have a kernel with an inference port is decided by the repository's query. The
  service-discovery backend records each sync and can be made unreachable.

  Background:
    Given deployment "llama" is READY

  @SD-001 @happy-path
  Scenario: A RUNNING route is registered in service discovery at its kernel's inference port
    Given deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    When a service-discovery-sync cycle runs
    Then service discovery holds route "r1" of deployment "llama" at "s1.kernels" port 8000
    And service discovery labels route "r1" with the runtime variant, owner and project of deployment "llama"
    And route "r1" stays RUNNING
    And nothing is recorded in the route history of "r1"

  @SD-001 @happy-path
  Scenario: The RUNNING routes of every deployment are registered in one sync
    Given deployment "phi" is READY
    And deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And deployment "phi" has route "r2" in RUNNING
    And route "r2" is served by session "s2", which is RUNNING
    When a service-discovery-sync cycle runs
    Then service discovery holds route "r1" of deployment "llama" at "s1.kernels" port 8000
    And service discovery holds route "r2" of deployment "phi" at "s2.kernels" port 8000

  @SD-001 @edge-case
  Scenario: The sync reports nothing about the routes it registers
    Given deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    When the service-discovery-sync handler runs
    Then route "r1" is not reported
    And service discovery holds route "r1" of deployment "llama" at "s1.kernels" port 8000

  @SD-001 @edge-case
  Scenario: A route that is not yet RUNNING is not registered
    Given deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And deployment "llama" has route "r2" in HEALTH_CHECKING
    And route "r2" is served by session "s2", which is RUNNING
    When a service-discovery-sync cycle runs
    Then the service-discovery-sync handler was not given route "r2"
    And service discovery does not hold route "r2"

  @SD-001 @edge-case
  Scenario: A RUNNING route without a session is not registered
    Given deployment "llama" has routes "r1" and "r2" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    When a service-discovery-sync cycle runs
    Then service discovery holds route "r1" of deployment "llama" at "s1.kernels" port 8000
    And service discovery does not hold route "r2"

  @SD-001 @edge-case
  Scenario: A RUNNING route whose kernel has no inference port is not registered
    Given deployment "llama" has routes "r1" and "r2" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And route "r2" is served by session "s2", whose kernel has no inference port
    When a service-discovery-sync cycle runs
    Then service discovery holds route "r1" of deployment "llama" at "s1.kernels" port 8000
    And service discovery does not hold route "r2"

  @SD-001 @edge-case
  Scenario: Routes are synced to service discovery every minute and never on request
    When the manager sets up its deployment and route timers
    Then a service-discovery-sync cycle is forced every 1 minute, the first time after 30 seconds
    And a service-discovery-sync cycle never runs on request

  @SD-002 @happy-path @as-implemented
  Scenario: A TERMINATED route is removed from service discovery by the next sync
    Given deployment "llama" has route "r1" in TERMINATED
    And deployment "llama" has route "r2" in RUNNING
    And route "r2" is served by session "s2", which is RUNNING
    And service discovery holds route "r1" of deployment "llama" at "s1.kernels" port 8000
    And service discovery holds route "r2" of deployment "llama" at "s2.kernels" port 8000
    When a service-discovery-sync cycle runs
    Then service discovery no longer holds route "r1"
    And service discovery holds route "r2" of deployment "llama" at "s2.kernels" port 8000

  @SD-002 @edge-case
  Scenario: The last RUNNING route is removed from service discovery once it is TERMINATED
    Given deployment "llama" has route "r1" in TERMINATED
    And service discovery holds route "r1" of deployment "llama" at "s1.kernels" port 8000
    When a service-discovery-sync cycle runs
    Then service discovery no longer holds route "r1"

  @SD-002 @edge-case @as-implemented
  Scenario: When no route is RUNNING, service discovery is not contacted and keeps its entries
    Given deployment "llama" has route "r1" in TERMINATED
    And service discovery holds route "r1" of deployment "llama" at "s1.kernels" port 8000
    When a service-discovery-sync cycle runs
    Then service discovery is not contacted
    And service discovery still holds route "r1"

  @SD-002 @edge-case @as-implemented
  Scenario: When no RUNNING route has a session, service discovery is not contacted
    Given deployment "llama" has route "r1" in TERMINATED
    And deployment "llama" has route "r2" in RUNNING
    And service discovery holds route "r1" of deployment "llama" at "s1.kernels" port 8000
    When a service-discovery-sync cycle runs
    Then service discovery is not contacted
    And service discovery still holds route "r1"

  @SD-002 @edge-case @as-implemented
  Scenario: When no RUNNING route serves an inference port, service discovery is not contacted
    Given deployment "llama" has route "r1" in TERMINATED
    And deployment "llama" has route "r2" in RUNNING
    And route "r2" is served by session "s2", whose kernel has no inference port
    And service discovery holds route "r1" of deployment "llama" at "s1.kernels" port 8000
    When a service-discovery-sync cycle runs
    Then service discovery is not contacted
    And service discovery still holds route "r1"

  @SD-003 @happy-path
  Scenario: A route whose traffic weight changed has its discovery metadata refreshed
    Given deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And service discovery holds route "r1" of deployment "llama" at "s1.kernels" port 8000
    And the traffic ratio of route "r1" has been changed to 0.5
    When a service-discovery-sync cycle runs
    Then service discovery holds route "r1" with traffic weight 0.5

  @SD-003 @happy-path @as-implemented
  Scenario: Each sync rewrites the host and port of every RUNNING route
    Given deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And service discovery holds route "r1" of deployment "llama" at "old-host.kernels" port 9000
    When a service-discovery-sync cycle runs
    Then service discovery holds route "r1" of deployment "llama" at "s1.kernels" port 8000

  @SD-004 @error-case
  Scenario: A sync that cannot reach service discovery is queued for a retry
    Given deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And the service-discovery backend is unreachable
    When a service-discovery-sync cycle runs
    Then the cycle completes
    And the next service-discovery-sync cycle is requested

  @SD-004 @error-case @as-implemented
  Scenario: A sync that cannot reach service discovery ends the cycle with the backend's error
    Given deployment "llama" has route "r1" in RUNNING
    And route "r1" is served by session "s1", which is RUNNING
    And service discovery holds route "r1" of deployment "llama" at "old-host.kernels" port 9000
    And the service-discovery backend is unreachable
    When a service-discovery-sync cycle runs
    Then the cycle ends with the error "the service-discovery backend does not answer"
    And service discovery holds route "r1" of deployment "llama" at "old-host.kernels" port 9000
    And route "r1" stays RUNNING
    And nothing is recorded in the route history of "r1"
    And no further cycle is requested
