@scheduler @coordinator @database
Feature: Failure classification by the coordinators
  When a handler reports a failure, its coordinator decides what the failure means, first match
  wins: it gives up once the handler has failed 5 times in a row, the retry limit; it has expired
  once that streak of failures started longer ago than the time limit that applies to the
  current phase, where one applies; otherwise it needs a retry. The coordinator
  then applies the transition the handler declares for that outcome, if it declares one, and
  records it in the history, where identical consecutive records are merged into one that counts
  them. The streak is read from the history alone: its attempts and its start are those of the
  last history record when that record is the same handler's, and otherwise the failure is a
  first one.

  The schedule coordinator and the deployment coordinator classify alike. Which of these
  outcomes production's own handlers can reach is another matter: it depends on which handlers
  report failures, for which states, and where a time limit applies.

  @deployment
  Rule: The deployment coordinator classifies what the deployment handlers report
    Each deployment handler declares what becomes of a deployment it reports as failed, for
    each classification. A transition is recorded in the deployment history and announced by a
    lifecycle notification that carries the classification.

    These scenarios run the real deployment coordinator, its handlers and the deployment
    repository on PostgreSQL.

    @FC-001 @happy-path
    Scenario: A ready deployment's first failed reconciliation needs a retry: back to SCALING, recorded and announced
      Reconciliation reports a deployment whose active routes do not match its target replica
      count as failed. Nothing of reconcile-deployments is in the deployment's history, so the
      failure is a first one, and READY has no time limit.

      Given deployment "llama" is READY with 2 replicas
      And deployment "llama" has route "r1" in RUNNING
      When a reconcile-deployments cycle runs
      Then deployment "llama" moves to SCALING
      And the deployment history of "llama" records a NEED_RETRY of "reconcile-deployments" from READY to SCALING
      And the deployment history of "llama" shows a single attempt of "reconcile-deployments"
      And a lifecycle notification says deployment "llama" went from READY to SCALING with the result "need_retry"
      And the next scaling-deployments cycle is requested

    @FC-001 @error-case
    Scenario: A deployment's first failure to deploy needs a retry: it is left as it is, with nothing recorded
      The deploying handlers declare no transition for a failure that needs a retry: the
      deployment stays where it is, and nothing is recorded or announced.

      Given deployment "llama" is deploying a new revision by rolling update
      When a deploying-provisioning cycle runs
      Then deployment "llama" is reported as a failure with reason "Unexpected evaluation error"
      And the manager logs that evaluating the rolling update of deployment "llama" failed with "Rolling update strategy is not yet implemented", once per cycle
      And deployment "llama" is still deploying its new revision, at no deploying step
      And nothing is recorded in the deployment history of "llama"
      And no lifecycle notification is sent for deployment "llama"

    @FC-002 @error-case
    Scenario: A deployment still failing to deploy past the 30-minute limit of DEPLOYING has expired: it rolls back
      Given deployment "llama" has been deploying a new revision by rolling update for 31 minutes
      When a deploying-provisioning cycle runs
      Then deployment "llama" is rolling back its new revision
      And the deployment history of "llama" records an EXPIRED of "deploying-provisioning" from DEPLOYING to DEPLOYING
      And a lifecycle notification says deployment "llama" went from DEPLOYING to DEPLOYING with the result "expired"

    @FC-002 @error-case @as-implemented
    Scenario: A deployment failing to deploy 31 minutes after it started is still deploying, with nothing recorded
      Given deployment "llama" has been deploying a new revision by rolling update for 31 minutes
      When a deploying-provisioning cycle runs
      Then deployment "llama" is reported as a failure with reason "Unexpected evaluation error"
      And the manager logs that evaluating the rolling update of deployment "llama" failed with "Rolling update strategy is not yet implemented", once per cycle
      And deployment "llama" is still deploying its new revision, at no deploying step
      And nothing is recorded in the deployment history of "llama"
      And no lifecycle notification is sent for deployment "llama"

    @FC-002 @error-case @as-implemented
    Scenario: A deployment failing to deploy in every cycle for 31 minutes is still deploying, with nothing recorded
      The manager forces a deploying-provisioning cycle every 30 seconds. Each one fails, and none
      leaves a trace for the next one to count or to time.

      Given deployment "llama" is deploying a new revision by rolling update
      When a deploying-provisioning cycle runs every 30 seconds for 31 minutes
      Then the deploying-provisioning handler reported deployment "llama" as a failure with reason "Unexpected evaluation error" in each of its 63 cycles
      And the manager logs that evaluating the rolling update of deployment "llama" failed with "Rolling update strategy is not yet implemented", once per cycle
      And deployment "llama" is still deploying its new revision, at no deploying step
      And nothing is recorded in the deployment history of "llama"
      And no lifecycle notification is sent for deployment "llama"

    @FC-003 @error-case
    Scenario: A deployment that failed to deploy 6 times in a row gives up: it rolls back
      Given deployment "llama" is deploying a new revision by rolling update
      When a deploying-provisioning cycle runs 6 times
      Then deployment "llama" is rolling back its new revision
      And the deployment history of "llama" records a GIVE_UP of "deploying-provisioning" from DEPLOYING to DEPLOYING
      And a lifecycle notification says deployment "llama" went from DEPLOYING to DEPLOYING with the result "give_up"

    @FC-003 @error-case @as-implemented
    Scenario: A deployment that failed to deploy 6 times in a row is still deploying, none of its failures counted
      Given deployment "llama" is deploying a new revision by rolling update
      When a deploying-provisioning cycle runs 6 times
      Then the deploying-provisioning handler reported deployment "llama" as a failure with reason "Unexpected evaluation error" in each of its 6 cycles
      And the manager logs that evaluating the rolling update of deployment "llama" failed with "Rolling update strategy is not yet implemented", once per cycle
      And deployment "llama" is still deploying its new revision, at no deploying step
      And nothing is recorded in the deployment history of "llama"
      And no lifecycle notification is sent for deployment "llama"

    @FC-001 @error-case @as-implemented
    Scenario: A deployment's first failure to deploy needs a retry: it stays at its deploying step, recorded and announced
      Activating a revision puts the deployment at its first deploying step, which registers the
      endpoint with the app proxy; here the app proxy refuses.

      Given deployment "llama" is deploying a new revision by rolling update
      And the app proxy refuses to register endpoints with HTTP 503
      When a deploying-initializing cycle runs
      Then the manager logs that deployment "llama" could not be registered with the app proxy
      And deployment "llama" stays DEPLOYING
      And the deployment history of "llama" records a NEED_RETRY of "deploying-initializing" from DEPLOYING to DEPLOYING
      And the deployment history of "llama" shows a single attempt of "deploying-initializing"
      And a lifecycle notification says deployment "llama" went from DEPLOYING to DEPLOYING with the result "need_retry"

    @FC-002 @error-case @as-implemented
    Scenario: A deployment still failing to deploy past the 2-hour limit of its deploying step has expired: it rolls back
      The expiry is announced, but the history merges it into the record of the failures before it
      (same step, same error code, same target state), which keeps saying NEED_RETRY.

      Given deployment "llama" is deploying a new revision by rolling update
      And the app proxy refuses to register endpoints with HTTP 503
      When a deploying-initializing cycle runs every 45 minutes for 135 minutes
      Then the manager logs that deployment "llama" could not be registered with the app proxy
      And deployment "llama" is rolling back its new revision
      And a lifecycle notification says deployment "llama" went from DEPLOYING to DEPLOYING with the result "expired"
      And the deployment history of "llama" holds one record of "deploying-initializing", a NEED_RETRY made 4 times

    @FC-003 @error-case @as-implemented
    Scenario: A deployment whose first deploying step failed 6 times in a row gives up: it rolls back
      The give-up is announced, but the history merges it into the record of the five failures
      before it (same step, same error code, same target state), which keeps saying NEED_RETRY.

      Given deployment "llama" is deploying a new revision by rolling update
      And the app proxy refuses to register endpoints with HTTP 503
      When a deploying-initializing cycle runs 6 times
      Then the manager logs that deployment "llama" could not be registered with the app proxy
      And deployment "llama" is rolling back its new revision
      And a lifecycle notification says deployment "llama" went from DEPLOYING to DEPLOYING with the result "give_up"
      And the deployment history of "llama" holds one record of "deploying-initializing", a NEED_RETRY made 6 times

  Rule: The schedule coordinator's classification rules, checked with a purpose-built failing handler
    The scenarios put a purpose-built handler, "failing-probe", in the place of start-sessions,
    so that it runs in the start-sessions cycle: it takes the sessions of one status and reports
    every one of them as failed. It declares: need retry, the session stays in its status;
    expired, the session moves to TERMINATING; give up, the session and its kernels go back to
    PENDING to be scheduled again. Everything else is the real coordinator on the real scheduler
    repository and a PostgreSQL database. They check the coordinator's rules, not what production
    does: production's scheduler handlers report failures for few sessions, or none, in the
    statuses these scenarios use.

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

    @FC-002 @edge-case @as-implemented
    Scenario Outline: A <status> session failing for <age> still needs a retry: no status has a time limit of its own
      A phase has a time limit only where the session's options give its handler a timeout.

      Given a <status> session "s1" with kernel "k1" on agent "a1"
      And a handler that fails every <status> session takes the place of start-sessions
      And session "s1" last failed in phase "failing-probe" <attempts> times in a row, the first time <age> ago
      When a failing-probe cycle runs
      Then session "s1" is still <status>
      And the scheduling history of session "s1" ends with "failing-probe" NEED_RETRY from <status> to <status>
      And kernel "k1" is still placed on agent "a1"
      And no scheduling event is broadcast for session "s1"

      Examples:
        | status    | attempts | age         |
        | CREATING  | 1        | 601 seconds |
        | PREPARING | 1        | 901 seconds |
        | PULLING   | 1        | 901 seconds |
        | CREATING  | 4        | 20 minutes  |

    @FC-002 @edge-case @as-implemented
    Scenario Outline: A session failing for <age> under a <timeout> timeout its options give the handler <outcome>
      Given a CREATING session "s1" with kernel "k1" on agent "a1"
      And a handler that fails every CREATING session takes the place of start-sessions
      And the options of session "s1" give the failing-probe handler a timeout of <timeout>
      And session "s1" last failed in phase "failing-probe" 1 times in a row, the first time <age> ago
      When a failing-probe cycle runs
      Then session "s1" is <now> <status>
      And the scheduling history of session "s1" ends with "failing-probe" <result> from CREATING to <status>

      Examples:
        | timeout     | age         | outcome       | now   | status      | result     |
        | 600 seconds | 600 seconds | needs a retry | still | CREATING    | NEED_RETRY |
        | 600 seconds | 601 seconds | has expired   | now   | TERMINATING | EXPIRED    |

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
