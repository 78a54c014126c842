@e2e @database
Feature: Lifecycle invariants hold whatever order things happen in
  End-to-end (BEP Phase 4). Instead of one story, many: Hypothesis generates interleavings of
  what users, the scheduler, agents and time do, each from an empty database with agents "a1" and
  "a2" (4 CPUs and 8 GiB each) and a first session created by a user, then at most 12 steps
  long. A step is one of:
  - a user creating a session, or terminating one;
  - one scheduler cycle, any of those the manager's timers run that can change a status;
  - the scheduler advancing: the agents' reports arrive, then the first cycle that has been
    requested runs, or else the next of the cycles that move sessions, in their order;
  - only the first report the agents owe arriving;
  - time passing (5 seconds, a minute or 11 minutes), with heartbeats;
  - agent "a2" disappearing.
  After every step the invariants below are checked against the database. The interleavings are
  derandomized: every run checks the same ones. When an invariant breaks, the failure shows the
  shortest sequence of steps found that breaks it.

  A status change is "declared" when the phase that recorded it declares it: a lifecycle handler's
  status transitions from its target statuses, or a promotion spec's target statuses to its
  success status. A user's termination request is the user's own doing; the cancellation of a
  session whose image could not be pulled is the one change the kernel events make without a
  record.

  @SS-001 @CP-001 @ST-001 @PP-001 @PR-001 @TS-001 @PT-001 @DT-001 @SK-002 @edge-case
  Scenario: Sessions only move as declared, are never lost, stay ended, and agents never overflow
    When 50 random interleavings of users, scheduler cycles, agent reports and passing time run
    Then every status change was one its phase declares
    And no session was lost
    And no session left TERMINATED or CANCELLED
    And no agent's occupied slots went below zero or above its capacity
    And at least 50 interleavings ran to their end
