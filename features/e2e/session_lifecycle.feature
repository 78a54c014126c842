@e2e @database
Feature: A session's whole life, through the real coordinator and a simulated agent fleet
  End-to-end (BEP Phase 4). The real ScheduleCoordinator runs every scheduler cycle on the real
  repository and PostgreSQL, tick by tick; a simulated agent fleet answers its requests and reports
  back what real agents report (image pulled, kernel created, kernel running, kernel terminated),
  through the coordinator's own kernel-event handling. Users create sessions as the API does and
  terminate them through the scheduling controller. Nothing else moves a session.

  The status history a Then step reads is the session's scheduling history in the database: the
  status it started in, then every status a recorded transition moved it to.

  Background:
    Given agent "a1" with 8 CPUs and 16 GiB

  @SS-001 @CP-001 @ST-001 @PP-001 @PR-001 @TS-001 @PT-001 @happy-path
  Scenario: An interactive session travels from PENDING to TERMINATED and gives its resources back
    Given a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is RUNNING
    And the user terminates session "s1"
    And the scheduler runs until session "s1" is TERMINATED
    Then session "s1" went through PENDING, SCHEDULED, PREPARING, PREPARED, CREATING, RUNNING, TERMINATING and TERMINATED
    And scheduling events are broadcast for session "s1" in this order: SCHEDULED, PREPARING, PREPARED, CREATING, RUNNING, TERMINATING and TERMINATED
    And agent "a1" has nothing in use
    And no scheduler cycle ended with an error

  @PR-001 @happy-path
  Scenario: A running session holds what it asked for on its agent
    Given a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is RUNNING
    Then agent "a1" has 2 CPUs and 4 GiB in use
    And kernel "s1/0" runs in the container its agent reported

  @PP-001 @PP-002 @happy-path
  Scenario: A session whose image its agent lacks waits for the pull, then runs
    Given agent "a1" does not have image "cr.backend.ai/stable/python:3.13-ubuntu24.04"
    And a user creates session "s1" requesting 2 CPUs and 4 GiB
    When the scheduler runs until session "s1" is RUNNING
    Then session "s1" went through PENDING, SCHEDULED, PREPARING, PREPARED, CREATING and RUNNING
    And agent "a1" was asked to check and pull images once
