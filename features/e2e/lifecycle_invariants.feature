@e2e @database
Feature: Lifecycle invariants hold whatever order things happen in
  End-to-end (BEP Phase 4). Instead of one story, many: Hypothesis generates interleavings of
  what users, the scheduler, agents and time do, each from an empty database with agents "a1" and
  "a2" (4 CPUs and 8 GiB each) and a first session created by a user, then at most 12 steps
  long. In some interleavings the scheduler has already brought that first session to RUNNING,
  in some its user has then asked to terminate it, and in some that termination is complete: the
  later half of the lifecycle is then within a dozen steps' reach. The scheduler gets there by
  advancing as in the step below, and every state on the way is checked as after a step.
  A step is one of:
  - a user creating a session, or terminating one;
  - one scheduler cycle, any of those the manager's timers run that can change a status;
  - the scheduler advancing: the agents' reports arrive (all of them, only the first, or none
    yet), then the first cycle that has been requested runs, or else the next of the cycles that
    move sessions, in their order;
  - only the first report the agents owe arriving;
  - time passing (5 seconds, a minute or 11 minutes), with heartbeats;
  - agent "a2" disappearing.
  The scheduler advancing counts as three kinds of step, one for each way the reports may stand,
  so that the scheduler moves more often than users and agents act. After every step the
  invariants below are checked against the database. The interleavings are seeded: every run
  checks the same ones. When an invariant breaks, the failure shows the shortest sequence of steps
  found that breaks it.

  Interleavings in which nothing moves cannot break an invariant, so the scenario also states how
  far the interleavings got: how many brought a session to RUNNING, and how many completed a
  termination, through status changes the invariants checked. The figures (where each
  interleaving's first session started, how many interleavings brought a session to each status,
  and how many status changes were checked, by transition) are printed, attached to the report,
  and quoted when a threshold is not met.

  A status change is "declared" when the phase that recorded it declares it: a lifecycle handler's
  status transitions from its target statuses, or a promotion spec's target statuses to its
  success status. A user's termination request is the user's own doing; the cancellation of a
  session whose image could not be pulled is the one change the kernel events make without a
  record.

  @SS-001 @CP-001 @ST-001 @PP-001 @PR-001 @TS-001 @PT-001 @DT-001 @SK-002 @edge-case
  Scenario: Sessions only move as declared, are never lost, stay ended, and agents never overflow
    When 20 random interleavings of users, scheduler cycles, agent reports and passing time run
    Then every status change was one its phase declares
    And no session was lost
    And no session left TERMINATED or CANCELLED
    And no agent's occupied slots went below zero or above its capacity
    And at least 20 interleavings ran to their end
    And at least 10 of them brought a session to RUNNING
    And at least 3 of them brought a session to TERMINATED
