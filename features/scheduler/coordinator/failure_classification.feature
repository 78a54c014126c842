@scheduler @coordinator @database
Feature: Failure classification by the schedule coordinator
  When a lifecycle handler reports a session as failed, the schedule coordinator decides what the
  failure means, first match wins: the session gives up once it has failed 5 times in a row in
  the same phase (SERVICE_MAX_RETRIES); it expires once its current streak of failures in that
  phase is older than the time limit of its status (PREPARING 900 s, PULLING 900 s, CREATING
  600 s; other statuses have none); otherwise it needs a retry. The coordinator then applies the
  transition the handler declares for that outcome and records it in the session's scheduling
  history, where identical consecutive failures are merged into one entry that counts them.

  No production handler of 26.3.3 reaches these outcomes: none takes PREPARING, PULLING or CREATING
  sessions, none declares a transition for a failure that needs a retry (so no attempts are ever
  recorded), and the only one that reports failures at all, sweep-sessions, reports PENDING
  sessions, which have no time limit. The scenarios therefore put a purpose-built handler,
  "failing-probe", in the place of start-sessions, so that it runs in the start-sessions cycle:
  it takes the sessions of one status and reports every one of them as failed. It declares: need
  retry, the session stays in its status; expired, the session moves to TERMINATING; give up, the
  session and its kernels go back to PENDING to be scheduled again. Everything else is the real
  coordinator on the real scheduler repository and a PostgreSQL database.

  Background:
    Given the scaling group "default"
    And agent "a1" with 8 CPUs and 16 GiB

  @FC-001 @happy-path
  Scenario: A first failure needs a retry: the session stays where it is and the attempt is recorded
    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    And a handler that fails every CREATING session takes the place of start-sessions
    When a failing-probe cycle runs
    Then the cycle completes
    And session "s1" is still CREATING
    And the scheduling history of session "s1" ends with "failing-probe" NEED_RETRY from CREATING to CREATING
    And the last scheduling record of session "s1" counts 1 attempts
    And kernel "k1" is now CREATING
    And kernel "k1" is still placed on agent "a1"
    And no agent is remembered as having failed session "s1"
    And no scheduling event is broadcast for session "s1"
    And no further cycle is requested

  Scenario Outline: A <status> session that failed <attempts> times, the first time <age> ago, needs a retry
    Given a <status> session "s1" with kernel "k1" on agent "a1"
    And a handler that fails every <status> session takes the place of start-sessions
    And session "s1" last failed in phase "failing-probe" <attempts> times in a row, the first time <age> ago
    When a failing-probe cycle runs
    Then session "s1" is still <status>
    And the scheduling history of session "s1" ends with "failing-probe" NEED_RETRY from <status> to <status>
    And the last scheduling record of session "s1" counts <counted> attempts
    And no scheduling event is broadcast for session "s1"

    @FC-001 @edge-case
    Examples: one failure short of the retry limit
      | status   | attempts | age       | counted |
      | CREATING | 4        | 1 minute  | 5       |

    @FC-001 @edge-case
    Examples: at or one second short of the time limit of the status
      | status    | attempts | age         | counted |
      | CREATING  | 1        | 599 seconds | 2       |
      | CREATING  | 1        | 600 seconds | 2       |
      | PREPARING | 1        | 899 seconds | 2       |
      | PREPARING | 1        | 900 seconds | 2       |
      | PULLING   | 1        | 899 seconds | 2       |
      | PULLING   | 1        | 900 seconds | 2       |

    @FC-001 @edge-case
    Examples: a status without a time limit, long past any limit
      | status   | attempts | age     | counted |
      | RUNNING  | 4        | 2 hours | 5       |
      | PREPARED | 4        | 2 hours | 5       |

  @FC-001 @edge-case
  Scenario: Failures recorded in another phase do not count: the failure is a first one
    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    And a handler that fails every CREATING session takes the place of start-sessions
    And session "s1" last failed in phase "start-sessions" 5 times in a row, the first time 20 minutes ago
    When a failing-probe cycle runs
    Then session "s1" is still CREATING
    And the scheduling history of session "s1" ends with "failing-probe" NEED_RETRY from CREATING to CREATING
    And the last scheduling record of session "s1" counts 1 attempts

  Scenario Outline: A <status> session failing for <age> has expired
    Given a <status> session "s1" with kernel "k1" on agent "a1"
    And a handler that fails every <status> session takes the place of start-sessions
    And session "s1" last failed in phase "failing-probe" <attempts> times in a row, the first time <age> ago
    When a failing-probe cycle runs
    Then session "s1" is now TERMINATING
    And the scheduling history of session "s1" ends with "failing-probe" EXPIRED from <status> to TERMINATING
    And kernel "k1" is now <status>
    And kernel "k1" is still placed on agent "a1"
    And the next terminate-sessions cycle is requested
    And no scheduling event is broadcast for session "s1"

    @FC-002 @edge-case
    Examples: one second past the time limit of the status
      | status    | attempts | age         |
      | CREATING  | 1        | 601 seconds |
      | PREPARING | 1        | 901 seconds |
      | PULLING   | 1        | 901 seconds |

    @FC-002 @happy-path
    Examples: long past the time limit, one failure short of the retry limit
      | status   | attempts | age        |
      | CREATING | 4        | 20 minutes |

  Scenario Outline: A session that failed <attempts> times in a row, the first time <age> ago, gives up
    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    And a handler that fails every CREATING session takes the place of start-sessions
    And session "s1" last failed in phase "failing-probe" <attempts> times in a row, the first time <age> ago
    When a failing-probe cycle runs
    Then session "s1" is now PENDING
    And the scheduling history of session "s1" ends with "failing-probe" GIVE_UP from CREATING to PENDING
    And kernel "k1" is now PENDING
    And kernel "k1" is placed on no agent
    And agent "a1" is remembered as having failed session "s1"
    And the next schedule-sessions cycle is requested
    And no scheduling event is broadcast for session "s1"

    @FC-003 @edge-case
    Examples: at the retry limit
      | attempts | age      |
      | 5        | 1 minute |

    @FC-003 @edge-case
    Examples: at the retry limit and past the time limit: giving up wins over expiring
      | attempts | age        |
      | 5        | 20 minutes |

  @FC-003 @happy-path
  Scenario: Consecutive failures add up in the scheduling history until the sixth one gives up
    Given a CREATING session "s1" with kernel "k1" on agent "a1"
    And a handler that fails every CREATING session takes the place of start-sessions
    When a failing-probe cycle runs 5 times
    Then session "s1" is still CREATING
    And the scheduling history of session "s1" ends with "failing-probe" NEED_RETRY from CREATING to CREATING
    And the last scheduling record of session "s1" counts 5 attempts
    When a failing-probe cycle runs
    Then session "s1" is now PENDING
    And the scheduling history of session "s1" ends with "failing-probe" GIVE_UP from CREATING to PENDING
    And kernel "k1" is now PENDING
    And agent "a1" is remembered as having failed session "s1"
