"""Lifecycle invariants under random interleavings: a Hypothesis state machine over the end-to-end
world (support.bindings.gen_26_3.e2e_world).

Each generated interleaving starts from an empty database with two agents and a first session a
user created, which the scheduler may already have brought as far as RUNNING, TERMINATING (its
user asked to terminate it once it ran) or TERMINATED: the scheduler gets there as in its
advancing step, and every state on the way is checked as after a step. Then its steps, in an order
Hypothesis chooses: users create sessions and terminate them; one scheduler cycle runs (any of a
tick's cycles); the scheduler advances once all, only the first or none of the reports agents owe
have arrived (three steps, so that the scheduler moves more often than users and agents act);
agents send the first report they owe; time passes, with heartbeats; an agent disappears. After
every step the invariants are checked against the database:

  declared     every status change the scheduling history records is one the phase that made it
               declares (a lifecycle handler's status transitions from its target statuses, a
               promotion spec's target statuses to its success status), or the user's termination
               request; a change with no record at all can only be a cancellation by the kernel
               events of a failed image pull
  kept         no session that was created is missing
  final        a session that reached TERMINATED or CANCELLED never leaves it
  occupancy    no agent's occupied slots go below zero or above its capacity (occupied: what
               the world's ``occupancy_columns`` of ``agent_resources`` hold together)

What differs between releases (the cycles the timers run, the phases a user's termination request
is recorded under, what occupies an agent's slots) is read from the release's end-to-end world.

A broken invariant raises; Hypothesis shrinks the interleaving and the shortest one found is
reported as the sequence of steps that broke it. Runs are seeded: the same interleavings every
time, and the same after an edit to the machine's prose (``derandomize`` would seed Hypothesis with
a digest of the machine's source, so that editing a docstring would draw other interleavings).

Invariants that hold because nothing moved prove nothing, so the run also counts how far the
interleavings got (``Outcome``): how many brought a session to each status through a status change
the invariants checked, and how many status changes were checked, by transition.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from ai.backend.common.types import ResourceSlot
from ai.backend.manager.data.session.types import SessionStatus
from ai.backend.manager.models.resource_slot.row import AgentResourceRow
from ai.backend.manager.models.scheduling_history.row import SessionSchedulingHistoryRow
from ai.backend.manager.models.session import SessionRow
from hypothesis import HealthCheck, Phase, reporting, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from support.bindings.common.moved import ScheduleType
from support.bindings.gen_26_3.database.fixtures import ScenarioDatabase
from support.bindings.gen_26_3.e2e_world import TERMINAL, EndToEndWorld
from support.bindings.gen_26_3.factories import GiB

AGENTS = {
    "a1": ResourceSlot({"cpu": Decimal(4), "mem": Decimal(8 * GiB)}),
    "a2": ResourceSlot({"cpu": Decimal(4), "mem": Decimal(8 * GiB)}),
}
MAX_SESSIONS = 4
# Of the cycles the manager's timers run (the world's ``tick_cycles``), those that cannot change a
# session's or a kernel's status, and the maintenance cycles, which run at random only.
NO_STATUS_CHANGE = ("observe_fair_share",)
MAINTENANCE = ("sweep", "sweep_stale_kernels", "deprioritize", "cleanup_force_terminated", *NO_STATUS_CHANGE)


def status_cycles(tick_cycles: tuple[ScheduleType, ...]) -> tuple[ScheduleType, ...]:
    """The cycles that can change a session's or a kernel's status."""
    return tuple(t for t in tick_cycles if t.value not in NO_STATUS_CHANGE)


def session_cycles(tick_cycles: tuple[ScheduleType, ...]) -> tuple[ScheduleType, ...]:
    """The cycles that move sessions along, in a tick's order."""
    return tuple(t for t in tick_cycles if t.value not in MAINTENANCE)


# Where an interleaving starts: how far the scheduler has brought its first session (RUNNING takes
# five advances; TERMINATED, after its user's request, three more).
STARTS = (SessionStatus.PENDING, SessionStatus.RUNNING, SessionStatus.TERMINATING, SessionStatus.TERMINATED)
HEAD_START_LIMIT = 8  # scheduler advances allowed for each stretch of that way
SEED = 1033  # the interleavings' seed, chosen before any was measured (see run_interleavings)
KERNEL_EVENT_CANCELLATION = SessionStatus.CANCELLED  # the only change made without a history record


class InvariantBroken(AssertionError):
    def __init__(self, invariant: str, detail: str) -> None:
        super().__init__(f"invariant '{invariant}' broken: {detail}")
        self.invariant = invariant


@dataclass
class Outcome:
    examples: int = 0
    steps: int = 0
    broken: InvariantBroken | None = None
    report: str = ""  # Hypothesis's account of the shortest failing interleaving
    transitions_seen: set[tuple[str, str | None, str]] = field(default_factory=set)
    # How far the interleavings got. status -> how many interleavings brought a session to it through
    # a status change the invariants checked (a session's first status is not counted):
    reached: Counter[str] = field(default_factory=Counter)
    # (from, to) -> how many status changes the invariants checked, over all interleavings:
    transitions: Counter[tuple[str | None, str]] = field(default_factory=Counter)
    starts: Counter[str] = field(default_factory=Counter)  # where the interleavings started (STARTS)
    figures_reported: bool = False  # whether a Then step printed and attached the figures

    def figures(self) -> str:
        """How far the interleavings got, in a few lines."""
        reach = ", ".join(f"{status} in {count}" for status, count in sorted(self.reached.items(), key=_by_status))
        starts = ", ".join(f"{self.starts[start.name]} at {start.name}" for start in STARTS)
        lines = [
            f"{self.examples} interleavings (their first session starting {starts}), {self.steps} states checked",
            f"interleavings that brought a session to a status: {reach or 'none'}",
            f"status changes checked: {sum(self.transitions.values())}",
            *(
                f"  {source} -> {target}: {count}"
                for (source, target), count in sorted(self.transitions.items(), key=lambda item: _by_status(item[0]))
            ),
        ]
        return "\n".join(lines)


def declared_transitions(world: EndToEndWorld) -> dict[str, set[tuple[str, str]]]:
    """Phase name -> the (from, to) status changes that phase declares, read from the handlers and
    promotion specs the coordinator runs, and the changes handlers make through the scheduling
    controller (the world's ``controller_transitions``)."""
    handlers = world.handlers
    declared: dict[str, set[tuple[str, str]]] = {}
    for handler in handlers.lifecycle_handlers.values():
        transitions = handler.status_transitions()
        targets = [
            t for t in (transitions.success, transitions.need_retry, transitions.expired, transitions.give_up) if t
        ]
        declared[handler.name()] = {
            (source.name, target.session.name)
            for source in handler.target_statuses()
            for target in targets
            if target.session
        }
    for spec in handlers.promotion_specs.values():
        declared[spec.name] = {(source.name, spec.success_status.name) for source in spec.target_statuses}
    for phase, changes in world.controller_transitions().items():
        declared[phase] = declared.get(phase, set()) | changes
    return declared


def run_interleavings(
    database: ScenarioDatabase,
    run: Callable[[Coroutine], Any],
    examples: int,
    steps: int,
    *,
    world_class: type[EndToEndWorld] = EndToEndWorld,
) -> Outcome:
    """Run ``examples`` generated interleavings of at most ``steps`` steps each; ``run`` runs a
    coroutine on the scenario's event loop. ``world_class`` is the release's end-to-end world: it
    says which cycles the manager's timers run, under which phases a user's termination request is
    recorded, and what an agent's slots are occupied by."""
    outcome = Outcome()
    status_cycles_, session_cycles_ = status_cycles(world_class.tick_cycles), session_cycles(world_class.tick_cycles)
    user_request_phases = world_class.user_request_phases
    occupancy_columns = world_class.occupancy_columns

    class LifecycleMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            outcome.examples += 1
            self.world = run(_fresh_world(database, world_class))
            self.declared = declared_transitions(self.world)
            self.created: list[str] = []
            self.last_status: dict[str, str] = {}
            self.records_seen: dict[str, int] = {}
            self.vanished = False
            self.next_cycle = 0
            self.capacity: dict[tuple[str, str], Decimal] | None = None
            self.reached: set[str] = set()  # the statuses a session of this interleaving was brought to

        def teardown(self) -> None:
            outcome.reached.update(self.reached)

        # -- steps -----------------------------------------------------------------------------

        @initialize(cpus=st.integers(1, 4), start=st.sampled_from(STARTS))
        def a_first_session(self, cpus: int, start: SessionStatus) -> None:
            """Every interleaving starts with a session a user created, so its steps have one to
            move. The scheduler may already have brought it to RUNNING, its user may then have
            asked to terminate it, and the scheduler may have completed that termination: the
            lifecycle's later half is then within a dozen steps' reach, and an ended session is
            there for the steps to leave alone. The scheduler gets there as in its advancing step
            and every state on the way is checked as after a step; a scheduler that does not get
            there is not helped: the interleaving goes on from where it is."""
            outcome.starts[start.name] += 1
            self._create(cpus)
            if start == SessionStatus.PENDING or not self._advance_until(SessionStatus.RUNNING):
                return
            if start == SessionStatus.RUNNING:
                return
            run(self.world.terminate_session("s1"))
            if start == SessionStatus.TERMINATED:
                self.lifecycle_holds()
                self._advance_until(SessionStatus.TERMINATED)

        def _advance_until(self, status: SessionStatus) -> bool:
            for _ in range(HEAD_START_LIMIT):
                self._scheduler_advances(reports=None)
                self.lifecycle_holds()
                if self.last_status["s1"] == status.name:
                    return True
            return False

        @precondition(lambda self: len(self.created) < MAX_SESSIONS)
        @rule(cpus=st.integers(1, 4))
        def create_session(self, cpus: int) -> None:
            self._create(cpus)

        def _create(self, cpus: int) -> None:
            name = f"s{len(self.created) + 1}"
            run(self.world.create_session(name, requested=ResourceSlot({"cpu": Decimal(cpus), "mem": Decimal(GiB)})))
            self.created.append(name)

        @precondition(lambda self: self.created)
        @rule(data=st.data())
        def terminate_session(self, data: st.DataObject) -> None:
            run(self.world.terminate_session(data.draw(st.sampled_from(self.created), label="session")))

        @rule(cycle=st.sampled_from(status_cycles_))
        def run_cycle(self, cycle) -> None:
            run(self.world.run_one_cycle(cycle))

        # The scheduler advancing, as three steps that differ in how many of the reports agents owe
        # have arrived: which reports the scheduler has seen is part of the interleaving, and three
        # steps make the scheduler move more often than users and agents act.

        @rule()
        def scheduler_advances(self) -> None:
            """What agents reported so far arrives; then the first cycle that has been requested
            runs (a short timer), or else the next of the cycles that move sessions, in the order a
            session meets them (the long timers going round)."""
            self._scheduler_advances(reports=None)

        @rule()
        def scheduler_advances_after_one_report(self) -> None:
            """Only the first report agents owe arrives; then the scheduler advances."""
            self._scheduler_advances(reports=1)

        @rule()
        def scheduler_advances_before_the_reports(self) -> None:
            """The scheduler advances while the reports agents owe are still on their way."""
            self._scheduler_advances(reports=0)

        def _scheduler_advances(self, reports: int | None) -> None:
            if reports != 0:
                run(self.world.deliver_reports(reports))
            run(self._advance())

        async def _advance(self) -> None:
            for cycle in session_cycles_:
                if await self.world.run_one_cycle(cycle, only_if_requested=True):
                    return
            cycle = session_cycles_[self.next_cycle % len(session_cycles_)]
            self.next_cycle += 1
            await self.world.run_one_cycle(cycle)

        @rule()
        def an_agent_report_arrives(self) -> None:
            """Only the first report agents owe arrives (the rest are still on their way)."""
            run(self.world.deliver_reports(1))

        @rule(seconds=st.sampled_from([5, 60, 660]))
        def time_passes(self, seconds: int) -> None:
            self.world.clock.advance(timedelta(seconds=seconds))
            run(self.world.fleet.heartbeat())

        @precondition(lambda self: not self.vanished)
        @rule()
        def agent_a2_disappears(self) -> None:
            self.vanished = True
            run(self.world.agent_disappears("a2"))

        # -- invariants --------------------------------------------------------------------------

        @invariant()
        def lifecycle_holds(self) -> None:
            outcome.steps += 1
            run(self._check())

        async def _check(self) -> None:
            world = self.world
            await world.flush()
            engine = world.database.engine
            sessions, history = SessionRow.__table__, SessionSchedulingHistoryRow.__table__
            resources = AgentResourceRow.__table__
            async with engine.connect() as conn:
                rows = {r.id: r.status for r in await conn.execute(sa.select(sessions.c.id, sessions.c.status))}
                records = list(
                    await conn.execute(
                        sa.select(
                            history.c.session_id, history.c.phase, history.c.from_status, history.c.to_status
                        ).order_by(history.c.created_at, history.c.id)
                    )
                )
                occupied = list(
                    await conn.execute(
                        sa.select(
                            resources.c.agent_id,
                            resources.c.slot_name,
                            *(resources.c[column] for column in occupancy_columns),
                        )
                    )
                )
                if self.capacity is None:  # the agents' rows do not change their capacity
                    self.capacity = await world.agent_capacity(conn)
            capacity = self.capacity
            by_session: dict[Any, list[Any]] = {}
            for record in records:
                by_session.setdefault(record.session_id, []).append(record)
            for name in self.created:
                session_id = world.names.session(name)
                if session_id not in rows:
                    raise InvariantBroken("kept", f"session {name} is no longer in the database")
                now = rows[session_id].name
                before = self.last_status.get(name, SessionStatus.PENDING.name)
                new = by_session.get(session_id, [])[self.records_seen.get(name, 0) :]
                for record in new:
                    source, target = _name(record.from_status), _name(record.to_status)
                    if target is None or source == target:
                        continue
                    outcome.transitions_seen.add((record.phase, source, target))
                    outcome.transitions[(source, target)] += 1
                    self.reached.add(target)
                    if record.phase in user_request_phases:
                        continue
                    if (source, target) not in self.declared.get(record.phase, set()):
                        raise InvariantBroken(
                            "declared",
                            f"{record.phase} moved session {name} {source} -> {target}, which it does not declare",
                        )
                if before in {s.name for s in TERMINAL} and now != before:
                    raise InvariantBroken("final", f"session {name} left {before} for {now}")
                if now != before and not new:
                    outcome.transitions[(before, now)] += 1
                    self.reached.add(now)
                    if now != KERNEL_EVENT_CANCELLATION.name:
                        raise InvariantBroken(
                            "declared", f"session {name} went {before} -> {now} with nothing recorded"
                        )
                self.records_seen[name] = len(by_session.get(session_id, []))
                self.last_status[name] = now
            for row in occupied:
                parts = {column: Decimal(getattr(row, column) or 0) for column in occupancy_columns}
                amount, limit = sum(parts.values(), Decimal(0)), capacity.get((row.agent_id, row.slot_name), Decimal(0))
                if amount > limit or any(part < 0 for part in parts.values()):
                    held = " + ".join(f"{part} {column}" for column, part in parts.items())
                    raise InvariantBroken(
                        "occupancy", f"agent {row.agent_id} has {held} {row.slot_name} occupied of {limit}"
                    )

    seed(SEED)(LifecycleMachine)  # rather than derandomize (see the module's description)
    report = io.StringIO()
    LifecycleMachine.TestCase.settings = settings(
        max_examples=examples,
        stateful_step_count=steps,
        database=None,
        deadline=None,
        phases=(Phase.generate, Phase.shrink),
        print_blob=False,
        suppress_health_check=list(HealthCheck),
    )
    try:
        with reporting.with_reporter(lambda text: print(text, file=report)):
            run_state_machine_as_test(LifecycleMachine, settings=LifecycleMachine.TestCase.settings)
    except InvariantBroken as broken:
        outcome.broken = broken
        # Hypothesis attaches the shrunk sequence of steps to the exception as notes.
        report.write("\n".join(getattr(broken, "__notes__", ())))
    outcome.report = report.getvalue()
    return outcome


async def _fresh_world(database: ScenarioDatabase, world_class: type[EndToEndWorld]) -> EndToEndWorld:
    await database.empty()
    world = world_class(database)
    await world.start()
    for name, capacity in AGENTS.items():
        world.add_agent(name, capacity)
    await world.flush()
    return world


def _by_status(key: Any) -> Any:
    """Order statuses (or pairs of them) as the lifecycle meets them."""
    order = list(SessionStatus.__members__)
    statuses = (key,) if isinstance(key, str) else key
    return tuple(order.index(s) if s in order else len(order) for s in statuses)


def _name(value: Any) -> str | None:
    return None if value is None else getattr(value, "name", str(value))
