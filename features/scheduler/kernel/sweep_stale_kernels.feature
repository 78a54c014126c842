@scheduler @kernel
Feature: Sweep stale kernels (SweepStaleKernelsKernelHandler)
  The BEP has the stale-kernel sweeper look at the RUNNING kernels of a scaling group: a kernel
  whose last statistics are older than a threshold, or whose agent is lost, moves to
  TERMINATING; a RUNNING kernel without a container moves to TERMINATED; a kernel whose
  statistics are recent keeps its status. The scenarios describe a kernel by what its agent
  reports: whether the agent still reports the kernel's presence, and whether the agent, when
  asked, still runs it.

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
    The scaling group keeps an alive agent open to scheduling, "a2", so that the cycle visits it
    whether or not cycles visit scaling groups without one.

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
