@scheduler @lifecycle
Feature: Place pending sessions on agents (ScheduleSessionsLifecycleHandler)
  The schedule-sessions handler takes the PENDING sessions of a scaling group and has them
  ordered, validated against quotas and policies, and placed on agents with room for their
  kernels. Sessions it places are reported as successes and move to SCHEDULED; the others stay
  PENDING, with the reason they were not placed recorded. The scaling group orders sessions
  first in, first out (FIFO) and selects agents dispersed (the agent with the most free
  resources first).

  Background:
    Given the scaling group "default"

  @SS-001 @happy-path
  Scenario: A pending session is placed on an agent with room for it
    Given agent "a1" with 4 CPUs and 8 GiB
    And a PENDING session "s1" requesting 2 CPUs and 4 GiB
    When the schedule-sessions handler runs
    Then session "s1" is reported as a success
    And session "s1" moves to SCHEDULED
    And session "s1" is assigned to agent "a1"

  @SS-002 @happy-path
  Scenario: Several pending sessions are all placed when the agents have room
    Given agents "a1" and "a2", each with 8 CPUs and 16 GiB
    And the PENDING sessions "s1", "s2" and "s3", each requesting 4 CPUs and 8 GiB
    When the schedule-sessions handler runs
    Then sessions "s1", "s2" and "s3" are reported as successes
    And no session is skipped

  @SS-003 @error-case
  Scenario: A session larger than any agent's free resources fails with "no-available-agent"
    Given agent "a1" with 2 CPUs and 4 GiB
    And a PENDING session "s1" requesting 4 CPUs and 8 GiB
    When the schedule-sessions handler runs
    Then session "s1" is reported as a failure with status info "no-available-agent"

  @SS-003 @error-case @as-implemented
  Scenario: A session larger than any agent's free resources stays pending, with the shortage recorded
    Given agent "a1" with 2 CPUs and 4 GiB
    And a PENDING session "s1" requesting 4 CPUs and 8 GiB
    When the schedule-sessions handler runs
    Then session "s1" is reported as skipped with reason "not-scheduled-this-cycle"
    And the scheduling failure recorded for session "s1" says "No agents can be allocated at this time."
    And the scheduling failure recorded for session "s1" says "Agent a1 has insufficient resources"

  @SS-003 @error-case @as-implemented
  Scenario: A session larger than any agent's free resources is a failure, with the shortage as its message
    The provisioner's failure is reported as the handler's failure, the shortage as its message;
    the coordinator records it in the session's scheduling history as a failure to retry, and the
    session stays PENDING. It is not "no-available-agent".

    Given agent "a1" with 2 CPUs and 4 GiB
    And a PENDING session "s1" requesting 4 CPUs and 8 GiB
    When the schedule-sessions handler runs
    Then session "s1" is reported as a failure
    And the scheduling failure recorded for session "s1" says "No agents can be allocated at this time."
    And the scheduling failure recorded for session "s1" says "Agent a1 has insufficient resources"

  @SS-003 @error-case @as-implemented
  Scenario: A session larger than any agent's free resources is a failure, with what each agent misses as its message
    The agent selector filters the agents; when none passes, the session is a failure whose
    message names the filter that let no agent through and, for the resource filter, how much of
    each resource is missing. The session stays PENDING. It is not "no-available-agent".

    Given agent "a1" with 2 CPUs and 4 GiB
    And a PENDING session "s1" requesting 4 CPUs and 8 GiB
    When the schedule-sessions handler runs
    Then session "s1" is reported as a failure
    And the scheduling failure recorded for session "s1" says "Some kernels could not be placed on any agent."
    And the scheduling failure recorded for session "s1" says "no agents passed the 'resource' filter"
    And the scheduling failure recorded for session "s1" says "cpu: missing=2"

  @SS-004 @happy-path
  Scenario: A session designated to an agent is placed there, not on the roomier one
    The agent is chosen by the provisioner's agent selector; dispersed selection alone would
    pick "a2".

    Given agent "a1" with 4 CPUs and 8 GiB
    And agent "a2" with 16 CPUs and 32 GiB
    And a PENDING session "s1" requesting 2 CPUs and 4 GiB
    And session "s1" is designated to agent "a1"
    When the schedule-sessions handler runs
    Then session "s1" is reported as a success
    And session "s1" is assigned to agent "a1"

  @SS-005 @error-case
  Scenario: A session designated to an agent that does not exist fails
    Given agent "a1" with 8 CPUs and 16 GiB
    And a PENDING session "s1" requesting 1 CPU and 1 GiB
    And session "s1" is designated to agent "ghost"
    When the schedule-sessions handler runs
    Then session "s1" is reported as a failure

  @SS-005 @error-case @as-implemented
  Scenario: A session designated to an agent that does not exist stays pending, with the reason recorded
    Given agent "a1" with 8 CPUs and 16 GiB
    And a PENDING session "s1" requesting 1 CPU and 1 GiB
    And session "s1" is designated to agent "ghost"
    When the schedule-sessions handler runs
    Then session "s1" is reported as skipped with reason "not-scheduled-this-cycle"
    And the scheduling failure recorded for session "s1" says "Designated agent '['ghost']' is not compatible."
    And session "s1" is not assigned to any agent

  @SS-005 @error-case @as-implemented
  Scenario: A session designated to an agent that does not exist is placed on another agent
    A session's designation is a preference unless its options make it strict, and by default
    they do not: the designated agent only comes first among the agents that fit. When it does
    not exist, the session is placed on another agent that fits, as if it had none.

    Given agent "a1" with 8 CPUs and 16 GiB
    And a PENDING session "s1" requesting 1 CPU and 1 GiB
    And session "s1" is designated to agent "ghost"
    When the schedule-sessions handler runs
    Then session "s1" is reported as a success
    And session "s1" is assigned to agent "a1"

  @SS-006 @happy-path
  Scenario Outline: Every kernel of a <mode> cluster session is placed
    A single-node cluster needs one agent with room for all its kernels; a multi-node cluster
    places each kernel on its own, so kernels too large to share an agent are spread.

    Given agents "a1" and "a2", each with 4 CPUs and 8 GiB
    And a PENDING <mode> session "s1" of 2 kernels, each requesting <cpus> and 1 GiB
    When the schedule-sessions handler runs
    Then session "s1" is reported as a success
    And every kernel of session "s1" is assigned to an agent
    And the kernels of session "s1" are placed on <placement>

    Examples:
      | mode        | cpus   | placement |
      | single-node | 2 CPUs | 1 agent   |
      | multi-node  | 3 CPUs | 2 agents  |

  @SS-007 @happy-path
  Scenario Outline: A GPU session lands on the GPU agent, and a CPU session keeps off it although it has more room (<order>)
    The agents are chosen by the provisioner's dispersed agent selector. An agent fits when its
    free slots cover the request. Among the agents that fit, the selector prefers the agent with
    the fewest free resource types that the session asks none of, and only then the agent with
    the most free resources. So the CPU session "notebook" goes to "cpu1", although "gpu1" still
    has more free CPUs and memory after taking "train": a free GPU is a resource it would leave
    idle. The outcome does not depend on the order in which the agents are listed.

    Given agent "<first>" with <first capacity>
    And agent "<second>" with <second capacity>
    And a PENDING session "train" requesting 4 CPUs, 8 GiB and 1 GPU
    And a PENDING session "notebook" requesting 4 CPUs and 8 GiB
    When the schedule-sessions handler runs
    Then sessions "train" and "notebook" are reported as successes
    And session "train" is assigned to agent "gpu1"
    And session "notebook" is assigned to agent "cpu1"

    Examples:
      | order                  | first | first capacity             | second | second capacity            |
      | GPU agent listed first | gpu1  | 16 CPUs, 64 GiB and 2 GPUs | cpu1   | 8 CPUs and 32 GiB          |
      | CPU agent listed first | cpu1  | 8 CPUs and 32 GiB          | gpu1   | 16 CPUs, 64 GiB and 2 GPUs |

  @SS-007 @happy-path @as-implemented
  Scenario Outline: A GPU session lands on the GPU agent, and a CPU session follows it there for its greater room (<order>)
    The dispersed agent selector prefers the agent with the fewest free resource types that the
    session asks for at 0, and then the agent with the most free resources. A request keeps no
    resource type at 0 and nothing adds the agent's other types back to it, so the free GPU of
    "gpu1" does not count against the CPU session "notebook": it goes where most CPUs are free,
    to "gpu1", whatever the order in which the agents are listed.

    Given agent "<first>" with <first capacity>
    And agent "<second>" with <second capacity>
    And a PENDING session "train" requesting 4 CPUs, 8 GiB and 1 GPU
    And a PENDING session "notebook" requesting 4 CPUs and 8 GiB
    When the schedule-sessions handler runs
    Then sessions "train" and "notebook" are reported as successes
    And session "train" is assigned to agent "gpu1"
    And session "notebook" is assigned to agent "gpu1"

    Examples:
      | order                  | first | first capacity             | second | second capacity            |
      | GPU agent listed first | gpu1  | 16 CPUs, 64 GiB and 2 GPUs | cpu1   | 8 CPUs and 32 GiB          |
      | CPU agent listed first | cpu1  | 8 CPUs and 32 GiB          | gpu1   | 16 CPUs, 64 GiB and 2 GPUs |

  @SS-008 @happy-path
  Scenario: When only one of two sessions fits, the higher-priority one gets the room
    The order is decided by the provisioner's sequencer; "low" was submitted first, so FIFO
    alone would pick it.

    Given agent "a1" with 4 CPUs and 8 GiB
    And a PENDING session "low" with priority 10 requesting 4 CPUs and 8 GiB
    And a PENDING session "high" with priority 20 requesting 4 CPUs and 8 GiB
    When the schedule-sessions handler runs
    Then session "high" is reported as a success
    And session "low" is reported as skipped with reason "not-scheduled-this-cycle"

  @SS-008 @happy-path @as-implemented
  Scenario: When only one of two sessions fits, the higher-priority one gets the room and the other fails for lack of it
    Every priority is tried in a cycle, the highest first: once "high" has taken the room, "low"
    is tried too and fails for lack of room, instead of being left for a later cycle.

    Given agent "a1" with 4 CPUs and 8 GiB
    And a PENDING session "low" with priority 10 requesting 4 CPUs and 8 GiB
    And a PENDING session "high" with priority 20 requesting 4 CPUs and 8 GiB
    When the schedule-sessions handler runs
    Then session "high" is reported as a success
    And session "low" is reported as a failure
    And the scheduling failure recorded for session "low" says "Agent a1 has insufficient resources"

  @SS-008 @happy-path @as-implemented
  Scenario: When only one of two sessions fits, the higher-priority one gets the room and the other fails with what it misses
    The highest priority is tried first; once "high" has taken the room, "low" is tried too and
    is a failure whose message says how much it misses.

    Given agent "a1" with 4 CPUs and 8 GiB
    And a PENDING session "low" with priority 10 requesting 4 CPUs and 8 GiB
    And a PENDING session "high" with priority 20 requesting 4 CPUs and 8 GiB
    When the schedule-sessions handler runs
    Then session "high" is reported as a success
    And session "low" is reported as a failure
    And the scheduling failure recorded for session "low" says "no agents passed the 'resource' filter"

  @SS-008 @happy-path @as-implemented
  Scenario: A session that ran out of room holds back the lower-priority sessions behind it, even one that would fit
    Once a session fails for lack of room, the sessions after it in the cycle's order are not
    tried: they are skipped, so that they cannot take the room it waits for.

    Given agent "a1" with 4 CPUs and 8 GiB
    And a PENDING session "low" with priority 10 requesting 4 CPUs and 8 GiB
    And a PENDING session "high" with priority 20 requesting 4 CPUs and 8 GiB
    And a PENDING session "tiny" with priority 5 requesting 1 CPU and 1 GiB
    When the schedule-sessions handler runs
    Then session "high" is reported as a success
    And session "low" is reported as a failure
    And session "tiny" is reported as skipped
    And session "tiny" is not assigned to any agent

  @SS-008 @happy-path
  Scenario: With room for both, sessions of every priority are placed, the higher priority first
    Given agent "a1" with 8 CPUs and 16 GiB
    And a PENDING session "low" with priority 10 requesting 4 CPUs and 8 GiB
    And a PENDING session "high" with priority 20 requesting 4 CPUs and 8 GiB
    When the schedule-sessions handler runs
    Then sessions "high" and "low" are reported as successes

  @SS-008 @happy-path @as-implemented
  Scenario: With room for both, only the highest-priority sessions are placed in a cycle
    Given agent "a1" with 8 CPUs and 16 GiB
    And a PENDING session "low" with priority 10 requesting 4 CPUs and 8 GiB
    And a PENDING session "high" with priority 20 requesting 4 CPUs and 8 GiB
    When the schedule-sessions handler runs
    Then session "high" is reported as a success
    And session "low" is reported as skipped with reason "not-scheduled-this-cycle"

  @SS-009 @edge-case
  Scenario: A batch session reserved for a later time is not placed before then, and the wait is recorded
    The reservation is checked by the provisioner's reserved-batch validator, which compares the
    session's start time with the current time. Its failure, "Before start time" under the
    generic title of a validation failure, is what the scheduler records for the session.

    Given agent "a1" with 8 CPUs and 16 GiB
    And a PENDING batch session "nightly" reserved to start in 1 minute
    When the schedule-sessions handler runs
    Then session "nightly" is reported as skipped with reason "not-scheduled-this-cycle"
    And the scheduling failure recorded for session "nightly" is "Scheduling validation failed. (Before start time)"
    And session "nightly" is not assigned to any agent

  @SS-009 @edge-case @as-implemented
  Scenario: A batch session reserved for a later time is a failure until then, the wait as its message
    The reserved-batch validator's refusal is reported as the handler's failure, with its own
    message; the session stays PENDING and is tried again in later cycles.

    Given agent "a1" with 8 CPUs and 16 GiB
    And a PENDING batch session "nightly" reserved to start in 1 minute
    When the schedule-sessions handler runs
    Then session "nightly" is reported as a failure
    And the scheduling failure recorded for session "nightly" says "Reserved batch session is not yet ready to start."
    And session "nightly" is not assigned to any agent

  @SS-009 @edge-case
  Scenario: A batch session whose reserved start time has passed is placed
    Given agent "a1" with 8 CPUs and 16 GiB
    And a PENDING batch session "nightly" reserved to start 1 minute ago
    When the schedule-sessions handler runs
    Then session "nightly" is reported as a success
    And session "nightly" is assigned to agent "a1"

  @SS-010 @edge-case
  Scenario: A private session gets an agent of its own or fails
    Given agent "a1" with 8 CPUs and 16 GiB
    And agent "a1" already runs a container using 2 CPUs and 4 GiB
    And a PENDING private session "sftp" requesting 1 CPU and 1 GiB
    When the schedule-sessions handler runs
    Then session "sftp" is placed on an agent of its own or reported as a failure

  @SS-010 @edge-case @as-implemented
  Scenario: A private session is placed like any other session
    Given agent "a1" with 8 CPUs and 16 GiB
    And agent "a1" already runs a container using 2 CPUs and 4 GiB
    And a PENDING private session "sftp" requesting 1 CPU and 1 GiB
    When the schedule-sessions handler runs
    Then session "sftp" is reported as a success
    And session "sftp" is assigned to agent "a1"

  @SS-009 @edge-case @database
  Scenario: In the database, a batch session reserved for a later time stays pending, the wait recorded as its status info
    Given agent "a1" with 8 CPUs and 16 GiB
    And a PENDING batch session "nightly" reserved to start in 1 minute
    When a schedule-sessions cycle runs
    Then session "nightly" is still PENDING
    And session "nightly" is not assigned to any agent
    And the scheduling failure recorded for session "nightly" is "Scheduling validation failed. (Before start time)"

  @SS-009 @edge-case @as-implemented @database
  Scenario: In the database, a batch session reserved for a later time stays pending, the wait recorded in its scheduling history
    The reserved-batch validator's refusal is the provisioner's failure; the coordinator records
    its message in the session's scheduling history, as a schedule-sessions failure to retry.

    Given agent "a1" with 8 CPUs and 16 GiB
    And a PENDING batch session "nightly" reserved to start in 1 minute
    When a schedule-sessions cycle runs
    Then session "nightly" is still PENDING
    And session "nightly" is not assigned to any agent
    And the scheduling history of session "nightly" records a NEED_RETRY of "schedule-sessions"
    And the scheduling failure recorded for session "nightly" says "Reserved batch session is not yet ready to start."

  @SS-001 @happy-path @database
  Scenario: In the database, a pending session is placed on the agent whose running containers leave room for it
    How much room an agent has left is read from the database by the scheduler repository: its
    capacity less what the kernels running on it hold. Counting capacity alone, the dispersed
    selection would pick the larger "a1".

    Given agent "a1" with 16 CPUs and 32 GiB
    And agent "a2" with 4 CPUs and 8 GiB
    And agent "a1" already runs a container using 14 CPUs and 28 GiB
    And a PENDING session "s1" requesting 3 CPUs and 6 GiB
    When a schedule-sessions cycle runs
    Then session "s1" is now SCHEDULED
    And session "s1" is assigned to agent "a2"
    And the scheduling history of session "s1" ends with "schedule-sessions" SUCCESS from PENDING to SCHEDULED
    And the next check-precondition cycle is requested

  @SS-003 @error-case @as-implemented @database
  Scenario: In the database, a session for which running containers leave no room stays pending, with the shortage recorded
    Given agent "a1" with 8 CPUs and 16 GiB
    And agent "a1" already runs a container using 6 CPUs and 4 GiB
    And a PENDING session "s1" requesting 4 CPUs and 8 GiB
    When a schedule-sessions cycle runs
    Then session "s1" is still PENDING
    And session "s1" is not assigned to any agent
    And the scheduling failure recorded for session "s1" says "Agent a1 has insufficient resources"
    And the scheduling history of session "s1" records that "schedule-sessions" skipped it

  @SS-003 @error-case @as-implemented @database
  Scenario: In the database, a session for which running containers leave no room stays pending, the shortage recorded as a failure to retry
    Given agent "a1" with 8 CPUs and 16 GiB
    And agent "a1" already runs a container using 6 CPUs and 4 GiB
    And a PENDING session "s1" requesting 4 CPUs and 8 GiB
    When a schedule-sessions cycle runs
    Then session "s1" is still PENDING
    And session "s1" is not assigned to any agent
    And the scheduling failure recorded for session "s1" says "Agent a1 has insufficient resources"
    And the scheduling history of session "s1" records a NEED_RETRY of "schedule-sessions"

  @SS-003 @error-case @as-implemented @database
  Scenario: In the database, a session for which running containers leave no room stays pending, what it misses recorded as a failure to retry
    An agent's free resources are its capacity less what is in use, as its resource rows hold
    them. No agent passes the agent selector's resource filter, and the recorded failure says
    how much of each resource is missing.

    Given agent "a1" with 8 CPUs and 16 GiB
    And agent "a1" already runs a container using 6 CPUs and 4 GiB
    And a PENDING session "s1" requesting 4 CPUs and 8 GiB
    When a schedule-sessions cycle runs
    Then session "s1" is still PENDING
    And session "s1" is not assigned to any agent
    And the scheduling failure recorded for session "s1" says "Some kernels could not be placed on any agent."
    And the scheduling failure recorded for session "s1" says "no agents passed the 'resource' filter"
    And the scheduling failure recorded for session "s1" says "cpu: missing=2"
    And the scheduling history of session "s1" records a NEED_RETRY of "schedule-sessions"
