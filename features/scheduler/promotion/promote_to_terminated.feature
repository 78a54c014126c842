@scheduler @promotion @database
Feature: Promote to terminated (PromoteToTerminatedPromotionHandler)
  The BEP's promotion handler moves a TERMINATING session whose kernels have terminated to
  TERMINATED and records the session's result, read from its status info: ERROR for "error",
  USER_CANCELLED for "user-requested".

  These scenarios run the real coordinator on the real scheduler repository and a PostgreSQL
  database with Backend.AI's schema.

  Background:
    Given the scaling group "default"
    And agent "a1" with 8 CPUs and 16 GiB
    And agent "a2" with 8 CPUs and 16 GiB

  @PT-001 @happy-path
  Scenario: A terminating session whose kernel terminated is promoted to TERMINATED
    Given a TERMINATING session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" is already TERMINATED
    When the promote-to-terminated promotion runs
    Then session "s1" is now TERMINATED
    And session "s1" has a termination time
    And the scheduling history of session "s1" ends with "promote-to-terminated" SUCCESS from TERMINATING to TERMINATED
    And a TERMINATED scheduling event is broadcast for session "s1" with reason "triggered-by-scheduler"
    And the cached resource figures of the owner of session "s1" are refreshed
    And no further cycle is requested

  @PT-001 @happy-path @as-implemented
  Scenario: A terminating session whose kernel terminated is promoted to TERMINATED, and a schedule-sessions cycle is requested
    What the session held may let pending sessions start, so the move to TERMINATED requests the
    next schedule-sessions cycle.

    Given a TERMINATING session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" is already TERMINATED
    When the promote-to-terminated promotion runs
    Then session "s1" is now TERMINATED
    And session "s1" has a termination time
    And the scheduling history of session "s1" ends with "promote-to-terminated" SUCCESS from TERMINATING to TERMINATED
    And a TERMINATED scheduling event is broadcast for session "s1" with reason "triggered-by-scheduler"
    And the cached resource figures of the owner of session "s1" are refreshed
    And the next schedule-sessions cycle is requested

  @PT-001 @happy-path
  Scenario: A terminating cluster session is promoted once the agent reports its last kernel terminated
    Given a TERMINATING multi-node session "s1" with kernels on agents "a1" and "a2"
    And kernel "s1/0" is already TERMINATED
    When agent "a2" reports that kernel "s1/1" terminated
    And a promote-to-terminated cycle runs if it has been requested
    Then kernel "s1/1" is now TERMINATED
    And session "s1" is now TERMINATED

  @PT-002 @error-case
  Scenario: A session terminated with an error gets the result ERROR
    Given a TERMINATING session "s1" with kernel "k1" on agent "a1"
    And session "s1" has status info "error"
    And kernel "k1" is already TERMINATED
    When the promote-to-terminated promotion runs
    Then session "s1" is now TERMINATED
    And the result of session "s1" is ERROR

  @PT-002 @error-case @as-implemented
  Scenario: A session terminated with an error keeps its status info and gets no result
    Given a TERMINATING session "s1" with kernel "k1" on agent "a1"
    And session "s1" has status info "error"
    And kernel "k1" is already TERMINATED
    When the promote-to-terminated promotion runs
    Then session "s1" is now TERMINATED
    And the status info of session "s1" is "error"
    And the result of session "s1" is UNDEFINED

  @PT-003 @edge-case
  Scenario: A session terminated at its user's request gets the result USER_CANCELLED
    Given a TERMINATING session "s1" with kernel "k1" on agent "a1"
    And session "s1" has status info "user-requested"
    And kernel "k1" is already TERMINATED
    When the promote-to-terminated promotion runs
    Then session "s1" is now TERMINATED
    And the result of session "s1" is USER_CANCELLED

  @PT-003 @edge-case @as-implemented
  Scenario: A session terminated at its user's request keeps its status info and gets no result
    Given a TERMINATING session "s1" with kernel "k1" on agent "a1"
    And session "s1" has status info "user-requested"
    And kernel "k1" is already TERMINATED
    When the promote-to-terminated promotion runs
    Then session "s1" is now TERMINATED
    And the status info of session "s1" is "user-requested"
    And the result of session "s1" is UNDEFINED
