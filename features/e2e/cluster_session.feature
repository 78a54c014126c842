@e2e @database
Feature: A cluster session starts when all its kernels run, and ends completely
  End-to-end (BEP Phase 4), through the real coordinator and a simulated agent fleet (see
  session_lifecycle.feature). A multi-node session has one kernel per agent here; it may only run
  once every kernel runs, and terminating it ends every kernel.

  Background:
    Given agents "a1" and "a2", each with 4 CPUs and 8 GiB

  @PR-001 @PR-002 @PT-001 @happy-path
  Scenario: A multi-node session waits for its slowest kernel, then runs, then ends on every agent
    Given agent "a2" is slow to start kernels
    And a user creates multi-node session "c1" of 2 kernels, each requesting 4 CPUs and 8 GiB
    When the scheduler runs until session "c1" is CREATING
    And 3 scheduler ticks pass
    Then session "c1" is still CREATING
    When agent "a2" catches up with its reports
    And the scheduler runs until session "c1" is RUNNING
    And the user terminates session "c1"
    And the scheduler runs until session "c1" is TERMINATED
    Then kernel "c1/0" is now TERMINATED
    And kernel "c1/1" is now TERMINATED
    And agent "a1" has nothing in use
    And agent "a2" has nothing in use
    And no scheduler cycle ended with an error
