@scheduler @lifecycle
Feature: Place pending sessions on agents (ScheduleSessionsLifecycleHandler)
  The schedule-sessions handler takes the PENDING sessions of a scaling group and hands them to
  the provisioner, which orders them, validates them against quotas and policies, and selects
  agents for their kernels. Sessions it places are reported as successes and move to SCHEDULED;
  the others are skipped this cycle and stay PENDING, with the provisioner's reason recorded.
  The scaling group uses 26.3.3's defaults: FIFO ordering and the dispersed agent selection
  (the agent with the most free resources first).

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

  @SS-003 @error-case @divergence
  Scenario: A session larger than any agent's free resources fails with "no-available-agent"
    In 26.3.3: the session is not a failure; the handler skips it ("not-scheduled-this-cycle"),
    it stays PENDING, and the failure recorded for it reads "Unavailable : No agents can be
    allocated at this time. (no available agents. Details: ...)".

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

  @SS-005 @error-case @divergence
  Scenario: A session designated to an agent that does not exist fails
    In 26.3.3: the session is not a failure; the handler skips it ("not-scheduled-this-cycle"),
    it stays PENDING, and the failure recorded for it reads "Designated agent '['ghost']' is not
    compatible. Details: not found".

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
  Scenario: A GPU session and a CPU session each land on an agent that fits them
    The agents are chosen by the provisioner's agent selector: an agent fits when its free slots
    cover the request; there is no rule specific to GPUs beyond that.

    Given agent "gpu1" with 8 CPUs, 32 GiB and 2 GPUs
    And agent "cpu1" with 8 CPUs and 32 GiB
    And a PENDING session "train" requesting 4 CPUs, 8 GiB and 1 GPU
    And a PENDING session "notebook" requesting 4 CPUs and 8 GiB
    When the schedule-sessions handler runs
    Then sessions "train" and "notebook" are reported as successes
    And session "train" is assigned to agent "gpu1"
    And session "notebook" is assigned to agent "cpu1"

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

  @SS-008 @happy-path @divergence
  Scenario: With room for both, sessions of every priority are placed, the higher priority first
    In 26.3.3: a scheduling cycle only considers the sessions of the highest priority present;
    "low" is skipped ("not-scheduled-this-cycle") although the agent has room for it, and waits
    for a cycle in which no higher-priority session is pending.

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
  Scenario Outline: A batch session reserved for a later time is not placed before then
    The reservation is checked by the provisioner's reserved-batch validator.

    Given agent "a1" with 8 CPUs and 16 GiB
    And a PENDING batch session "nightly" reserved to start <when>
    When the schedule-sessions handler runs
    Then session "nightly" is <outcome>

    Examples:
      | when           | outcome                                                     |
      | in 1 minute    | reported as skipped with reason "not-scheduled-this-cycle" |
      | 1 minute ago   | reported as a success                                       |

  @SS-010 @edge-case @divergence @absent-in-code
  Scenario: A private session gets an agent of its own or fails
    In 26.3.3: nothing gives a private (SFTP) session a dedicated agent; it is placed like any
    other session, here next to the container already running on "a1". Privacy only switches the
    concurrency limit to max_concurrent_sftp_sessions.

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
