@scheduler @kernel
Feature: Sweep stale kernels (SweepStaleKernelsKernelHandler)
  The sweep-stale-kernels handler looks at every RUNNING kernel of a scaling group and decides,
  through the session terminator's staleness check, whether it is still alive. In Backend.AI
  26.3.3 a kernel counts as stale when its agent has stopped reporting its presence (or never
  did), and it is declared dead only when its agent then confirms that it no longer runs it. A
  dead kernel is reported as a failure with reason "STALE_KERNEL" ("stale-kernel" in 26.4.16) and
  goes to TERMINATED; every other kernel is reported as alive and keeps its status. The kernel's
  last statistics are not consulted.

  Background:
    Given the scaling group "default"
    And agent "a1" with 8 CPUs and 16 GiB

  @SK-001 @error-case
  Scenario: A kernel whose last statistics are older than the threshold moves to TERMINATING
    Given a RUNNING kernel "k1" on agent "a1"
    And kernel "k1" last reported its statistics 10 minutes ago
    When the sweep-stale-kernels handler runs
    Then kernel "k1" moves to TERMINATING

  @SK-001 @error-case @as-implemented
  Scenario: A kernel with old statistics whose presence is still reported stays RUNNING
    Given a RUNNING kernel "k1" on agent "a1"
    And kernel "k1" last reported its statistics 10 minutes ago
    When the sweep-stale-kernels handler runs
    Then kernel "k1" is reported as alive
    And kernel "k1" stays RUNNING

  @SK-001 @error-case @as-implemented
  Scenario Outline: A kernel whose presence <presence> and whose agent no longer runs it goes to TERMINATED
    Given a RUNNING kernel "k1" on agent "a1"
    And the presence of kernel "k1" <presence>
    And agent "a1" no longer runs kernel "k1"
    When the sweep-stale-kernels handler runs
    Then kernel "k1" is reported as a failure with reason "STALE_KERNEL"
    And kernel "k1" moves to TERMINATED

    Examples:
      | presence              |
      | is no longer reported |
      | was never reported    |

  @SK-001 @error-case @as-implemented
  Scenario Outline: A kernel whose presence <presence> and whose agent no longer runs it goes to TERMINATED as a stale kernel
    The same judgement, with the reason spelled as a kernel lifecycle event reason, "stale-kernel".

    Given a RUNNING kernel "k1" on agent "a1"
    And the presence of kernel "k1" <presence>
    And agent "a1" no longer runs kernel "k1"
    When the sweep-stale-kernels handler runs
    Then kernel "k1" is reported as a failure with reason "stale-kernel"
    And kernel "k1" moves to TERMINATED

    Examples:
      | presence              |
      | is no longer reported |
      | was never reported    |

  @SK-003 @error-case
  Scenario: A kernel on a lost agent moves to TERMINATING
    Given a RUNNING kernel "k1" on agent "a1"
    And the presence of kernel "k1" is no longer reported
    And agent "a1" is lost
    When the sweep-stale-kernels handler runs
    Then kernel "k1" moves to TERMINATING

  @SK-003 @error-case @as-implemented @database
  Scenario: In the database, a stale kernel on a lost agent is kept RUNNING because the agent cannot confirm it is gone
    The scaling group keeps an alive agent, "a2": a cycle only visits the scaling groups the
    database shows with at least one alive agent open to scheduling.

    Given agent "a2" with 8 CPUs and 16 GiB
    And a RUNNING kernel "k1" on agent "a1"
    And the presence of kernel "k1" is no longer reported
    And agent "a1" is lost
    When a sweep-stale-kernels cycle runs
    Then agent "a1" is asked whether it runs kernel "k1", and the request fails
    And kernel "k1" is reported as alive
    And kernel "k1" is still RUNNING

  @SK-004 @edge-case @database
  Scenario: In the database, a RUNNING kernel without a container moves to TERMINATED
    The kernel's row has no container ID. The sweep runs as the coordinator runs it, which writes
    the handler's verdict into the kernels table.

    Given a RUNNING kernel "k1" on agent "a1"
    And kernel "k1" has no container
    When a sweep-stale-kernels cycle runs
    Then kernel "k1" is now TERMINATED

  @SK-004 @edge-case @as-implemented @database
  Scenario: In the database, a RUNNING kernel without a container is judged by its presence alone and stays RUNNING
    Given a RUNNING kernel "k1" on agent "a1"
    And kernel "k1" has no container
    When a sweep-stale-kernels cycle runs
    Then kernel "k1" is reported as alive
    And kernel "k1" is still RUNNING
    And agent "a1" is not asked whether it runs kernel "k1"

  @SK-001 @error-case @as-implemented @database
  Scenario: In the database, a kernel that is no longer reported present and that its agent no longer runs is TERMINATED
    The coordinator applies the handler's failure transition through its kernel state engine, and
    then requests the check for sessions whose kernels have terminated.

    Given a RUNNING kernel "k1" on agent "a1"
    And the presence of kernel "k1" is no longer reported
    And agent "a1" no longer runs kernel "k1"
    When a sweep-stale-kernels cycle runs
    Then kernel "k1" is now TERMINATED
    And the next detect-termination cycle is requested

  @SK-002 @happy-path @database
  Scenario: In the database, a kernel whose presence is reported stays RUNNING and nothing further is requested
    Given a RUNNING kernel "k1" on agent "a1"
    When a sweep-stale-kernels cycle runs
    Then kernel "k1" is reported as alive
    And kernel "k1" stays RUNNING
    And agent "a1" is not asked whether it runs kernel "k1"
    And no further cycle is requested
