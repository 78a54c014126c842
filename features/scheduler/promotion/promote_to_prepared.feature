@scheduler @promotion @database
Feature: Promote to prepared (PromoteToPreparedPromotionHandler)
  The BEP's promotion handler moves a session whose kernels all have their images to PREPARED,
  skips a session with a kernel still pulling, reports a failed image pull as a failure, and
  expires a session that has been pulling for more than 15 minutes. The scenarios drive it
  through what the agents report about each kernel's image.

  These scenarios run the real coordinator on the real scheduler repository and a PostgreSQL
  database with Backend.AI's schema.

  Background:
    Given the scaling group "default"
    And agent "a1" with 8 CPUs and 16 GiB
    And agent "a2" with 8 CPUs and 16 GiB

  @PP-001 @happy-path
  Scenario Outline: A <status> session whose kernel has its image is promoted to PREPARED
    Given a <status> session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" is already PREPARED
    When the promote-to-prepared promotion runs
    Then session "s1" is now PREPARED
    And the scheduling history of session "s1" ends with "promote-to-prepared" SUCCESS from <status> to PREPARED
    And a PREPARED scheduling event is broadcast for session "s1" with reason "triggered-by-scheduler"
    And the next start-sessions cycle is requested
    And the cached resource figures of the owner of session "s1" are refreshed

    Examples:
      | status    |
      | PREPARING |
      | PULLING   |

  @PP-001 @happy-path
  Scenario Outline: The agent's report that <progress> moves the kernel to <status>
    Until the agent reports, the kernels of a PREPARING session are still SCHEDULED: the
    coordinator applies no kernel status of the check-precondition transition.

    Given a PREPARING session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" is already SCHEDULED
    When agent "a1" reports that <progress>
    Then kernel "k1" is now <status>
    And the next <cycle> cycle is requested

    Examples:
      | progress                          | status    | cycle               |
      | kernel "k1" is preparing          | PREPARING | check-precondition  |
      | kernel "k1" is pulling its image  | PULLING   | promote-to-prepared |
      | it has the image of session "s1"  | PREPARED  | promote-to-prepared |

  @PP-001 @happy-path
  Scenario: The agent's report that it started pulling the image moves the kernel to PULLING
    Given a PREPARING session "s1" with kernel "k1" on agent "a1"
    When agent "a1" reports that it started pulling the image of session "s1"
    Then kernel "k1" is now PULLING
    And no further cycle is requested

  @PP-001 @happy-path
  Scenario: The promotion requested by the agent's report that it has the image moves the session to PREPARED
    Given a PULLING session "s1" with kernel "k1" on agent "a1"
    When agent "a1" reports that it has the image of session "s1"
    And a promote-to-prepared cycle runs if it has been requested
    Then session "s1" is now PREPARED

  @PP-002 @edge-case
  Scenario: A session with a kernel still pulling is skipped
    Given a PULLING session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k1" is already PREPARED
    When the promote-to-prepared promotion runs
    Then session "s1" is still PULLING
    And the scheduling history of session "s1" records that "promote-to-prepared" skipped it

  @PP-002 @edge-case @as-implemented
  Scenario: A session with a kernel still pulling is left as it is, without a record
    Given a PULLING session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k1" is already PREPARED
    When the promote-to-prepared promotion runs
    Then session "s1" is still PULLING
    And nothing is recorded in the scheduling history of session "s1"
    And no scheduling event is broadcast for session "s1"

  @PP-003 @error-case
  Scenario: A failed image pull is recorded as a failure of the promotion
    Given a PULLING session "s1" with kernel "k1" on agent "a1"
    When agent "a1" reports that it failed to pull the image of session "s1"
    And the promote-to-prepared promotion runs
    Then the scheduling history of session "s1" records a FAILURE of "promote-to-prepared"

  @PP-003 @error-case @as-implemented
  Scenario: A failed image pull cancels the kernel, and the session that has no other kernel
    Given a PULLING session "s1" with kernel "k1" on agent "a1"
    When agent "a1" reports that it failed to pull the image of session "s1"
    And the promote-to-prepared promotion runs
    Then kernel "k1" is now CANCELLED with status info starting "Image pull failed"
    And session "s1" is now CANCELLED
    And nothing is recorded in the scheduling history of session "s1"
    And no further cycle is requested

  @PP-003 @error-case @as-implemented
  Scenario: A failed image pull on one agent of a cluster session sends the session to TERMINATING
    The other kernel keeps the session alive, so the pull failure cancels only the kernel on the
    failing agent; the kernel-termination check then finds a cancelled kernel.

    Given a PULLING multi-node session "s1" with kernels on agents "a1" and "a2"
    When agent "a1" reports that it failed to pull the image of session "s1"
    And the detect-termination promotion runs
    Then kernel "s1/0" is now CANCELLED with status info starting "Image pull failed"
    And kernel "s1/1" is now PULLING
    And session "s1" is now TERMINATING
    And a TERMINATING scheduling event is broadcast for session "s1" with reason "ABNORMAL_TERMINATION"
    And the next terminate-sessions cycle is requested

  @PP-003 @error-case @as-implemented
  Scenario: A failed image pull on one agent of a cluster session sends the session to TERMINATING as an abnormal termination
    The other kernel keeps the session alive, so the pull failure cancels only the kernel on the
    failing agent; the kernel-termination check then finds a cancelled kernel. The same, with the
    reason spelled as a kernel lifecycle event reason, "abnormal-termination".

    Given a PULLING multi-node session "s1" with kernels on agents "a1" and "a2"
    When agent "a1" reports that it failed to pull the image of session "s1"
    And the detect-termination promotion runs
    Then kernel "s1/0" is now CANCELLED with status info starting "Image pull failed"
    And kernel "s1/1" is now PULLING
    And session "s1" is now TERMINATING
    And a TERMINATING scheduling event is broadcast for session "s1" with reason "abnormal-termination"
    And the next terminate-sessions cycle is requested

  @PP-004 @happy-path
  Scenario: A cluster session waits while one of its kernels is still pulling
    Given a PULLING multi-node session "s1" with kernels on agents "a1" and "a2"
    And kernel "s1/0" is already PREPARED
    When the promote-to-prepared promotion runs
    Then session "s1" is still PULLING
    And no scheduling event is broadcast for session "s1"

  @PP-004 @happy-path
  Scenario: A cluster session is promoted once all its kernels have their image
    Given a PULLING multi-node session "s1" with kernels on agents "a1" and "a2"
    And kernel "s1/0" is already PREPARED
    And kernel "s1/1" is already PREPARED
    When the promote-to-prepared promotion runs
    Then session "s1" is now PREPARED
    And a PREPARED scheduling event is broadcast for session "s1" with reason "triggered-by-scheduler"

  @PP-005 @edge-case
  Scenario: A session pulling for more than 15 minutes is expired
    Given a PULLING session "s1" with kernel "k1" on agent "a1"
    And session "s1" has been PULLING for 16 minutes
    When the promote-to-prepared promotion runs
    Then the scheduling history of session "s1" records a EXPIRED of "promote-to-prepared"

  @PP-005 @edge-case @as-implemented
  Scenario: A session pulling for more than 15 minutes stays PULLING
    Given a PULLING session "s1" with kernel "k1" on agent "a1"
    And session "s1" has been PULLING for 16 minutes
    When the promote-to-prepared promotion runs
    Then session "s1" is still PULLING
    And nothing is recorded in the scheduling history of session "s1"
