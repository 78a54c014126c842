@scheduler @maintenance
Feature: Sweep sessions that are stuck (SweepSessionsLifecycleHandler)
  The BEP has the sweeper clean up orphaned sessions: a session stuck in PREPARING or PULLING
  past its timeout goes to TERMINATING, a session without kernels is cancelled, and a session
  within its timeout is skipped. The scenarios give the scaling group a pending timeout, how long
  a PENDING session may wait, measured on the database clock. What the coordinator then does
  with a failure the sweeper reports is specified with the coordinator features (BEP section
  6.1).

  Background:
    Given the scaling group "default"
    And agent "a1" with 8 CPUs and 16 GiB

  Scenario Outline: A session stuck in <status> past its timeout is swept to TERMINATING
    Given a <status> session "s1" on agent "a1"
    And session "s1" has been <status> for 16 minutes
    When the sweep-sessions handler runs
    Then session "s1" moves to TERMINATING

    @SW-001 @error-case
    Examples: stuck while preparing
      | status    |
      | PREPARING |

    @SW-002 @error-case
    Examples: stuck while pulling images
      | status  |
      | PULLING |

  @as-implemented
  Scenario Outline: A session stuck in <status> is not swept
    Given a <status> session "s1" on agent "a1"
    And session "s1" has been <status> for 16 minutes
    When the sweep-sessions handler runs
    Then the handler reports no session

    @SW-001 @error-case
    Examples: stuck while preparing
      | status    |
      | PREPARING |

    @SW-002 @error-case
    Examples: stuck while pulling images
      | status  |
      | PULLING |

  @SW-003 @happy-path
  Scenario: A session within its timeout is reported as skipped
    Given a PENDING session "s1"
    And session "s1" has waited less than the pending timeout of its scaling group
    When the sweep-sessions handler runs
    Then session "s1" is reported as skipped

  @SW-003 @happy-path @as-implemented
  Scenario Outline: The sweeper reports a pending session only once it has waited past the pending timeout
    Given a PENDING session "s1"
    And session "s1" has waited <wait> the pending timeout of its scaling group
    When the sweep-sessions handler runs
    Then session "s1" is <outcome>

    Examples:
      | wait        | outcome                                                    |
      | less than   | not reported                                               |
      | longer than | reported as a failure with reason "PENDING_TIMEOUT_EXCEEDED" |

  @SW-003 @happy-path @as-implemented
  Scenario Outline: The sweeper reports a pending session only once it has waited past the pending timeout, as a pending timeout
    The same selection, with the reason spelled as a kernel lifecycle event reason, "pending-timeout".

    Given a PENDING session "s1"
    And session "s1" has waited <wait> the pending timeout of its scaling group
    When the sweep-sessions handler runs
    Then session "s1" is <outcome>

    Examples:
      | wait        | outcome                                             |
      | less than   | not reported                                        |
      | longer than | reported as a failure with reason "pending-timeout" |

  @SW-004 @edge-case
  Scenario: A session without kernels is cancelled
    Given a PENDING session "s1" without kernels
    When the sweep-sessions handler runs
    Then session "s1" moves to CANCELLED

  @SW-004 @edge-case @as-implemented
  Scenario: A session without kernels is left alone while within its pending timeout
    Given a PENDING session "s1" without kernels
    And session "s1" has waited less than the pending timeout of its scaling group
    When the sweep-sessions handler runs
    Then session "s1" is not reported

  @SW-004 @edge-case @as-implemented
  Scenario: A session without kernels is never placed: every scheduling cycle skips it for lack of scheduling data
    What happens to such a session instead of being cancelled: the schedule-sessions handler
    finds no pending kernels to place and skips it, cycle after cycle, until the pending timeout
    (if the scaling group sets one) makes the sweeper report it.

    Given a PENDING session "s1" without kernels
    When the schedule-sessions handler runs
    Then session "s1" is reported as skipped with reason "no-scheduling-data"

  @SW-003 @happy-path @as-implemented @database
  Scenario: In the database, only the pending session that has waited past the pending timeout is selected
    The scheduler repository compares how long each session has waited since it was submitted
    with the pending timeout among the scaling group's scheduler options, on the database clock.
    The session it selects is reported as a failure; the coordinator classifies that failure as
    one to retry, for which the sweep declares no transition, so the session stays PENDING.

    Given the pending timeout of the scaling group "default" is 10 minutes
    And a PENDING session "late"
    And session "late" was submitted 11 minutes ago
    And a PENDING session "recent"
    And session "recent" was submitted 9 minutes ago
    When a sweep-sessions cycle runs
    Then session "late" is reported as a failure with reason "PENDING_TIMEOUT_EXCEEDED"
    And session "recent" is not reported
    And session "late" is still PENDING
    And nothing is recorded in the scheduling history of session "late"

  @SW-003 @happy-path @as-implemented @database
  Scenario: In the database, only the pending session that has waited past the pending timeout is selected, its failure recorded to retry
    The session the repository selects is reported as a failure, a pending timeout; the
    coordinator classifies it as one to retry and, though the sweep declares no transition for
    it, records it in the session's scheduling history. The session stays PENDING.

    Given the pending timeout of the scaling group "default" is 10 minutes
    And a PENDING session "late"
    And session "late" was submitted 11 minutes ago
    And a PENDING session "recent"
    And session "recent" was submitted 9 minutes ago
    When a sweep-sessions cycle runs
    Then session "late" is reported as a failure with reason "pending-timeout"
    And session "recent" is not reported
    And session "late" is still PENDING
    And the scheduling history of session "late" records a NEED_RETRY of "sweep-sessions"
