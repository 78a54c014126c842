@scheduler @promotion @database
Feature: Promote to running (PromoteToRunningPromotionHandler)
  The BEP's promotion handler moves a session whose kernels all have their containers to
  RUNNING, skips a session with a kernel still being created, reports a failed creation (of the
  whole session, for a cluster) as a failure, and expires a session that has been creating for
  more than 10 minutes. The scenarios drive it through what the agents report about each
  kernel's creation.

  These scenarios run the real coordinator on the real scheduler repository and a PostgreSQL
  database with Backend.AI's schema; agents report kernel progress through the coordinator.

  Background:
    Given the scaling group "default"
    And agent "a1" with 8 CPUs and 16 GiB
    And agent "a2" with 8 CPUs and 16 GiB

  @PR-001 @happy-path
  Scenario: A creating session whose kernel has started is promoted to RUNNING
    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" is already RUNNING
    When the promote-to-running promotion runs
    Then session "s1" is now RUNNING
    And the scheduling history of session "s1" ends with "promote-to-running" SUCCESS from CREATING to RUNNING
    And a RUNNING scheduling event is broadcast for session "s1" with reason "triggered-by-scheduler"
    And the cached resource figures of the owner of session "s1" are refreshed
    And no further cycle is requested

  @PR-001 @happy-path
  Scenario: The agent's report that a kernel started records its container and requests the promotion
    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    When agent "a1" reports that kernel "k1" is running
    Then kernel "k1" is now RUNNING
    And kernel "k1" runs in the container its agent reported
    And the next promote-to-running cycle is requested

  @PR-001 @happy-path
  Scenario: The promotion requested by the agent's report moves the session to RUNNING
    Given a CREATING session "s1" with kernel "k1" on agent "a1" requesting 2 CPUs and 4 GiB
    When agent "a1" reports that kernel "k1" is running
    And a promote-to-running cycle runs if it has been requested
    Then session "s1" is now RUNNING
    And agent "a1" has 2 CPUs and 4 GiB in use

  @PR-002 @edge-case
  Scenario: A session whose kernel has no container yet is skipped
    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" has no container
    When the promote-to-running promotion runs
    Then session "s1" is still CREATING
    And the scheduling history of session "s1" records that "promote-to-running" skipped it

  @PR-002 @edge-case @as-implemented
  Scenario: A session whose kernel is still being created is left as it is, without a record
    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" has no container
    When the promote-to-running promotion runs
    Then the promote-to-running promotion looked for sessions to promote and did not select session "s1"
    And session "s1" is still CREATING
    And nothing is recorded in the scheduling history of session "s1"
    And no scheduling event is broadcast for session "s1"

  @PR-002 @edge-case @as-implemented
  Scenario: A started kernel without a container ID does not hold the session back
    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" is already RUNNING
    And kernel "k1" has no container
    When the promote-to-running promotion runs
    Then session "s1" is now RUNNING

  @PR-002 @edge-case @as-implemented
  Scenario Outline: An agent's progress report about a kernel already being created changes nothing
    The agent reports these steps while it creates the container, but the manager accepts them only
    from earlier kernel states (SCHEDULED, PREPARING or PULLING), so they leave the kernel as it is.

    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    When agent "a1" reports that <progress>
    And the promote-to-running promotion runs
    Then kernel "k1" is still CREATING
    And session "s1" is still CREATING
    And no further cycle is requested

    Examples:
      | progress                                      |
      | kernel "k1" is preparing                      |
      | kernel "k1" is pulling its image              |
      | kernel "k1" is being created                  |
      | it started pulling the image of session "s1"  |
      | it has the image of session "s1"              |

  @PR-003 @error-case
  Scenario: A kernel that failed to be created is recorded as a failure of the promotion
    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    When agent "a1" reports that kernel "k1" was cancelled
    And the promote-to-running promotion runs
    Then the scheduling history of session "s1" records a FAILURE of "promote-to-running"

  @PR-003 @error-case @as-implemented
  Scenario: A kernel cancelled while being created cancels the session that has no other kernel
    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    When agent "a1" reports that kernel "k1" was cancelled
    And the promote-to-running promotion runs
    Then kernel "k1" is now CANCELLED
    And session "s1" is now CANCELLED
    And the status info of session "s1" is "All kernels cancelled"
    And nothing is recorded in the scheduling history of session "s1"
    And no further cycle is requested

  @PR-003 @error-case @as-implemented
  Scenario: A kernel that terminated while being created sends the session to TERMINATING
    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    When agent "a1" reports that kernel "k1" terminated
    And a detect-termination cycle runs if it has been requested
    Then kernel "k1" is now TERMINATED
    And session "s1" is now TERMINATING
    And a TERMINATING scheduling event is broadcast for session "s1" with reason "ABNORMAL_TERMINATION"
    And the next terminate-sessions cycle is requested

  @PR-003 @error-case @as-implemented
  Scenario: A kernel that terminated while being created sends the session to TERMINATING as an abnormal termination
    The same, with the reason spelled as a kernel lifecycle event reason, "abnormal-termination".

    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    When agent "a1" reports that kernel "k1" terminated
    And a detect-termination cycle runs if it has been requested
    Then kernel "k1" is now TERMINATED
    And session "s1" is now TERMINATING
    And a TERMINATING scheduling event is broadcast for session "s1" with reason "abnormal-termination"
    And the next terminate-sessions cycle is requested

  @PR-003 @edge-case @as-implemented
  Scenario: A session whose only kernel terminated is promoted to RUNNING when the promotion comes first
    A terminated kernel is no longer on its way, so the promotion selects the session; which of the
    two promotions reaches it first depends on the timers.

    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    When agent "a1" reports that kernel "k1" terminated
    And the promote-to-running promotion runs
    Then session "s1" is now RUNNING
    And the next detect-termination cycle is requested

  @PR-004 @happy-path
  Scenario: A cluster session waits while one of its kernels is still being created
    Given a CREATING multi-node session "s1" with kernels on agents "a1" and "a2"
    When agent "a1" reports that kernel "s1/0" is running
    And a promote-to-running cycle runs if it has been requested
    Then session "s1" is still CREATING
    And no scheduling event is broadcast for session "s1"

  @PR-004 @happy-path
  Scenario: A cluster session is promoted once all its kernels have started
    Given a CREATING multi-node session "s1" with kernels on agents "a1" and "a2"
    When agent "a1" reports that kernel "s1/0" is running
    And agent "a2" reports that kernel "s1/1" is running
    And a promote-to-running cycle runs if it has been requested
    Then session "s1" is now RUNNING
    And agent "a1" has 1 CPU and 1 GiB in use
    And agent "a2" has 1 CPU and 1 GiB in use

  @PR-005 @error-case
  Scenario: A session creating for more than 10 minutes is expired
    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    And session "s1" has been CREATING for 11 minutes
    When the promote-to-running promotion runs
    Then the scheduling history of session "s1" records a EXPIRED of "promote-to-running"

  @PR-005 @error-case @as-implemented
  Scenario: A session creating for more than 10 minutes stays CREATING
    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    And session "s1" has been CREATING for 11 minutes
    When the promote-to-running promotion runs
    Then the promote-to-running promotion looked for sessions to promote and did not select session "s1"
    And session "s1" is still CREATING
    And nothing is recorded in the scheduling history of session "s1"

  @PR-006 @error-case
  Scenario: A cluster session of which only some kernels were created fails as a whole
    Given a CREATING multi-node session "s1" with kernels on agents "a1" and "a2"
    And kernel "s1/0" is already RUNNING
    When agent "a2" reports that kernel "s1/1" was cancelled
    And the promote-to-running promotion runs
    Then the scheduling history of session "s1" records a FAILURE of "promote-to-running"

  @PR-006 @error-case @as-implemented
  Scenario: A cluster session with a kernel cancelled while being created is promoted to RUNNING
    Given a CREATING multi-node session "s1" with kernels on agents "a1" and "a2"
    And kernel "s1/0" is already RUNNING
    When agent "a2" reports that kernel "s1/1" was cancelled
    And the promote-to-running promotion runs
    Then kernel "s1/1" is now CANCELLED
    And session "s1" is now RUNNING
    And no further cycle is requested

  @PR-006 @error-case @as-implemented
  Scenario: A cluster session with a kernel cancelled while being created is sent to TERMINATING by the termination check
    Given a CREATING multi-node session "s1" with kernels on agents "a1" and "a2"
    And kernel "s1/0" is already RUNNING
    When agent "a2" reports that kernel "s1/1" was cancelled
    And the detect-termination promotion runs
    Then session "s1" is now TERMINATING
    And a TERMINATING scheduling event is broadcast for session "s1" with reason "ABNORMAL_TERMINATION"
  @PR-006 @error-case @as-implemented
  Scenario: A cluster session with a kernel cancelled while being created is sent to TERMINATING by the termination check as an abnormal termination
    The same, with the reason spelled as a kernel lifecycle event reason, "abnormal-termination".

    Given a CREATING multi-node session "s1" with kernels on agents "a1" and "a2"
    And kernel "s1/0" is already RUNNING
    When agent "a2" reports that kernel "s1/1" was cancelled
    And the detect-termination promotion runs
    Then session "s1" is now TERMINATING
    And a TERMINATING scheduling event is broadcast for session "s1" with reason "abnormal-termination"

