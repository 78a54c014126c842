@scheduler @promotion @database
Feature: Detect termination (DetectTerminationPromotionHandler)
  The BEP's rows describe a check of TERMINATING sessions: a session whose kernels have all
  terminated is a success, one with a kernel still terminating or still running is skipped, and
  one whose agent is lost is completed by force. The @as-implemented scenarios under the DT IDs
  also specify a behaviour the BEP has no row for: a session still being scheduled, started or
  run that has a kernel terminated or cancelled is sent to TERMINATING as an abnormal
  termination.

  These scenarios run the real coordinator on the real scheduler repository and a PostgreSQL
  database with Backend.AI's schema.

  Background:
    Given the scaling group "default"
    And agent "a1" with 8 CPUs and 16 GiB
    And agent "a2" with 8 CPUs and 16 GiB

  @DT-001 @happy-path
  Scenario: A terminating session whose kernels all terminated is a success of the termination check
    Given a TERMINATING session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k1" is already TERMINATED
    And kernel "k2" is already TERMINATED
    When the detect-termination promotion runs
    Then the scheduling history of session "s1" records a SUCCESS of "detect-termination"

  @DT-001 @happy-path @as-implemented
  Scenario: The termination check leaves a terminating session whose kernels all terminated to promote-to-terminated
    Given a TERMINATING session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k1" is already TERMINATED
    And kernel "k2" is already TERMINATED
    When the detect-termination promotion runs
    Then session "s1" is still TERMINATING
    And nothing is recorded in the scheduling history of session "s1"
    And no scheduling event is broadcast for session "s1"

  @DT-001 @happy-path @as-implemented
  Scenario Outline: A <status> session whose kernels all terminated is sent to TERMINATING
    Given a <status> session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k1" is already TERMINATED
    And kernel "k2" is already TERMINATED
    When the detect-termination promotion runs
    Then session "s1" is now TERMINATING
    And the scheduling history of session "s1" ends with "detect-termination" SUCCESS from <status> to TERMINATING
    And a TERMINATING scheduling event is broadcast for session "s1" with reason "ABNORMAL_TERMINATION"
    And the next terminate-sessions cycle is requested
    And the cached resource figures of the owner of session "s1" are refreshed

    Examples:
      | status   |
      | RUNNING  |
      | CREATING |
      | PREPARED |

  @DT-001 @happy-path @as-implemented
  Scenario Outline: A <status> session whose kernels all terminated is sent to TERMINATING as an abnormal termination
    The same, with the reason spelled as a kernel lifecycle event reason, "abnormal-termination".

    Given a <status> session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k1" is already TERMINATED
    And kernel "k2" is already TERMINATED
    When the detect-termination promotion runs
    Then session "s1" is now TERMINATING
    And the scheduling history of session "s1" ends with "detect-termination" SUCCESS from <status> to TERMINATING
    And a TERMINATING scheduling event is broadcast for session "s1" with reason "abnormal-termination"
    And the next terminate-sessions cycle is requested
    And the cached resource figures of the owner of session "s1" are refreshed

    Examples:
      | status   |
      | RUNNING  |
      | CREATING |
      | PREPARED |

  @DT-002 @edge-case
  Scenario: A terminating session with a kernel still terminating is skipped
    Given a TERMINATING session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k1" is already TERMINATED
    When the detect-termination promotion runs
    Then session "s1" is still TERMINATING
    And the scheduling history of session "s1" records that "detect-termination" skipped it

  @DT-002 @edge-case @as-implemented
  Scenario: A terminating session with a kernel still terminating is left as it is, without a record
    Given a TERMINATING session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k1" is already TERMINATED
    When the detect-termination promotion runs
    And the promote-to-terminated promotion runs
    Then session "s1" is still TERMINATING
    And nothing is recorded in the scheduling history of session "s1"
    And no scheduling event is broadcast for session "s1"

  @DT-002 @edge-case @as-implemented
  Scenario: A running session with a kernel still terminating is not sent to TERMINATING
    Given a RUNNING session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k1" is already TERMINATING
    When the detect-termination promotion runs
    Then session "s1" is still RUNNING
    And no scheduling event is broadcast for session "s1"

  @DT-003 @error-case
  Scenario: A terminating session whose agent is lost is completed by force
    Given a TERMINATING session "s1" with kernel "k1" on agent "a1"
    And agent "a1" is lost
    When the detect-termination promotion runs
    And the promote-to-terminated promotion runs
    Then session "s1" is now TERMINATED

  @DT-003 @error-case @as-implemented
  Scenario: A terminating session whose agent is lost stays TERMINATING
    Given a TERMINATING session "s1" with kernel "k1" on agent "a1"
    And agent "a1" is lost
    When the detect-termination promotion runs
    And the promote-to-terminated promotion runs
    Then session "s1" is still TERMINATING
    And kernel "k1" is still TERMINATING
    And nothing is recorded in the scheduling history of session "s1"

  @DT-004 @edge-case
  Scenario: A terminating session with some kernels terminated and some running is skipped
    Given a TERMINATING session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k1" is already TERMINATED
    And kernel "k2" is already RUNNING
    When the detect-termination promotion runs
    Then session "s1" is still TERMINATING
    And the scheduling history of session "s1" records that "detect-termination" skipped it

  @DT-004 @edge-case @as-implemented
  Scenario: A terminating session with some kernels terminated and some running is left as it is
    Given a TERMINATING session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k1" is already TERMINATED
    And kernel "k2" is already RUNNING
    When the detect-termination promotion runs
    And the promote-to-terminated promotion runs
    Then session "s1" is still TERMINATING
    And nothing is recorded in the scheduling history of session "s1"

  @DT-004 @edge-case @as-implemented
  Scenario Outline: A running session with one kernel <status> and one running is sent to TERMINATING
    Given a RUNNING session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k1" is already <status>
    When the detect-termination promotion runs
    Then session "s1" is now TERMINATING
    And kernel "k2" is still RUNNING
    And a TERMINATING scheduling event is broadcast for session "s1" with reason "ABNORMAL_TERMINATION"

    Examples:
      | status     |
      | TERMINATED |
      | CANCELLED  |
  @DT-004 @edge-case @as-implemented
  Scenario Outline: A running session with one kernel <status> and one running is sent to TERMINATING as an abnormal termination
    The same, with the reason spelled as a kernel lifecycle event reason, "abnormal-termination".

    Given a RUNNING session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k1" is already <status>
    When the detect-termination promotion runs
    Then session "s1" is now TERMINATING
    And kernel "k2" is still RUNNING
    And a TERMINATING scheduling event is broadcast for session "s1" with reason "abnormal-termination"

    Examples:
      | status     |
      | TERMINATED |
      | CANCELLED  |

