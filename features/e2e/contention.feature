@e2e @database
Feature: More sessions than capacity: who runs, who waits, and who starts when room is made
  End-to-end (BEP Phase 4), through the real coordinator and a simulated agent fleet (see
  session_lifecycle.feature). The scheduler places pending sessions by priority, then in the order
  they were created; what does not fit stays PENDING, and a termination makes room for the next.

  @SS-002 @SS-003 @TS-001 @PT-001 @happy-path
  Scenario: Sessions beyond capacity wait, and each termination lets the next one start
    Given agent "a1" with 4 CPUs and 16 GiB
    And a user creates the sessions "s1", "s2" and "s3" in this order, each requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s2" is RUNNING
    Then session "s1" is now RUNNING
    And session "s3" is still PENDING
    When the user terminates session "s1"
    And the scheduler runs until session "s3" is RUNNING
    Then session "s1" is now TERMINATED
    And agent "a1" has 4 CPUs and 8 GiB in use
    And no scheduler cycle ended with an error

  @SS-002 @SS-003 @happy-path
  Scenario: A session of higher priority created later starts before those waiting longer
    Given agent "a1" with 2 CPUs and 16 GiB
    And a user creates session "s1" with priority 10 requesting 2 CPUs and 4 GiB
    And a user creates session "s2" with priority 10 requesting 2 CPUs and 4 GiB
    And a user creates session "s3" with priority 20 requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s3" is RUNNING
    Then session "s1" is still PENDING
    And session "s2" is still PENDING
    When the user terminates session "s3"
    And the scheduler runs until session "s1" is RUNNING
    Then session "s2" is still PENDING
