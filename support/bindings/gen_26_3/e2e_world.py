"""End-to-end scenarios: the database tier's real coordinator, driven tick by tick, with a simulated
agent fleet answering it (support.bindings.gen_26_3.fleet).

The scheduler is driven by the manager's own timers: the coordinator's ``create_task_specs``
(for each cycle, a short timer every 2 s that runs it if it has been requested, and a long timer
that forces it every 60 s, the first time 30 s after start; fair-share observation every 5
minutes). A tick is ``TICK`` of production time:
  1. every reachable agent reports the presence of its running kernels (heartbeat);
  2. the reports agents sent since the last tick reach the coordinator's kernel-event handling;
  3. every timer that is due fires, in the coordinator's order: ``process_if_needed`` for a short
     timer, ``process_schedule`` for a long one;
  4. the clock moves on by ``TICK``.
When time jumps ("20 minutes pass"), every timer that came due fires once, as a timer that
missed its beats does.
Nothing here decides for the scheduler: sessions are created as the API creates them (a PENDING
row and a schedule request), terminated through the real ``SchedulingController``, and everything
in between is the coordinator's doing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from ai.backend.common.clients.valkey_client.valkey_schedule import ValkeyScheduleClient
from ai.backend.common.events.event_types.kernel.types import KernelLifecycleEventReason
from ai.backend.common.types import SessionId
from ai.backend.manager.data.agent.types import AgentStatus
from ai.backend.manager.data.session.types import SessionStatus
from ai.backend.manager.models.agent import agents as agents_table
from ai.backend.manager.repositories.fair_share import FairShareRepository
from ai.backend.manager.repositories.resource_usage_history import ResourceUsageHistoryRepository
from ai.backend.manager.sokovan.scheduler.fair_share import FairShareAggregator, FairShareFactorCalculator
from sqlalchemy.ext.asyncio import AsyncConnection

from support.bindings.common.fakes.valkey_store import InMemoryValkey
from support.bindings.common.moved import ScheduleType
from support.bindings.common.selections import handled
from support.bindings.gen_26_3.coordinator_world import CoordinatorWorld
from support.bindings.gen_26_3.database.fixtures import ScenarioDatabase
from support.bindings.gen_26_3.database.reads import DatabaseReader
from support.bindings.gen_26_3.fakes.waits import retry_waits_on
from support.bindings.gen_26_3.fleet import Report, SimulatedFleet
from support.engine import swallowed

TICK = timedelta(seconds=2)  # the short timers' interval
CREATION_GAP = timedelta(seconds=1)
# The cycles the manager's timers run, in the order a session meets them (26.3.3 has no timer
# for the deprioritize cycle).
TICK_CYCLES = (
    ScheduleType.SCHEDULE,
    ScheduleType.CHECK_PRECONDITION,
    ScheduleType.CHECK_PULLING_PROGRESS,
    ScheduleType.START,
    ScheduleType.CHECK_CREATING_PROGRESS,
    ScheduleType.TERMINATE,
    ScheduleType.DETECT_KERNEL_TERMINATION,
    ScheduleType.CHECK_TERMINATING_PROGRESS,
    ScheduleType.SWEEP,
    ScheduleType.SWEEP_STALE_KERNELS,
    ScheduleType.OBSERVE_FAIR_SHARE,
)
TERMINAL = frozenset({SessionStatus.TERMINATED, SessionStatus.CANCELLED})


class EndToEndWorld(CoordinatorWorld):
    # What the lifecycle invariants (support.bindings.gen_26_3.invariants) need to know of the
    # release, beside its code: the cycles the manager's timers run, the phases under which the
    # scheduling history records a user's termination request, and the columns of
    # ``agent_resources`` whose sum is what an agent's slots are occupied by.
    tick_cycles: tuple[ScheduleType, ...] = TICK_CYCLES
    user_request_phases: frozenset[str] = frozenset({"mark_terminating"})
    occupancy_columns: tuple[str, ...] = ("used",)
    valkey_store_class: type[InMemoryValkey] = InMemoryValkey  # what Backend.AI's Valkey client runs on
    fleet_class: type[SimulatedFleet] = SimulatedFleet  # the agents' side of the scenario

    def __init__(self, database: ScenarioDatabase) -> None:
        super().__init__(database)
        self.ticks = 0
        self.cycle_errors: list[tuple[ScheduleType, BaseException]] = []
        self.retry_waits: list[float] = []  # Backend.AI's retry policy waits on the scenario clock
        self.due: dict[str, Any] = {}  # when each of the manager's timers fires next

    async def start(self) -> None:
        """As the database tier, but Valkey is Backend.AI's own ValkeyScheduleClient on the in-memory
        store, whose ``TIME`` is the scenario clock: kernel presence goes stale as it does in
        production when an agent stops reporting."""
        await super().start()
        self.valkey_store = self.valkey_store_class(self.clock)
        # Backend.AI's client in the fake's place (CoordinatorWorld's methods that use the fake's own
        # API are not used on this tier), on the in-memory store in place of Glide's client.
        self.valkey = ValkeyScheduleClient(self.valkey_store)  # type: ignore[arg-type, assignment]
        self.fleet = self.fleet_class(self.agents, self.valkey)
        self.fleet.kernel_names = self.names.kernels
        # Fair-share observation runs for real too: Backend.AI's aggregator and calculator on its own
        # fair-share and usage-history repositories, on the scenario's database.
        self._unused.update(
            {
                **self._fair_share_repositories(self.database.engine),
                "fair-share aggregator": FairShareAggregator(),
                "fair-share calculator": FairShareFactorCalculator(),
            }
        )

    def _fair_share_repositories(self, engine: Any) -> dict[str, Any]:
        """Backend.AI's fair-share and resource-usage repositories on the scenario's database."""
        return {
            "fair-share repository": FairShareRepository(engine),
            "resource-usage repository": ResourceUsageHistoryRepository(engine),
        }

    # -- what users and operators do -----------------------------------------------------------

    async def create_session(self, name: str, **factory_args: Any) -> None:
        """A session as the API creates it: PENDING, and a scheduling cycle requested. Sessions are
        created one second apart, so the order they were created in is never a tie."""
        self.add_session(name, status=SessionStatus.PENDING, **factory_args)
        await self.valkey.mark_schedules_needed_batch([ScheduleType.SCHEDULE.value])
        self.clock.advance(CREATION_GAP)

    async def terminate_session(self, name: str) -> None:
        await self.flush()
        with self.clock.pinned():
            await self.scheduling_controller.mark_sessions_for_termination(
                [SessionId(self.names.session(name))], reason=KernelLifecycleEventReason.USER_REQUESTED
            )

    async def agent_disappears(self, agent: str) -> None:
        """The agent stops answering; the manager's agent monitor marks it LOST."""
        await self.flush()
        self.fleet.disappear(agent)
        await self.write(sa.update(agents_table).where(agents_table.c.id == agent).values(status=AgentStatus.LOST))

    # -- time passing ------------------------------------------------------------------------------

    def dealt_with(self, subject: Any, name: str) -> str:
        """End to end, the evidence is the scheduler's own timers: cycles ran since the scenario
        started, and their selections either took ``subject`` or did not select it."""
        from support.bindings.gen_26_3.outcomes import took

        if not self.cycles:  # no single cycle run by a step: the timers' cycles speak
            assert self.ticks, f"the scheduler never ran, so it is no evidence about {name}"
            return handled(
                f"{self.ticks} ticks of the scheduler",
                [took(r) for r in self.runs],
                self.repository.selections,
                subject,
                name,
            )
        return super().dealt_with(subject, name)

    async def tick(self) -> list[Report]:
        await self.flush()
        self.ticks += 1
        await self.fleet.heartbeat()
        delivered = await self.deliver_reports()
        await self._fire_due_timers()
        self.clock.advance(TICK)
        return delivered

    async def _fire_due_timers(self) -> None:
        if not self.due:
            started = self.clock.now
            self.due = {spec.name: started + timedelta(seconds=spec.initial_delay) for spec in self._timer_specs}
        for spec in self._timer_specs:
            if self.clock.now < self.due[spec.name]:
                continue
            self.due[spec.name] = self.clock.now + timedelta(seconds=spec.interval)
            schedule_type = ScheduleType(spec.event_factory().schedule_type)
            await self.run_one_cycle(schedule_type, only_if_requested="process_if_needed" in spec.name)

    @property
    def _timer_specs(self) -> list[Any]:
        if "timer_specs" not in self.__dict__:
            self.__dict__["timer_specs"] = self.coordinator.create_task_specs()
        return self.__dict__["timer_specs"]

    async def deliver_reports(self, limit: int | None = None) -> list[Report]:
        """The reports agents have sent reach the coordinator (at most ``limit`` of them)."""
        with self.clock.pinned(), retry_waits_on(self.clock, self.retry_waits):
            return await self.fleet.deliver(self.coordinator, limit=limit)

    async def run_one_cycle(self, schedule_type: ScheduleType, *, only_if_requested: bool = False) -> bool:
        """One cycle, forced or only if requested; whether it ran. An error ends it as it ends the
        timer's event handler, and is kept."""
        await self.flush()
        run = self.coordinator.process_if_needed if only_if_requested else self.coordinator.process_schedule
        with self.clock.pinned(), retry_waits_on(self.clock, self.retry_waits):
            try:
                return bool(await run(schedule_type))
            except Exception as error:  # noqa: BLE001 - kept: a Then step says whether any is expected
                self.cycle_errors.append((schedule_type, error))
                swallowed.keep(error, f"the {schedule_type.value} cycle")
                return False

    async def run_until(self, done: Any, limit: int, between: timedelta | None = None) -> int:
        """Tick until ``done()`` (a coroutine function) says so, at most ``limit`` ticks; with
        ``between``, that much time passes from one tick to the next instead of ``TICK``."""
        for count in range(1, limit + 1):
            if between is not None and count > 1:
                self.clock.advance(between - TICK)
            await self.tick()
            if await done():
                return count
        raise AssertionError(f"not done after {limit} ticks; {await self.describe()}")

    def controller_transitions(self) -> dict[str, set[tuple[str, str]]]:
        """Phase -> the (from, to) status changes a handler makes through the scheduling controller
        (besides the transitions handlers and promotion specs declare), which the scheduling history
        records under that phase: none on 26.3.3."""
        return {}

    async def agent_capacity(self, conn: AsyncConnection) -> dict[tuple[str, str], Decimal]:
        """(agent, slot) -> the capacity the agent offers of that slot (the lifecycle invariants'
        bound on occupancy): the agents' rows' ``available_slots``."""
        rows = await conn.execute(sa.select(agents_table.c.id, agents_table.c.available_slots))
        return {(r.id, slot): Decimal(amount) for r in rows for slot, amount in (r.available_slots or {}).items()}

    async def describe(self) -> str:
        """Where every session stands, for a failure message."""
        reader = DatabaseReader(self.database.engine)
        parts = []
        for name in self.names.sessions:
            row = await reader.session(self.names.session(name))
            parts.append(f"{name} {row['status'].name} ({row['status_info'] or '-'})")
        return "sessions: " + ", ".join(parts)

    async def request_cycle(self, name: str) -> None:
        await self.valkey.mark_schedules_needed_batch([self.schedule_type_of(name).value])

    def refused_calls(self) -> list[str]:
        doubles = (
            self.agents,
            self.valkey_store,
            self.valkey_stat,
            self.events,
            self.deployments,
            self.config.legacy_etcd_config_loader,
            *self._unused.values(),
        )
        return [call for double in doubles if hasattr(double, "refused_calls") for call in double.refused_calls()]

    def __repr__(self) -> str:
        return f"EndToEndWorld({self.database.name}, tick {self.ticks})"
