"""Lifecycle invariants under random interleavings: a Hypothesis state machine over the end-to-end
world (support.e2e_world).

Each generated interleaving starts from an empty database with two agents. Its steps, in an order
Hypothesis chooses: users create sessions and terminate them; one scheduler cycle runs (any of a
tick's cycles); agents send some of the reports they owe; time passes, with heartbeats; an agent
disappears. After every step the invariants are checked against the database:

  declared     every status change the scheduling history records is one the phase that made it
               declares (a lifecycle handler's status transitions from its target statuses, a
               promotion spec's target statuses to its success status), or the user's termination
               request; a change with no record at all can only be a cancellation by the kernel
               events of a failed image pull
  kept         no session that was created is missing
  final        a session that reached TERMINATED or CANCELLED never leaves it
  occupancy    no agent's occupied slots go below zero or above its capacity

A broken invariant raises; Hypothesis shrinks the interleaving and the shortest one found is
reported as the sequence of steps that broke it. Runs are derandomized: the same interleavings
every time.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from ai.backend.common.types import ResourceSlot
from ai.backend.manager.data.session.types import SessionStatus
from ai.backend.manager.models.agent import agents as agents_table
from ai.backend.manager.models.resource_slot.row import AgentResourceRow
from ai.backend.manager.models.scheduling_history.row import SessionSchedulingHistoryRow
from ai.backend.manager.models.session import SessionRow
from hypothesis import HealthCheck, Phase, reporting, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from support.database.fixtures import ScenarioDatabase
from support.e2e_world import TERMINAL, TICK_CYCLES, EndToEndWorld
from support.factories import GiB

AGENTS = {"a1": ResourceSlot({"cpu": Decimal(4), "mem": Decimal(8 * GiB)}),
          "a2": ResourceSlot({"cpu": Decimal(4), "mem": Decimal(8 * GiB)})}
MAX_SESSIONS = 4
# The cycles that can change a session's or a kernel's status (fair-share observation cannot).
STATUS_CYCLES = tuple(t for t in TICK_CYCLES if t.value != "observe_fair_share")
# The cycles that move sessions along, in a tick's order (maintenance cycles run at random only).
SESSION_CYCLES = tuple(t for t in TICK_CYCLES if t.value not in (
    "sweep", "sweep_stale_kernels", "deprioritize", "observe_fair_share"))
USER_TERMINATION = "mark_terminating"  # the phase the SchedulingController records for a user's request
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
    transitions_seen: set[tuple[str, str, str]] = field(default_factory=set)


def declared_transitions(world: EndToEndWorld) -> dict[str, set[tuple[str, str]]]:
    """Phase name -> the (from, to) status changes that phase declares, read from the handlers and
    promotion specs the coordinator runs."""
    handlers = world.handlers
    declared: dict[str, set[tuple[str, str]]] = {}
    for handler in handlers.lifecycle_handlers.values():
        transitions = handler.status_transitions()
        targets = [t for t in (transitions.success, transitions.need_retry, transitions.expired, transitions.give_up) if t]
        declared[handler.name()] = {
            (source.name, target.session.name) for source in handler.target_statuses() for target in targets if target.session
        }
    for spec in handlers.promotion_specs.values():
        declared[spec.name] = {(source.name, spec.success_status.name) for source in spec.target_statuses}
    return declared


def run_interleavings(database: ScenarioDatabase, run: Callable[[Coroutine], Any], examples: int, steps: int) -> Outcome:
    """Run ``examples`` generated interleavings of at most ``steps`` steps each; ``run`` runs a
    coroutine on the scenario's event loop."""
    outcome = Outcome()

    class LifecycleMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            outcome.examples += 1
            self.world = run(_fresh_world(database))
            self.declared = declared_transitions(self.world)
            self.created: list[str] = []
            self.last_status: dict[str, str] = {}
            self.records_seen: dict[str, int] = {}
            self.vanished = False
            self.next_cycle = 0
            self.capacity: dict[tuple[str, str], Decimal] | None = None

        # -- steps -----------------------------------------------------------------------------

        @initialize(cpus=st.integers(1, 4))
        def a_first_session(self, cpus: int) -> None:
            """Every interleaving starts with a session created, so its steps have one to move."""
            self._create(cpus)

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

        @rule(cycle=st.sampled_from(STATUS_CYCLES))
        def run_cycle(self, cycle) -> None:
            run(self.world.run_one_cycle(cycle))

        @rule()
        def scheduler_advances(self) -> None:
            """What agents reported so far arrives; then the first cycle that has been requested
            runs (a short timer), or else the next of the cycles that move sessions, in the order a
            session meets them (the long timers going round)."""
            run(self.world.deliver_reports())
            run(self._advance())

        async def _advance(self) -> None:
            for cycle in SESSION_CYCLES:
                if await self.world.run_one_cycle(cycle, only_if_requested=True):
                    return
            cycle = SESSION_CYCLES[self.next_cycle % len(SESSION_CYCLES)]
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
                records = list(await conn.execute(
                    sa.select(history.c.session_id, history.c.phase, history.c.from_status, history.c.to_status)
                    .order_by(history.c.created_at, history.c.id)
                ))
                used = list(await conn.execute(sa.select(resources.c.agent_id, resources.c.slot_name, resources.c.used)))
                if self.capacity is None:  # the agents' rows do not change their capacity
                    self.capacity = {
                        (r.id, slot): Decimal(amount)
                        for r in await conn.execute(sa.select(agents_table.c.id, agents_table.c.available_slots))
                        for slot, amount in (r.available_slots or {}).items()
                    }
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
                new = by_session.get(session_id, [])[self.records_seen.get(name, 0):]
                for record in new:
                    source, target = _name(record.from_status), _name(record.to_status)
                    if target is None or source == target:
                        continue
                    outcome.transitions_seen.add((record.phase, source, target))
                    if record.phase == USER_TERMINATION:
                        continue
                    if (source, target) not in self.declared.get(record.phase, set()):
                        raise InvariantBroken("declared", f"{record.phase} moved session {name} {source} -> {target}, "
                                              f"which it does not declare")
                if before in {s.name for s in TERMINAL} and now != before:
                    raise InvariantBroken("final", f"session {name} left {before} for {now}")
                if now != before and not new and now != KERNEL_EVENT_CANCELLATION.name:
                    raise InvariantBroken("declared", f"session {name} went {before} -> {now} with nothing recorded")
                self.records_seen[name] = len(by_session.get(session_id, []))
                self.last_status[name] = now
            for row in used:
                amount, limit = Decimal(row.used or 0), capacity.get((row.agent_id, row.slot_name), Decimal(0))
                if amount < 0 or amount > limit:
                    raise InvariantBroken("occupancy", f"agent {row.agent_id} has {amount} {row.slot_name} in use of {limit}")

    report = io.StringIO()
    LifecycleMachine.TestCase.settings = settings(
        max_examples=examples, stateful_step_count=steps, derandomize=True, database=None, deadline=None,
        phases=(Phase.generate, Phase.shrink),
        print_blob=False, suppress_health_check=list(HealthCheck),
    )
    try:
        with reporting.with_reporter(lambda text: report.write(f"{text}\n")):
            run_state_machine_as_test(LifecycleMachine, settings=LifecycleMachine.TestCase.settings)
    except InvariantBroken as broken:
        outcome.broken = broken
        # Hypothesis attaches the shrunk sequence of steps to the exception as notes.
        report.write("\n".join(getattr(broken, "__notes__", ())))
    outcome.report = report.getvalue()
    return outcome


async def _fresh_world(database: ScenarioDatabase) -> EndToEndWorld:
    await database.empty()
    world = EndToEndWorld(database)
    await world.start()
    for name, capacity in AGENTS.items():
        world.add_agent(name, capacity)
    await world.flush()
    return world


def _name(value: Any) -> str | None:
    return None if value is None else getattr(value, "name", str(value))
