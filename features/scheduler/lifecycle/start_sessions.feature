@scheduler @lifecycle
Feature: Start prepared sessions (StartSessionsLifecycleHandler)
  The BEP has this handler start SCHEDULED sessions (SCHEDULED to PREPARING), react to the image
  cache (PULLING when the agent lacks the image, PREPARED when it has it) and have the agents
  create the kernels. Starting a session takes several steps: its agents check for the images
  and pull what is missing, the session becomes PREPARED once its kernels are prepared, and only
  then are its kernels created, moving it to CREATING. The scenarios below name the component
  they drive; the promotion to PREPARED is specified with the promotion handlers (BEP section
  2.1).

  Background:
    Given the scaling group "default"
    And agent "a1" with 8 CPUs and 16 GiB

  @ST-001 @happy-path
  Scenario: A scheduled session is started and its kernels are prepared
    Given a SCHEDULED session "s1" on agent "a1"
    When the start-sessions handler runs
    Then session "s1" is reported as a success
    And agent "a1" is asked to create 1 kernel of session "s1"

  @ST-001 @happy-path @as-implemented
  Scenario: A prepared session is started: its kernels are created and it moves to CREATING
    Given a PREPARED session "s1" on agent "a1"
    When the start-sessions handler runs
    Then session "s1" is reported as a success with reason "triggered-by-scheduler"
    And session "s1" moves to CREATING
    And agent "a1" is asked to create 1 kernel of session "s1"

  @ST-002 @error-case
  Scenario: A session whose agent cannot be reached fails to start
    Given a PREPARED session "s1" on agent "a1"
    And agent "a1" cannot be reached
    When the start-sessions handler runs
    Then session "s1" is reported as a failure

  @ST-002 @error-case @as-implemented
  Scenario: A session whose agent cannot be reached is still reported as started, and the agent is remembered as failed
    Given a PREPARED session "s1" on agent "a1"
    And agent "a1" cannot be reached
    When the start-sessions handler runs
    Then session "s1" is reported as a success with reason "triggered-by-scheduler"
    And session "s1" moves to CREATING
    And agent "a1" is remembered as having failed session "s1"
    And no error is recorded for session "s1"

  @ST-003 @happy-path
  Scenario: A session whose agent lacks the image moves to PULLING
    The manager does not know which images an agent has: check-precondition asks the agent to
    check and pull, and this scenario drives it.

    Given a SCHEDULED session "s1" on agent "a1"
    And agent "a1" does not have image "cr.backend.ai/stable/python:3.13-ubuntu24.04"
    When the check-precondition handler runs
    Then session "s1" moves to PULLING

  @ST-003 @happy-path @as-implemented
  Scenario: A session whose agent lacks the image has it pulled and moves to PREPARING
    Given a SCHEDULED session "s1" on agent "a1"
    And agent "a1" does not have image "cr.backend.ai/stable/python:3.13-ubuntu24.04"
    When the check-precondition handler runs
    Then agent "a1" is asked to check and pull image "cr.backend.ai/stable/python:3.13-ubuntu24.04"
    And agent "a1" starts pulling image "cr.backend.ai/stable/python:3.13-ubuntu24.04"
    And session "s1" moves to PREPARING

  @ST-004 @happy-path
  Scenario: A session whose agent has the image cached goes from PREPARING to PREPARED
    Given a SCHEDULED session "s1" on agent "a1"
    And agent "a1" has image "cr.backend.ai/stable/python:3.13-ubuntu24.04"
    When the check-precondition handler runs
    Then session "s1" moves to PREPARED

  @ST-004 @happy-path @as-implemented
  Scenario: A session whose agent has the image cached moves to PREPARING and nothing is pulled
    Given a SCHEDULED session "s1" on agent "a1"
    And agent "a1" has image "cr.backend.ai/stable/python:3.13-ubuntu24.04"
    When the check-precondition handler runs
    Then agent "a1" is asked to check and pull image "cr.backend.ai/stable/python:3.13-ubuntu24.04"
    And agent "a1" pulls no image
    And session "s1" moves to PREPARING

  @ST-005 @happy-path
  Scenario: Every kernel of a single-node cluster session is created on its agent, on a local network
    Given a PREPARED single-node session "s1" of 2 kernels on agent "a1"
    When the start-sessions handler runs
    Then session "s1" is reported as a success
    And agent "a1" is asked to create 2 kernels of session "s1"
    And a local network for session "s1" is created on agent "a1"

  @ST-005 @happy-path
  Scenario: Every kernel of a multi-node cluster session is created on its own agent, on an overlay network
    Given agent "a2" with 8 CPUs and 16 GiB
    And a PREPARED multi-node session "s1" with kernels on agents "a1" and "a2"
    When the start-sessions handler runs
    Then session "s1" is reported as a success
    And agent "a1" is asked to create 1 kernel of session "s1"
    And agent "a2" is asked to create 1 kernel of session "s1"
    And an inter-container network is created for session "s1"

  @ST-006 @error-case
  Scenario: When only some kernels fail to start, the whole session fails
    Given agent "a2" with 8 CPUs and 16 GiB
    And a PREPARED multi-node session "s1" with kernels on agents "a1" and "a2"
    And agent "a2" fails to create kernels
    When the start-sessions handler runs
    Then session "s1" is reported as a failure

  @ST-006 @error-case @as-implemented
  Scenario: When only some kernels fail to start, the others are created and the session is reported as started
    Given agent "a2" with 8 CPUs and 16 GiB
    And a PREPARED multi-node session "s1" with kernels on agents "a1" and "a2"
    And agent "a2" fails to create kernels
    When the start-sessions handler runs
    Then agent "a1" is asked to create 1 kernel of session "s1"
    And session "s1" is reported as a success with reason "triggered-by-scheduler"
    And agent "a2" is remembered as having failed session "s1"
    And no error is recorded for session "s1"

  @ST-001 @happy-path @as-implemented @database
  Scenario: In the database, a prepared session's kernel is created on the agent recorded for it, and the session is CREATING
    Given agent "a2" with 8 CPUs and 16 GiB
    And a PREPARED session "s1" on agent "a2"
    When a start-sessions cycle runs
    Then agent "a2" is asked to create 1 kernel of session "s1"
    And session "s1" is now CREATING
    And the scheduling history of session "s1" ends with "start-sessions" SUCCESS from PREPARED to CREATING
    And a CREATING scheduling event is broadcast for session "s1" with reason "triggered-by-scheduler"
    And no further cycle is requested
