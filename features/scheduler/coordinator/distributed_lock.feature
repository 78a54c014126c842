@scheduler @coordinator @database
Feature: Distributed lock around the coordinator's handler cycles
  Several manager processes run the same scheduler timers, so the schedule coordinator runs a
  lifecycle handler that declares a lock only while holding that lock: schedule-sessions holds
  "target pending", check-precondition "target preparing", start-sessions "target creating",
  terminate-sessions and sweep-stale-kernels "target terminating", each asked for with the lifetime
  the manager's session_schedule_lock_lifetime setting gives (30 seconds by default). Promotions,
  deprioritize-sessions and sweep-sessions take no lock.

  These scenarios run the real coordinator with the manager's pg_advisory lock backend: every lock
  is a PostgreSQL session-level advisory lock on the scenario's database, taken through the
  manager's database engine, so a cycle waits for a lock exactly as it would in production. The
  manager's database setting lock_conn_timeout bounds that wait in whole seconds (0, the default,
  waits forever). "A cycle runs" is the long timer's cycle, which runs whether or not it was
  requested; "a cycle runs if it has been requested" is the short timer's, which first takes the
  request away and does nothing when there was none.

  Background:
    Given the scaling group "default"
    And agent "a1" with 8 CPUs and 16 GiB

  @DL-001 @happy-path
  Scenario: A start-sessions cycle takes its lock, starts the prepared session, and releases the lock
    Given a PREPARED session "s1" with kernel "k1" on agent "a1"
    When a start-sessions cycle runs
    Then the cycle completes
    And the cycle took the scheduler lock "target creating" with a lifetime of 30 seconds, and released it
    And agent "a1" is asked to create 1 kernel of session "s1"
    And session "s1" is now CREATING

  @DL-001 @happy-path
  Scenario Outline: A <handler> cycle runs under the scheduler lock "<lock>"
    When a <handler> cycle runs
    Then the cycle completes
    And the cycle took the scheduler lock "<lock>" with a lifetime of 30 seconds, and released it

    Examples:
      | handler             | lock               |
      | schedule-sessions   | target pending     |
      | check-precondition  | target preparing   |
      | terminate-sessions  | target terminating |
      | sweep-stale-kernels | target terminating |

  @DL-001 @edge-case
  Scenario Outline: A <cycle> cycle takes no lock
    When a <cycle> cycle runs
    Then the cycle completes
    And the cycle took no lock

    Examples:
      | cycle                 |
      | deprioritize-sessions |
      | sweep-sessions        |
      | promote-to-prepared   |
      | promote-to-running    |
      | detect-termination    |
      | promote-to-terminated |
      | fair-share observation |

  @DL-002 @happy-path
  Scenario: Two start-sessions cycles started together run one after the other, and the session starts once
    Given a PREPARED session "s1" with kernel "k1" on agent "a1"
    When two start-sessions cycles run at the same time
    Then both cycles complete
    And the two cycles held the scheduler lock "target creating" one after the other
    And the cycle that got the scheduler lock "target creating" second had asked for it before the first released it
    And agent "a1" is asked to create 1 kernel of session "s1"
    And session "s1" is now CREATING
    And the scheduling history of session "s1" ends with "start-sessions" SUCCESS from PREPARED to CREATING
    And the last scheduling record of session "s1" counts 1 attempts

  @DL-003 @error-case
  Scenario: A requested cycle that timed out waiting for its lock is retried by the next requested cycle
    Given a PREPARED session "s1" with kernel "k1" on agent "a1"
    And the manager waits at most 1 second for a database lock
    And another manager holds the scheduler lock "target creating"
    And a start-sessions cycle has been requested
    When a start-sessions cycle runs if it has been requested
    And the other manager releases the scheduler lock "target creating"
    And a start-sessions cycle runs if it has been requested
    Then agent "a1" is asked to create 1 kernel of session "s1"
    And session "s1" is now CREATING

  @DL-003 @error-case @as-implemented
  Scenario: A cycle that timed out waiting for its lock did nothing, and only the next forced cycle retries
    Given a PREPARED session "s1" with kernel "k1" on agent "a1"
    And the manager waits at most 1 second for a database lock
    And another manager holds the scheduler lock "target creating"
    And a start-sessions cycle has been requested
    When a start-sessions cycle runs if it has been requested
    Then the cycle ends because the scheduler lock "target creating" could not be taken in time
    And no agent is contacted
    And session "s1" is still PREPARED
    And nothing is recorded in the scheduling history of session "s1"
    And no further cycle is requested
    When the other manager releases the scheduler lock "target creating"
    And a start-sessions cycle runs if it has been requested
    Then the cycle does nothing, as nothing requested it
    And session "s1" is still PREPARED
    When a start-sessions cycle runs
    Then the cycle completes
    And agent "a1" is asked to create 1 kernel of session "s1"
    And session "s1" is now CREATING

  @DL-003 @error-case @as-implemented
  Scenario: The long timer forces every handler's cycle each minute; the short timer runs only requested cycles
    What "the next forced cycle" means: the manager's leader runs each scheduler cycle on two
    timers. The short one (every 2 seconds) runs a cycle only if it has been requested; the long
    one (every 60 seconds, after 30 seconds) runs it regardless. Maintenance cycles have only the
    long timer.

    When the manager sets up its scheduler timers
    Then a start-sessions cycle runs every 2 seconds if it has been requested
    And a start-sessions cycle is forced every 60 seconds, the first time after 30 seconds
    And a sweep-sessions cycle is forced every 60 seconds, the first time after 30 seconds
    And a sweep-sessions cycle never runs on request

