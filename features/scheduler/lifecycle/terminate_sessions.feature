@scheduler @lifecycle
Feature: Terminate sessions (TerminateSessionsLifecycleHandler)
  The terminate-sessions handler takes the TERMINATING sessions and asks the agents to destroy
  their kernels. A session whose kernels are not all gone stays TERMINATING and is handled again
  by the next termination cycle; the move to TERMINATED once the kernels are gone is specified
  with the promotion handlers (BEP section 2.4).

  Background:
    Given the scaling group "default"
    And agent "a1" with 8 CPUs and 16 GiB

  @TS-001 @happy-path
  Scenario: A terminating session has its kernel destroyed and is reported as a success
    Given a TERMINATING session "s1" with kernel "k1" on agent "a1"
    When the terminate-sessions handler runs
    Then agent "a1" is asked to destroy kernel "k1"
    And session "s1" is reported as a success

  @TS-001 @happy-path @as-implemented
  Scenario: A terminating session has its kernel destroyed and is left to the agent's termination event
    Given a TERMINATING session "s1" with kernel "k1" on agent "a1"
    When the terminate-sessions handler runs
    Then agent "a1" is asked to destroy kernel "k1"
    And the handler reports no session

  @TS-002 @error-case
  Scenario: A session whose agent is lost is terminated by force
    Given a TERMINATING session "s1" with kernel "k1" on agent "a1"
    And agent "a1" is lost
    When the terminate-sessions handler runs
    Then session "s1" is reported as a success

  @TS-002 @error-case @as-implemented @database
  Scenario: In the database, a session whose agent is lost stays terminating after a failed destroy request, and the next cycle tries again
    The scaling group keeps an alive agent, "a2", so the cycles visit it (see the scenario below
    for a scaling group left without one).

    Given agent "a2" with 8 CPUs and 16 GiB
    And a TERMINATING session "s1" with kernel "k1" on agent "a1"
    And agent "a1" is lost
    When a terminate-sessions cycle runs
    Then agent "a1" is asked to destroy kernel "k1", and the request fails
    And the handler reports no session
    And session "s1" is still TERMINATING
    When a terminate-sessions cycle runs
    Then agent "a1" has been asked 2 times to destroy its kernel of session "s1", and every request failed
    And session "s1" is still TERMINATING

  @TS-003 @edge-case
  Scenario: A kernel without a container is terminated by a database update only
    Given a TERMINATING session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" has no container
    When the terminate-sessions handler runs
    Then session "s1" is reported as a success
    And no agent is contacted

  @TS-003 @edge-case @as-implemented
  Scenario: A kernel without a container is still sent a destroy request
    Given a TERMINATING session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" has no container
    When the terminate-sessions handler runs
    Then agent "a1" is asked to destroy kernel "k1"
    And nothing is written about any session
    And the handler reports no session

  @TS-003 @edge-case @as-implemented
  Scenario: A kernel never placed on an agent is left to the retry and timeout handling
    Given a TERMINATING session "s1" whose kernel "k1" was never placed on an agent
    When the terminate-sessions handler runs
    Then no agent is contacted
    And the handler reports no session

  @TS-004 @error-case @database
  Scenario: In the database, when some kernels fail to be destroyed, the others are still destroyed and the failed ones are retried by the next cycle
    The retry is the next termination cycle: the handler reports nothing, so the session's row
    stays TERMINATING, and the next cycle takes the session again and sends the destroy request
    again for every kernel of the session, including the one whose agent carried out the first
    request (until that agent reports the kernel terminated, nothing records it as gone).

    Given agent "a2" with 8 CPUs and 16 GiB
    And a TERMINATING multi-node session "s1" with kernels on agents "a1" and "a2"
    And agent "a2" fails to destroy kernels
    When a terminate-sessions cycle runs
    Then agent "a1" is asked to destroy 1 kernel of session "s1"
    And agent "a2" is asked to destroy 1 kernel of session "s1", and the request fails
    And session "s1" is still TERMINATING
    When a terminate-sessions cycle runs
    Then agent "a2" has been asked 2 times to destroy its kernel of session "s1", and every request failed
    And agent "a1" has been asked 2 times to destroy its kernel of session "s1"
    And session "s1" is still TERMINATING

  @TS-005 @happy-path
  Scenario: Every kernel of a cluster session is destroyed
    Given agents "a2" and "a3", each with 8 CPUs and 16 GiB
    And a TERMINATING multi-node session "s1" with kernels on agents "a1", "a2" and "a3"
    When the terminate-sessions handler runs
    Then agent "a1" is asked to destroy 1 kernel of session "s1"
    And agent "a2" is asked to destroy 1 kernel of session "s1"
    And agent "a3" is asked to destroy 1 kernel of session "s1"

  @TS-006 @edge-case
  Scenario: A kernel that is already TERMINATED is skipped
    Given a TERMINATING session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k2" is already TERMINATED
    When the terminate-sessions handler runs
    Then agent "a1" is asked to destroy kernel "k1"
    And agent "a1" is not asked to destroy kernel "k2"

  @TS-006 @edge-case @as-implemented
  Scenario: A kernel that is already TERMINATED is sent a destroy request again
    Given a TERMINATING session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k2" is already TERMINATED
    When the terminate-sessions handler runs
    Then agent "a1" is asked to destroy kernel "k1"
    And agent "a1" is asked to destroy kernel "k2"

  @TS-006 @edge-case
  Scenario: A session that is already TERMINATED is not taken for termination
    Given a TERMINATED session "s1" on agent "a1"
    When the terminate-sessions handler runs
    Then the handler reports no session
    And no agent is contacted

  @TS-006 @edge-case @as-implemented @database
  Scenario: In the database, every kernel of a terminating session is read for termination, the TERMINATED one included
    Given a TERMINATING session "s1" with kernels "k1" and "k2" on agent "a1"
    And kernel "k2" is already TERMINATED
    When a terminate-sessions cycle runs
    Then agent "a1" is asked to destroy kernel "k1"
    And agent "a1" is asked to destroy kernel "k2"
    And session "s1" is still TERMINATING
    And nothing is recorded in the scheduling history of session "s1"

  @TS-002 @error-case @as-implemented @database
  Scenario: In the database, a terminating session whose scaling group has no agent left alive is not taken at all
    A cycle only visits the scaling groups that the database shows with at least one alive agent
    open to scheduling; with its only agent lost, the scaling group of "s1" is not visited, so
    not even a destroy request is attempted.

    Given a TERMINATING session "s1" with kernel "k1" on agent "a1"
    And agent "a1" is lost
    When a terminate-sessions cycle runs
    Then no agent is contacted
    And session "s1" is still TERMINATING
    And nothing is recorded in the scheduling history of session "s1"

  @TS-002 @error-case @as-implemented @database
  Scenario: In the database, a terminating session whose scaling group has no agent left alive is still taken, and its lost agent asked to destroy it
    A cycle visits every scaling group in the database, whether or not any of its agents is alive
    and open to scheduling.

    Given a TERMINATING session "s1" with kernel "k1" on agent "a1"
    And agent "a1" is lost
    When a terminate-sessions cycle runs
    Then agent "a1" is asked to destroy kernel "k1", and the request fails
    And the handler reports no session
    And session "s1" is still TERMINATING
