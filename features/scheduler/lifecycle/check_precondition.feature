@scheduler @lifecycle
Feature: Check the preconditions of scheduled sessions (CheckPreconditionLifecycleHandler)
  The BEP describes this handler as the gate a pending session passes before it is placed:
  quota, resource policy and domain or project settings. A condition may be checked elsewhere
  than in this handler (a quota, for instance, while the session is placed on an agent), so the
  scenarios below name the component they drive.

  Background:
    Given the scaling group "default"
    And agent "a1" with 8 CPUs and 16 GiB

  @CP-001 @happy-path
  Scenario: A valid pending session passes its preconditions
    Given a PENDING session "s1"
    When the check-precondition handler runs
    Then session "s1" is reported as a success

  @CP-001 @happy-path @as-implemented
  Scenario: A scheduled session passes its preconditions and its agent is asked for the image
    Given a SCHEDULED session "s1" on agent "a1"
    When the check-precondition handler runs
    Then session "s1" is reported as a success with reason "passed-preconditions"
    And session "s1" moves to PREPARING
    And agent "a1" is asked to check and pull image "cr.backend.ai/stable/python:3.13-ubuntu24.04"

  @CP-003 @error-case
  Scenario: A session from a deactivated domain fails its preconditions
    Given a SCHEDULED session "s1" on agent "a1"
    And session "s1" belongs to domain "retired"
    And the domain "retired" is deactivated
    When the check-precondition handler runs
    Then session "s1" is reported as a failure

  @CP-003 @error-case @as-implemented
  Scenario: A session from a deactivated domain passes its preconditions
    Given a SCHEDULED session "s1" on agent "a1"
    And session "s1" belongs to domain "retired"
    And the domain "retired" is deactivated
    When the check-precondition handler runs
    Then session "s1" is reported as a success with reason "passed-preconditions"

  @CP-004 @error-case
  Scenario: A session from a deactivated project fails its preconditions
    Given a SCHEDULED session "s1" on agent "a1"
    And session "s1" belongs to project "archived"
    And the project "archived" is deactivated
    When the check-precondition handler runs
    Then session "s1" is reported as a failure

  @CP-004 @error-case @as-implemented
  Scenario: A session from a deactivated project passes its preconditions
    Given a SCHEDULED session "s1" on agent "a1"
    And session "s1" belongs to project "archived"
    And the project "archived" is deactivated
    When the check-precondition handler runs
    Then session "s1" is reported as a success with reason "passed-preconditions"

  @CP-005 @error-case
  Scenario: A session whose owner exceeds the vfolder count of the resource policy fails its preconditions
    Given a SCHEDULED session "s1" on agent "a1"
    And the owner of session "s1" has 3 vfolders while the resource policy allows 2
    When the check-precondition handler runs
    Then session "s1" is reported as a failure

  @CP-005 @error-case @as-implemented
  Scenario: A session whose owner exceeds the vfolder count of the resource policy passes its preconditions
    Given a SCHEDULED session "s1" on agent "a1"
    And the owner of session "s1" has 3 vfolders while the resource policy allows 2
    When the check-precondition handler runs
    Then session "s1" is reported as a success with reason "passed-preconditions"

  @CP-006 @edge-case
  Scenario: With no scheduled session the handler reports nothing and contacts no agent
    Given a PENDING session "waiting"
    When the check-precondition handler runs
    Then the handler reports no session
    And no agent is contacted

  @CP-006 @edge-case @database
  Scenario: A check-precondition cycle that finds no scheduled session does not call the handler
    The coordinator looks for SCHEDULED sessions in each scaling group it visits, finds none,
    and goes on without calling the handler: nothing is written, no agent is asked for an
    image, and no further cycle is requested.

    Given a PENDING session "waiting"
    When a check-precondition cycle runs
    Then the cycle completes
    And the check-precondition handler is given nothing to do
    And no agent is contacted
    And session "waiting" is still PENDING
    And nothing is recorded in the scheduling history of session "waiting"
    And no further cycle is requested

  @CP-007 @edge-case
  Scenario: Among several sessions, those that fail a condition are failures and the others successes
    Given agent "a2" with 8 CPUs and 16 GiB
    And a SCHEDULED session "ok" on agent "a1"
    And a SCHEDULED session "stranded" on agent "a2"
    And agent "a2" cannot be reached
    When the check-precondition handler runs
    Then session "ok" is reported as a success
    And session "stranded" is reported as a failure

  @CP-007 @edge-case @as-implemented
  Scenario: Every scheduled session passes, even one whose agent cannot be reached
    Given agent "a2" with 8 CPUs and 16 GiB
    And a SCHEDULED session "ok" on agent "a1"
    And a SCHEDULED session "stranded" on agent "a2"
    And agent "a2" cannot be reached
    When the check-precondition handler runs
    Then sessions "ok" and "stranded" are reported as successes
    And agent "a1" is asked to check and pull image "cr.backend.ai/stable/python:3.13-ubuntu24.04"

  @CP-001 @happy-path @as-implemented @database
  Scenario: In the database, the agent recorded for a scheduled session is asked for its image, and the session is PREPARING
    Given agent "a2" with 8 CPUs and 16 GiB
    And a SCHEDULED session "s1" on agent "a2"
    When a check-precondition cycle runs
    Then agent "a2" is asked to check and pull image "cr.backend.ai/stable/python:3.13-ubuntu24.04"
    And session "s1" is now PREPARING
    And the scheduling history of session "s1" ends with "check-precondition" SUCCESS from SCHEDULED to PREPARING
    And a PREPARING scheduling event is broadcast for session "s1" with reason "passed-preconditions"

  @CP-002 @error-case @database
  Scenario: In the database, a session whose user has used up the quota fails with "quota-exceeded"
    The quota is checked by the provisioner's resource-limit validators while the
    schedule-sessions cycle places the session, not by check-precondition; this scenario runs
    that cycle with the real provisioner and scheduler repository.

    Given a PENDING session "s1" requesting 2 CPUs and 2 GiB
    And the user of session "s1" may use 4 CPUs and 8 GiB in total, of which 4 CPUs and 8 GiB are in use
    When a schedule-sessions cycle runs
    Then session "s1" is reported as a failure with status info "quota-exceeded"

  @CP-002 @error-case @as-implemented @database
  Scenario Outline: In the database, a session over its <scope> quota stays pending with the quota failure recorded
    The quota is checked by the provisioner's resource-limit validators while the
    schedule-sessions cycle places the session. The scheduler repository reads the limit from
    the database, from the <scope>'s own total resource slots, and what the <scope> already uses
    from what its running kernels hold. The recorded failure is the validator's message under
    its error's title, word for word, amounts printed as the manager prints them.

    Given a PENDING session "s1" requesting 2 CPUs and 2 GiB
    And the <scope> of session "s1" may use 4 CPUs and 8 GiB in total, of which 3 CPUs and 1 GiB are in use
    When a schedule-sessions cycle runs
    Then session "s1" is still PENDING
    And session "s1" is not assigned to any agent
    And the scheduling failure recorded for session "s1" is "<failure>"

    Examples:
      | scope   | failure |
      | project | Group resource quota exceeded. (Your group resource quota is exceeded. (limit: cpu=4 mem=8589934592 cuda.device=Infinity, current: {'cuda.device': Decimal('0.000000'), 'cpu': Decimal('3.000000'), 'mem': Decimal('1073741824.000000')}, requested: {'cpu': Decimal('2'), 'mem': Decimal('2147483648'), 'cuda.device': Decimal('0')})) |
      | domain  | Domain resource quota exceeded. (Your domain resource quota is exceeded. (limit: cpu=4 mem=8589934592 cuda.device=Infinity, current: {'cuda.device': Decimal('0.000000'), 'cpu': Decimal('3.000000'), 'mem': Decimal('1073741824.000000')}, requested: {'cpu': Decimal('2'), 'mem': Decimal('2147483648'), 'cuda.device': Decimal('0')})) |

  @CP-002 @error-case @as-implemented @database
  Scenario Outline: In the database, a session over its <scope> quota, started with its user's main keypair, is over both the keypair and the user quota
    The scheduler repository reads a user's limit from the resource policy of the user's main
    keypair (the user's main access key); a user has no limit of its own. A session started with
    that keypair, as a user's sessions usually are, is held to one policy twice: by the keypair
    validator (against what the keypair's running kernels hold) and by the user validator
    (against what all the user's running kernels hold). Both fail, and the recorded failure
    lists both.

    Given a PENDING session "s1" requesting 2 CPUs and 2 GiB
    And the <scope> of session "s1" may use 4 CPUs and 8 GiB in total, of which 3 CPUs and 1 GiB are in use
    When a schedule-sessions cycle runs
    Then session "s1" is still PENDING
    And session "s1" is not assigned to any agent
    And the scheduling failure recorded for session "s1" is:
      """
      Multiple validation errors occurred. (Multiple validation errors occurred:
        1. KeypairResourceQuotaExceeded: Keypair resource quota exceeded. (Your keypair resource quota is exceeded. (cpu=4 mem=8589934592 cuda.device=Infinity))
        2. UserResourceQuotaExceeded: User resource quota exceeded. (Your main-keypair resource quota is exceeded. (cpu=4 mem=8589934592 cuda.device=Infinity)))
      """

    Examples:
      | scope   |
      | keypair |
      | user    |

  @CP-002 @error-case @as-implemented @database
  Scenario Outline: In the database, a session over its <scope> quota stays pending, the quota's limit recorded in its scheduling history
    The recorded failure is the validator's message under its error's title, word for word: it
    gives the limit alone, not what is in use or what was requested. It is recorded in the
    session's scheduling history as a schedule-sessions failure to retry.

    Given a PENDING session "s1" requesting 2 CPUs and 2 GiB
    And the <scope> of session "s1" may use 4 CPUs and 8 GiB in total, of which 3 CPUs and 1 GiB are in use
    When a schedule-sessions cycle runs
    Then session "s1" is still PENDING
    And session "s1" is not assigned to any agent
    And the scheduling history of session "s1" records a NEED_RETRY of "schedule-sessions"
    And the scheduling failure recorded for session "s1" is "<failure>"

    Examples:
      | scope   | failure                                                                                                |
      | project | Group resource quota exceeded. (Your group resource quota is exceeded. (cpu=4 mem=8589934592 cuda.device=Infinity))   |
      | domain  | Domain resource quota exceeded. (Your domain resource quota is exceeded. (cpu=4 mem=8589934592 cuda.device=Infinity)) |

  @CP-002 @error-case @as-implemented @database
  Scenario Outline: In the database, a session over its <scope> quota, started with its user's main keypair, has both quota failures listed
    Held to one policy twice, by the keypair and by the user validator, the session fails both,
    and the recorded failure lists both messages.

    Given a PENDING session "s1" requesting 2 CPUs and 2 GiB
    And the <scope> of session "s1" may use 4 CPUs and 8 GiB in total, of which 3 CPUs and 1 GiB are in use
    When a schedule-sessions cycle runs
    Then session "s1" is still PENDING
    And session "s1" is not assigned to any agent
    And the scheduling failure recorded for session "s1" is:
      """
      Multiple validation errors occurred. (Multiple validation errors occurred:
      - KeypairResourceQuotaExceeded: Your keypair resource quota is exceeded. (cpu=4 mem=8589934592 cuda.device=Infinity)
      - UserResourceQuotaExceeded: Your main-keypair resource quota is exceeded. (cpu=4 mem=8589934592 cuda.device=Infinity))
      """

    Examples:
      | scope   |
      | keypair |
      | user    |

  @CP-002 @error-case @as-implemented @database
  Scenario Outline: In the database, a session over its <scope> quota stays pending, each resource over the limit recorded with its use and request
    The quota is checked by the provisioner's resource-policy validator, for the session's user,
    project and domain. The scheduler repository reads a user's limit from the resource policy of
    the user's default keypair, and a project's and a domain's from their own total resource
    slots; what each already uses is what its running kernels hold. The recorded failure names
    the scope and, for each resource over the limit, what is in use, what is requested and the
    limit. It is recorded in the session's scheduling history as a schedule-sessions failure to
    retry.

    Given a PENDING session "s1" requesting 2 CPUs and 2 GiB
    And the <scope> of session "s1" may use 4 CPUs and 8 GiB in total, of which 3 CPUs and 1 GiB are in use
    When a schedule-sessions cycle runs
    Then session "s1" is still PENDING
    And session "s1" is not assigned to any agent
    And the scheduling history of session "s1" records a NEED_RETRY of "schedule-sessions"
    And the scheduling failure recorded for session "s1" says "<title>"
    And the scheduling failure recorded for session "s1" says "- cpu: used 3 + requested 2 > limit 4 (over by 1)"

    Examples:
      | scope   | title                                                                           |
      | user    | User resource quota exceeded. (Your default-keypair resource quota is exceeded. |
      | project | Project resource quota exceeded. (Your project resource quota is exceeded.      |
      | domain  | Domain resource quota exceeded. (Your domain resource quota is exceeded.        |

  @CP-002 @error-case @as-implemented @database
  Scenario: In the database, a session over its keypair quota, started with its user's default keypair, is over its user quota alone
    A keypair has no limit of its own: the resource policy of the user's default keypair is the
    user's limit. A session started with that keypair, as a user's sessions usually are, fails
    the user check once, and only that failure is recorded.

    Given a PENDING session "s1" requesting 2 CPUs and 2 GiB
    And the keypair of session "s1" may use 4 CPUs and 8 GiB in total, of which 3 CPUs and 1 GiB are in use
    When a schedule-sessions cycle runs
    Then session "s1" is still PENDING
    And session "s1" is not assigned to any agent
    And the scheduling failure recorded for session "s1" is:
      """
      User resource quota exceeded. (Your default-keypair resource quota is exceeded.
        - cpu: used 3 + requested 2 > limit 4 (over by 1))
      """

  @CP-002 @error-case @as-implemented @database
  Scenario: In the database, a session started with another keypair of its user is held to the quota of the user's default keypair
    The session's own keypair has a resource policy of its own, without limits; the policy of
    the user's default keypair caps the user at 4 CPUs and 8 GiB, and that is the limit checked.

    Given a PENDING session "s1" requesting 2 CPUs and 2 GiB
    And session "s1" is started with a keypair of its user other than the user's main keypair
    And the user of session "s1" may use 4 CPUs and 8 GiB in total, of which 3 CPUs and 1 GiB are in use
    When a schedule-sessions cycle runs
    Then session "s1" is still PENDING
    And session "s1" is not assigned to any agent
    And the scheduling failure recorded for session "s1" is:
      """
      User resource quota exceeded. (Your default-keypair resource quota is exceeded.
        - cpu: used 3 + requested 2 > limit 4 (over by 1))
      """

  @CP-002 @error-case @as-implemented @database
  Scenario: In the database, a session started with another keypair of its user is held to the quota of the user's main keypair
    The session's own keypair has a resource policy of its own, without limits; the user's
    main keypair's policy caps the user at 4 CPUs and 8 GiB. Only the user validator fails.

    Given a PENDING session "s1" requesting 2 CPUs and 2 GiB
    And session "s1" is started with a keypair of its user other than the user's main keypair
    And the user of session "s1" may use 4 CPUs and 8 GiB in total, of which 3 CPUs and 1 GiB are in use
    When a schedule-sessions cycle runs
    Then session "s1" is still PENDING
    And session "s1" is not assigned to any agent
    And the scheduling failure recorded for session "s1" is "User resource quota exceeded. (Your main-keypair resource quota is exceeded. (cpu=4 mem=8589934592 cuda.device=Infinity))"
