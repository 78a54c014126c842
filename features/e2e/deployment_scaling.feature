@e2e @database @deployment
Feature: A model-serving deployment scaled up and down converges on its target
  End-to-end (BEP Phase 4). The deployment and route coordinators and the scheduler's coordinator
  run on one database, each driven by its own timers; the simulated agent fleet runs the sessions
  the routes ask for, and the app proxy reports a route ready once its session runs. The owner
  changes the replica count as the API does. "Serves with N replicas" means: the deployment is
  READY, exactly N of its routes are RUNNING (26.3.3: HEALTHY) with a RUNNING session each, and
  every other route is TERMINATED with its session ended.

  Background:
    Given agents "a1" and "a2", each with 8 CPUs and 32 GiB

  @CD-001 @SC-001 @SC-002 @RP-001 @RH-001 @RT-001 @happy-path
  Scenario: A deployment scaled from 2 to 4 to 1 replicas converges each time
    Given a user creates deployment "llama" with 2 replicas
    When the system runs until deployment "llama" serves with 2 replicas
    And the owner scales deployment "llama" to 4 replicas
    And the system runs until deployment "llama" serves with 4 replicas
    And the owner scales deployment "llama" to 1 replica
    And the system runs until deployment "llama" serves with 1 replica
    Then deployment "llama" serves with 1 replica, each a RUNNING route whose session is RUNNING
    And deployment "llama" has had 4 sessions, every one of them RUNNING or ended
    And no scheduler cycle ended with an error
