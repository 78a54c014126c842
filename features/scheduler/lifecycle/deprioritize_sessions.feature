@scheduler @lifecycle
Feature: Deprioritize sessions that gave up scheduling (DeprioritizeSessionsLifecycleHandler)
  This handler takes DEPRIORITIZING sessions, lowers their priority by 10 and sends them back to
  PENDING, so that they are scheduled again behind the others instead of being cancelled.
  DEPRIORITIZING is meant for a PENDING session that gave up scheduling. The priority itself is
  changed by the repository in the database, which never goes below the lowest priority (0);
  the scenarios here check what the handler asks of it, and the database tier checks the
  result.

  Background:
    Given the scaling group "default"

  @DP-001 @happy-path
  Scenario: A deprioritizing session returns to PENDING with its priority lowered by 10
    Given a DEPRIORITIZING session "s1" with priority 20
    When the deprioritize-sessions handler runs
    Then session "s1" is reported as a success with reason "deprioritized-for-rescheduling"
    And session "s1" moves to PENDING
    And the priority of session "s1" is to be lowered by 10, to no less than 0

  @DP-002 @edge-case
  Scenario: A session already at the lowest priority is cancelled
    Given a DEPRIORITIZING session "s1" with priority 0
    When the deprioritize-sessions handler runs
    Then session "s1" moves to CANCELLED

  @DP-002 @edge-case @as-implemented
  Scenario: A session already at the lowest priority returns to PENDING, its priority kept at the floor
    Given a DEPRIORITIZING session "s1" with priority 0
    When the deprioritize-sessions handler runs
    Then session "s1" is reported as a success with reason "deprioritized-for-rescheduling"
    And session "s1" moves to PENDING
    And the priority of session "s1" is to be lowered by 10, to no less than 0

  @DP-003 @edge-case
  Scenario: With no deprioritizing session the handler reports nothing and changes no priority
    Given a PENDING session "waiting" with priority 20
    When the deprioritize-sessions handler runs
    Then the handler reports no session
    And no session priority is to be changed

  @database
  Scenario Outline: In the database, a deprioritizing session with priority <before> is back to PENDING with priority <after>
    The new priority is computed by the scheduler repository's update in the database, which
    lowers it by 10 but never below the lowest priority (0). (The scaling group has an alive
    agent open to scheduling, "a1", so that the cycle visits it.)

    Given agent "a1" with 8 CPUs and 16 GiB
    And a DEPRIORITIZING session "s1" with priority <before>
    When a deprioritize-sessions cycle runs
    Then session "s1" is now PENDING
    And the priority of session "s1" is now <after>
    And the scheduling history of session "s1" ends with "deprioritize-sessions" SUCCESS from DEPRIORITIZING to PENDING
    And a PENDING scheduling event is broadcast for session "s1" with reason "deprioritized-for-rescheduling"
    And the next schedule-sessions cycle is requested

    @DP-001 @happy-path
    Examples: lowered by 10
      | before | after |
      | 20     | 10    |

    @DP-002 @edge-case @as-implemented
    Examples: never below the lowest priority
      | before | after |
      | 5      | 0     |
      | 0      | 0     |

  @DP-003 @edge-case @database
  Scenario: A deprioritize-sessions cycle that finds no deprioritizing session does not call the handler
    What the coordinator does with an empty input: it looks for DEPRIORITIZING sessions in each
    scaling group it visits, finds none, and goes on without calling the handler. The
    handler is never given an empty list.

    Given agent "a1" with 8 CPUs and 16 GiB
    And a PENDING session "waiting" with priority 20
    When a deprioritize-sessions cycle runs
    Then the cycle completes
    And the deprioritize-sessions handler is given nothing to do
    And session "waiting" is still PENDING
    And the priority of session "waiting" is now 20
    And nothing is recorded in the scheduling history of session "waiting"
    And no scheduling event is broadcast for session "waiting"
    And no further cycle is requested
