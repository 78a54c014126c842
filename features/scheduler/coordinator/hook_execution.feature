@scheduler @coordinator @database
Feature: Hook execution (transition hooks of the schedule coordinator)
  The schedule coordinator runs a transition hook on a session just before a promotion moves it
  to a status that has one; a lifecycle handler's move runs none. The BEP covers the hook of the
  move to RUNNING (the resources in use are recorded), the hook of the move to TERMINATED (the
  resources are released) and a hook that fails (it is logged, and the move still completes).
  The scenarios check a hook by its effects: the resources in use on an agent, a batch job
  started, the routes of an inference endpoint, and whether the session moves.

  These scenarios run the real coordinator on the real scheduler repository and a PostgreSQL
  database with Backend.AI's schema.

  Background:
    Given the scaling group "default"
    And agent "a1" with 8 CPUs and 16 GiB

  @HE-001 @happy-path
  Scenario: A session moved to RUNNING has its kernels' resources recorded in use on their agent
    Given a CREATING session "s1" with kernel "k1" on agent "a1" requesting 2 CPUs and 4 GiB
    And kernel "k1" is already RUNNING
    When the promote-to-running promotion runs
    Then agent "a1" has 2 CPUs and 4 GiB in use
    And session "s1" is now RUNNING
    And a RUNNING scheduling event is broadcast for session "s1" with reason "triggered-by-scheduler"
    And no agent is asked to trigger batch execution
    And no routes are refreshed

  @HE-001 @happy-path
  Scenario: A batch session moved to RUNNING has its job started on the agent of its main kernel
    Given a CREATING batch session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" is already RUNNING
    When the promote-to-running promotion runs
    Then agent "a1" is asked to trigger batch execution of session "s1" in kernel "k1"
    And session "s1" is now RUNNING

  @HE-001 @happy-path
  Scenario: An inference session moved to RUNNING has the routes of its endpoint refreshed
    Given a CREATING inference session "s1" with kernel "k1" on agent "a1"
    And session "s1" serves endpoint "e1"
    And kernel "k1" is already RUNNING
    When the promote-to-running promotion runs
    Then the routes of endpoint "e1" are refreshed
    And the app proxy is told that the routes of endpoint "e1" changed
    And session "s1" is now RUNNING

  @HE-001 @happy-path @as-implemented
  Scenario: A session moved to RUNNING adds nothing in use on its agent
    The RUNNING hook records no resources. A kernel's resources are held on its agent from the
    time its session is scheduled, and put in use when the agent reports the kernel running.

    Given a CREATING session "s1" with kernel "k1" on agent "a1" requesting 2 CPUs and 4 GiB
    And kernel "k1" is already RUNNING
    When the promote-to-running promotion runs
    Then agent "a1" has nothing in use
    And session "s1" is now RUNNING
    And a RUNNING scheduling event is broadcast for session "s1" with reason "triggered-by-scheduler"
    And no agent is asked to trigger batch execution

  @HE-001 @happy-path @as-implemented
  Scenario: A kernel's resources are put in use on its agent when the agent reports it running
    Given a CREATING session "s1" with kernel "k1" on agent "a1" requesting 2 CPUs and 4 GiB
    When agent "a1" reports that kernel "k1" is running
    Then kernel "k1" is now RUNNING
    And agent "a1" has 2 CPUs and 4 GiB in use

  @HE-001 @happy-path @as-implemented
  Scenario Outline: An inference session moved to <to> leaves the routes of its endpoint alone
    No transition hook touches model-serving routes: the deployment side keeps them.

    Given a <from> inference session "s1" with kernel "k1" on agent "a1"
    And session "s1" serves endpoint "e1"
    And kernel "k1" is already <kernel>
    When the <promotion> promotion runs
    Then session "s1" is now <to>
    And no routes are refreshed
    And the app proxy is told nothing

    Examples:
      | from        | kernel     | promotion             | to         |
      | CREATING    | RUNNING    | promote-to-running    | RUNNING    |
      | TERMINATING | TERMINATED | promote-to-terminated | TERMINATED |

  @HE-001 @edge-case
  Scenario: An inference session serving no endpoint is moved to RUNNING without a route update
    Given a CREATING inference session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" is already RUNNING
    When the promote-to-running promotion runs
    Then session "s1" is now RUNNING
    And no routes are refreshed
    And the app proxy is told nothing

  @HE-002 @happy-path
  Scenario: A session moved to TERMINATED has its resources released
    Given a TERMINATING session "s1" with kernel "k1" on agent "a1" requesting 2 CPUs and 4 GiB
    And kernel "k1" is already TERMINATED
    And the resources of session "s1" are in use on its agents
    When the promote-to-terminated promotion runs
    Then session "s1" is now TERMINATED
    And a TERMINATED scheduling event is broadcast for session "s1" with reason "triggered-by-scheduler"
    And agent "a1" has nothing in use

  @HE-002 @happy-path @as-implemented
  Scenario: A session moved to TERMINATED keeps whatever resources it still holds
    Given a TERMINATING session "s1" with kernel "k1" on agent "a1" requesting 2 CPUs and 4 GiB
    And kernel "k1" is already TERMINATED
    And the resources of session "s1" are in use on its agents
    When the promote-to-terminated promotion runs
    Then session "s1" is now TERMINATED
    And a TERMINATED scheduling event is broadcast for session "s1" with reason "triggered-by-scheduler"
    And agent "a1" has 2 CPUs and 4 GiB in use

  @HE-002 @happy-path @as-implemented
  Scenario: A kernel's resources are released when its agent reports it terminated
    Given a TERMINATING session "s1" with kernel "k1" on agent "a1" requesting 2 CPUs and 4 GiB
    And the resources of session "s1" are in use on its agents
    When agent "a1" reports that kernel "k1" terminated
    Then kernel "k1" is now TERMINATED
    And agent "a1" has nothing in use
    And the next promote-to-terminated cycle is requested

  @HE-002 @happy-path @as-implemented
  Scenario: An inference session moved to TERMINATED has the routes of its endpoint cleaned up
    Given a TERMINATING inference session "s1" with kernel "k1" on agent "a1"
    And session "s1" serves endpoint "e1"
    And kernel "k1" is already TERMINATED
    When the promote-to-terminated promotion runs
    Then the routes of endpoint "e1" are refreshed
    And the app proxy is told that the routes of endpoint "e1" changed
    And session "s1" is now TERMINATED

  @HE-002 @edge-case @as-implemented
  Scenario: An inference session serving no endpoint is moved to TERMINATED without a route update
    Given a TERMINATING inference session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" is already TERMINATED
    When the promote-to-terminated promotion runs
    Then session "s1" is now TERMINATED
    And no routes are refreshed
    And the app proxy is told nothing

  @HE-003 @error-case
  Scenario: A hook that fails is logged and the transition still completes
    Given a CREATING batch session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" is already RUNNING
    And agent "a1" fails to trigger batch execution
    When the promote-to-running promotion runs
    Then the coordinator logs an error that the transition hook of session "s1" failed
    And session "s1" is now RUNNING

  @HE-003 @error-case @as-implemented
  Scenario: A batch session whose job cannot be started stays CREATING
    Given a CREATING batch session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" is already RUNNING
    And agent "a1" fails to trigger batch execution
    When the promote-to-running promotion runs
    Then agent "a1" is asked to trigger batch execution of session "s1", and the request fails
    And the coordinator logs an error that the transition hook of session "s1" failed
    And session "s1" is still CREATING
    And nothing is recorded in the scheduling history of session "s1"
    And no scheduling event is broadcast for session "s1"
    And the cached resource figures of the owner of session "s1" are refreshed

  @HE-003 @edge-case @as-implemented
  Scenario: Resources recorded before a hook failed stay in use, and a retry does not count them twice
    Given a CREATING batch session "s1" with kernel "k1" on agent "a1"
    And kernel "k1" is already RUNNING
    And agent "a1" fails to trigger batch execution
    When the promote-to-running promotion runs
    And the promote-to-running promotion runs
    Then the coordinator logs an error that the transition hook of session "s1" failed
    And session "s1" is still CREATING
    And agent "a1" has 1 CPU and 1 GiB in use

  @HE-003 @error-case @as-implemented
  Scenario Outline: An inference session is moved to <to> even when the route store of the app proxy cannot be written
    Given a <from> inference session "s1" with kernel "k1" on agent "a1"
    And session "s1" serves endpoint "e1"
    And kernel "k1" is already <kernel>
    And the route store of the app proxy cannot be written
    When the <promotion> promotion runs
    Then session "s1" is now <to>
    And a <to> scheduling event is broadcast for session "s1" with reason "triggered-by-scheduler"

    Examples:
      | from        | kernel     | promotion             | to         |
      | CREATING    | RUNNING    | promote-to-running    | RUNNING    |
      | TERMINATING | TERMINATED | promote-to-terminated | TERMINATED |

  @HE-003 @error-case @as-implemented
  Scenario: An inference session whose routes cannot be refreshed stays CREATING
    Given a CREATING inference session "s1" with kernel "k1" on agent "a1"
    And session "s1" serves endpoint "e1"
    And kernel "k1" is already RUNNING
    And the route store of the app proxy cannot be written
    When the promote-to-running promotion runs
    Then the coordinator logs an error that the transition hook of session "s1" failed
    And session "s1" is still CREATING
    And the app proxy is told nothing

  @HE-003 @error-case @as-implemented
  Scenario: An inference session whose routes cannot be cleaned up stays TERMINATING
    Given a TERMINATING inference session "s1" with kernel "k1" on agent "a1"
    And session "s1" serves endpoint "e1"
    And kernel "k1" is already TERMINATED
    And the route store of the app proxy cannot be written
    When the promote-to-terminated promotion runs
    Then the coordinator logs an error that the transition hook of session "s1" failed
    And session "s1" is still TERMINATING
    And nothing is recorded in the scheduling history of session "s1"
    And no scheduling event is broadcast for session "s1"
