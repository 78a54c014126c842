@e2e @database
Feature: Failures on the way: agents that fail, vanish or fall silent, and sessions stuck past their timeouts
  End-to-end (BEP Phase 4), through the real coordinator and a simulated agent fleet (see
  session_lifecycle.feature). Sessions run on agent "a1". Agent "a2" stays alive throughout, so
  the scaling group always has an agent alive while "a1" misbehaves.

  Background:
    Given agent "a1" with 8 CPUs and 16 GiB
    And agent "a2" with 1 CPU and 1 GiB

  @PP-003 @error-case
  Scenario: A session whose image cannot be pulled is cancelled and holds nothing
    The cancellation comes through the agent's report of the failed pull, handled by the kernel
    state engine, which records no scheduling history: the history ends where the session was.

    Given agent "a1" does not have image "cr.backend.ai/stable/python:3.13-ubuntu24.04"
    And agent "a1" fails every image pull
    And a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is CANCELLED
    Then the status info of session "s1" is "All kernels cancelled"
    And kernel "s1/0" is now CANCELLED
    And session "s1" went through PENDING, SCHEDULED and PREPARING
    And agent "a1" has nothing in use

  @SK-001 @DT-001 @TS-001 @PT-001 @error-case
  Scenario: A session whose kernel its agent lost is ended once the kernel's presence goes stale
    The agent no longer reports the kernel present; after two minutes its presence is stale, the
    kernel sweep asks the agent, which answers that it does not run it, and the kernel is
    TERMINATED. The session is then terminated like any other.

    Given a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is RUNNING
    And agent "a1" loses kernel "s1/0"
    And 3 minutes pass
    And the scheduler runs until session "s1" is TERMINATED
    Then session "s1" went through PENDING, SCHEDULED, PREPARING, PREPARED, CREATING, RUNNING, TERMINATING and TERMINATED
    And agent "a1" has nothing in use

  @SW-001 @error-case
  Scenario: A session whose agent never answers the image check is terminated once PREPARING too long
    Given agent "a1" takes requests and never answers them
    And a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is PREPARING
    And 20 minutes pass
    And 3 scheduler ticks pass
    Then session "s1" is now TERMINATING

  @SW-001 @error-case @as-implemented
  Scenario: A session whose agent never answers the image check stays PREPARING however long it waits
    Given agent "a1" takes requests and never answers them
    And a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is PREPARING
    And 20 minutes pass
    And 3 scheduler ticks pass
    Then session "s1" is still PREPARING
    And agent "a1" was asked to check and pull images once

  @SW-001 @error-case @as-implemented
  Scenario: A session whose agent never answers the image check stays PREPARING, its agent asked again at each check
    The precondition check takes PREPARING sessions too and asks their agents again for the image
    (the forced check of the long timer, once when the 20 minutes have passed); nothing times the
    session out.

    Given agent "a1" takes requests and never answers them
    And a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is PREPARING
    And 20 minutes pass
    And 3 scheduler ticks pass
    Then session "s1" is still PREPARING
    And agent "a1" was asked to check and pull images 2 times

  @PR-005 @error-case
  Scenario: A session CREATING for more than 10 minutes expires
    Given agent "a1" is slow to start kernels
    And a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is CREATING
    And 11 minutes pass
    And 3 scheduler ticks pass
    Then session "s1" has expired in phase "promote-to-running"

  @PR-005 @error-case @as-implemented
  Scenario: A session whose kernel never reports stays CREATING past 10 minutes, with nothing recorded
    Given agent "a1" is slow to start kernels
    And a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is CREATING
    And 20 minutes pass
    And 3 scheduler ticks pass
    Then session "s1" is still CREATING
    And session "s1" went through PENDING, SCHEDULED, PREPARING, PREPARED and CREATING

  @PR-003 @error-case
  Scenario: A session whose agent disappears while creating its kernel fails
    Given agent "a1" is slow to start kernels
    And a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is CREATING
    And agent "a1" disappears
    And 20 minutes pass
    And 3 scheduler ticks pass
    Then session "s1" is no longer CREATING

  @PR-003 @error-case @as-implemented
  Scenario: A session whose agent disappears while creating its kernel stays CREATING
    Given agent "a1" is slow to start kernels
    And a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is CREATING
    And agent "a1" disappears
    And 20 minutes pass
    And 3 scheduler ticks pass
    Then session "s1" is still CREATING
    And kernel "s1/0" is now PREPARED

  @SK-003 @error-case
  Scenario: The kernel of a running session whose agent disappeared moves to TERMINATING
    Given a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is RUNNING
    And agent "a1" disappears
    And 20 minutes pass
    And 3 scheduler ticks pass
    Then kernel "s1/0" is now TERMINATING

  @SK-003 @error-case @as-implemented
  Scenario: A running session whose agent disappeared stays RUNNING, its agent asked in vain
    Given a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is RUNNING
    And agent "a1" disappears
    And 20 minutes pass
    And 3 scheduler ticks pass
    Then session "s1" is still RUNNING
    And agent "a1" is asked whether it runs kernel "s1/0", and the request fails
    And agent "a1" has 2 CPUs and 4 GiB in use

  @TS-002 @DT-003 @error-case
  Scenario: Terminating a session whose agent disappeared completes, and its resources are freed
    Given a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is RUNNING
    And agent "a1" disappears
    And the user terminates session "s1"
    And 20 minutes pass
    And 3 scheduler ticks pass
    Then session "s1" is now TERMINATED

  @TS-002 @DT-003 @error-case @as-implemented
  Scenario: Terminating a session whose agent disappeared never completes
    Given a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is RUNNING
    And agent "a1" disappears
    And the user terminates session "s1"
    And 20 minutes pass
    And 3 scheduler ticks pass
    Then session "s1" is still TERMINATING
    And agent "a1" is asked again and again to destroy kernel "s1/0", and every request fails
    And agent "a1" has 2 CPUs and 4 GiB in use

  @SS-001 @PP-001 @PR-001 @error-case
  Scenario: During a Valkey outage no new session is placed, a placed one still starts, and the rest follow once it is back
    What needs Valkey stops. The short timers' cycles cannot read their requests, placing sessions
    ends with the error logged (the scheduler reads which agents failed them), and so does the
    kernel sweep (presence); the schedule requests that post-processing and kernel events send are
    lost. What the database and the agents decide goes on, at the pace of the long timers (every
    minute): a session already placed is prepared, created and promoted to RUNNING.

    Given agent "a1" does not have image "cr.backend.ai/stable/python:3.13-ubuntu24.04"
    And a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is PREPARING
    And a user creates session "s2" requesting 2 CPUs and 4 GiB
    And Valkey becomes unreachable
    And the scheduler runs until session "s1" is RUNNING, a minute at a time
    Then session "s2" is still PENDING
    When Valkey is reachable again
    And the scheduler runs until session "s2" is RUNNING
    Then session "s2" went through PENDING, SCHEDULED, PREPARING, PREPARED, CREATING and RUNNING
    And agent "a1" has 4 CPUs and 8 GiB in use
    And every error met while Valkey was unreachable says that Valkey cannot be reached

  @SS-001 @PP-001 @PR-001 @error-case @as-implemented
  Scenario: A session placed while Valkey was unreachable stays PENDING once it is back, its kernel on its agent
    Placing the session during the outage wrote its placement (its kernel on its agent, the agent's
    resources held for it), then failed on Valkey before the session itself moved on. Placing only
    takes sessions whose kernels still wait for an agent, so once Valkey is back nothing takes the
    session up again: it waits, its kernel placed, for as long as the scheduler runs.

    Given agent "a1" does not have image "cr.backend.ai/stable/python:3.13-ubuntu24.04"
    And a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is PREPARING
    And a user creates session "s2" requesting 2 CPUs and 4 GiB
    And Valkey becomes unreachable
    And the scheduler runs until session "s1" is RUNNING, a minute at a time
    And Valkey is reachable again
    And 20 minutes pass
    And 3 scheduler ticks pass
    Then session "s2" is still PENDING
    And kernel "s2/0" is still placed on agent "a1"
    And agent "a1" has 2 CPUs and 4 GiB in use
    And every error met while Valkey was unreachable says that Valkey cannot be reached
