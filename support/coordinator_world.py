"""One scenario's scheduler on the database tier: the real ``ScheduleCoordinator`` on the real
``SchedulerRepository`` and a fresh PostgreSQL database with Backend.AI's schema.

Built from Backend.AI's own wiring: ``create_default_scheduler_components`` (which also builds the
real ``HookRegistry`` with its RUNNING and TERMINATED hooks), ``create_coordinator_handlers`` (the
lifecycle handlers, the four promotion specs, the kernel handlers and observers the coordinator runs
in production) and the real ``SchedulingController``, whose schedule marks land in the Valkey
double. The coordinator creates its own ``KernelStateEngine`` and post-processors.

Doubles only where a process boundary is crossed: agent RPC, Valkey (schedule marks, statistics
cache), the event producer, the model-serving route store, and the clock. The lock factory is the
production ``pg_advisory`` one (support.database.locks), watched.

The clock: the scenario's "now" starts at the database server's own ``now()`` when the scenario
begins, so rows the SQL stamps and rows the scenario arranges share one time line; the
repository's ``get_db_now`` (the only time the coordinator reads) returns the scenario clock, so a
scenario can age a session or move time forward exactly.

Arranging is lazy, as in the in-memory tier: Given steps describe agents and sessions, and the rows
are written (through support.factories.rows) just before the first thing runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from ai.backend.common.types import AgentId, ResourceSlot
from ai.backend.manager.data.agent.types import AgentStatus
from ai.backend.manager.data.kernel.types import KernelInfo, KernelStatus
from ai.backend.manager.data.session.types import SessionStatus
from ai.backend.manager.models.agent import agents as agents_table
from ai.backend.manager.repositories.scheduler.repository import SchedulerRepository
from ai.backend.manager.scheduler.types import ScheduleType
from ai.backend.manager.sokovan.data import PromotionSpec, SessionWithKernels
from ai.backend.manager.sokovan.scheduler.coordinator import ScheduleCoordinator
from ai.backend.manager.sokovan.scheduler.factory import (
    CoordinatorHandlers,
    CoordinatorHandlersArgs,
    create_coordinator_handlers,
    create_default_scheduler_components,
)
from ai.backend.manager.sokovan.scheduler.handlers import SessionLifecycleHandler
from ai.backend.manager.sokovan.scheduler.scheduler import SchedulerComponents
from ai.backend.manager.sokovan.scheduling_controller.scheduling_controller import (
    SchedulingController,
    SchedulingControllerArgs,
)

from support.database.fixtures import ScenarioDatabase
from support.database.locks import WatchedAdvisoryLocks
from support.factories import DEFAULT_IMAGE, DEFAULT_SCALING_GROUP, SessionWithKernelsFactory, stable_id
from support.factories.rows import AgentRowFactory, Row, agent_rows, owner_rows, session_rows
from support.fakes import (
    FakeAgentPool,
    FakeClock,
    FakeNetworkPlugins,
    FakeValkeySchedule,
    RecordingEventProducer,
    StaticConfigProvider,
    Unused,
)
from support.fakes.deployments import FakeDeploymentRepository
from support.fakes.valkey_stat import FakeValkeyStat
from support.scheduler_world import Names


class SchedulerRepositoryOnScenarioClock(SchedulerRepository):
    """The real repository; only the database clock it reports is the scenario's."""

    def __init__(self, *args: Any, clock: FakeClock, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scenario_clock = clock

    async def get_db_now(self) -> datetime:
        return self._scenario_clock.now


@dataclass
class Cycle:
    """One coordinator cycle a scenario ran: what it was, and how it ended."""

    schedule_type: ScheduleType
    performed: bool | None = None
    error: BaseException | None = None


@dataclass
class _SessionSpec:
    factory_args: dict[str, Any]
    kernel_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    written: bool = False


class CoordinatorWorld:
    scaling_group = DEFAULT_SCALING_GROUP

    def __init__(self, database: ScenarioDatabase) -> None:
        self.database = database
        self.clock = FakeClock()
        self.config = StaticConfigProvider()
        self.agents = FakeAgentPool()
        self.valkey = FakeValkeySchedule()
        self.valkey_stat = FakeValkeyStat()
        self.events = RecordingEventProducer()
        self.deployments = FakeDeploymentRepository()
        self.networks = FakeNetworkPlugins(self.config.config.network.inter_container.default_driver or "overlay")
        self.repository = SchedulerRepositoryOnScenarioClock(
            database.engine, self.valkey_stat, self.config, clock=self.clock
        )
        self.locks = WatchedAdvisoryLocks(database.engine)
        self.names = Names()
        self.cycles: list[Cycle] = []
        self.extra_handlers: dict[ScheduleType, SessionLifecycleHandler] = {}
        self.kernel_event_results: list[bool] = []
        self.endpoints: dict[str, uuid.UUID] = {}
        self._unused = {name: Unused(name) for name in (
            "fair-share repository", "storage manager", "hook plugins", "fair-share aggregator",
            "fair-share calculator", "resource-usage repository",
        )}
        self._rows: list[Row] = owner_rows()
        self._sessions: dict[str, _SessionSpec] = {}
        self._kernel_owner: dict[str, str] = {}

    async def start(self) -> None:
        """Anchor the scenario clock at the database server's time."""
        async with self.database.engine.connect() as conn:
            now = (await conn.execute(sa.text("SELECT now()"))).scalar_one()
        self.clock = FakeClock(now)
        self.repository._scenario_clock = self.clock

    # -- arranging ---------------------------------------------------------------------------------

    def add_agent(self, name: str, capacity: ResourceSlot, **fields: Any) -> Row:
        agent = AgentRowFactory(id=name, available_slots=ResourceSlot(capacity), **fields)
        self._rows.extend(agent_rows(agent))
        self.agents.add(AgentId(name), images={DEFAULT_IMAGE})
        return agent

    def mark_agent_lost(self, name: str) -> None:
        self._rows.append(_AgentStatusChange(name, AgentStatus.LOST).row())
        self.agents[name].reachable = False

    def add_session(self, name: str, **factory_args: Any) -> SessionWithKernels:
        if name in self._sessions:
            raise ValueError(f"session {name!r} is already arranged")
        factory_args.setdefault("created_at", self.clock.now)
        factory_args.setdefault("status_changed", self.clock.now)
        self._sessions[name] = _SessionSpec(factory_args)
        return self._build(name)

    def amend_session(self, name: str, **factory_args: Any) -> SessionWithKernels:
        spec = self._spec(name)
        spec.factory_args.update(factory_args)
        return self._build(name)

    def amend_kernel(self, kernel_name: str, **kernel_args: Any) -> KernelInfo:
        owner = self._kernel_owner.get(kernel_name)
        if owner is None:
            raise KeyError(f"no kernel named {kernel_name!r} was arranged")
        self._spec(owner).kernel_overrides.setdefault(kernel_name, {}).update(kernel_args)
        built = self._build(owner)
        return next(k for k in built.kernel_infos if k.id == self.names.kernel(kernel_name))

    def arrange_rows(self, *rows: Row) -> None:
        """More rows to write with the arranged agents and sessions."""
        self._rows.extend(rows)

    def session_of_kernel(self, kernel_name: str) -> str:
        try:
            return self._kernel_owner[kernel_name]
        except KeyError:
            raise KeyError(f"no kernel named {kernel_name!r} was arranged") from None

    def serve_endpoint(self, endpoint: str, session: str) -> None:
        """Session ``session`` is a replica of the model-serving endpoint ``endpoint``."""
        endpoint_id = self.endpoints.setdefault(endpoint, stable_id("endpoint", endpoint))
        self.deployments.endpoint_of[self.names.session(session)] = endpoint_id

    def endpoint(self, name: str) -> uuid.UUID:
        try:
            return self.endpoints[name]
        except KeyError:
            raise KeyError(f"no endpoint named {name!r} was arranged") from None

    def arranged(self, name: str) -> SessionWithKernels:
        return self._build(name)

    def _spec(self, name: str) -> _SessionSpec:
        try:
            spec = self._sessions[name]
        except KeyError:
            raise KeyError(f"no session named {name!r} was arranged") from None
        if spec.written:
            raise RuntimeError(f"session {name!r} is already in the database; arrange it before anything runs")
        return spec

    def _build(self, name: str) -> SessionWithKernels:
        spec = self._sessions[name]
        built = SessionWithKernelsFactory(name=name, kernel_overrides=spec.kernel_overrides, **spec.factory_args)
        self.names.sessions[name] = built.session_info.identity.id
        names = spec.factory_args.get("kernel_names") or [f"{name}/{i}" for i in range(len(built.kernel_infos))]
        for kernel_name, kernel in zip(names, built.kernel_infos, strict=True):
            self.names.kernels[kernel_name] = kernel.id
            self._kernel_owner[kernel_name] = name
        return built

    async def write(self, *rows: Row) -> None:
        async with self.database.engine.begin() as conn:
            for row in rows:
                await conn.execute(row.insert() if isinstance(row, Row) else row)

    async def flush(self) -> None:
        """Write every row arranged so far."""
        rows: list[Any] = list(self._rows)
        self._rows.clear()
        for name, spec in self._sessions.items():
            if not spec.written:
                rows.extend(session_rows(self._build(name)))
                spec.written = True
        if rows:
            await self.write(*rows)

    # -- the real Sokovan components -----------------------------------------------------------

    @cached_property
    def components(self) -> SchedulerComponents:
        return create_default_scheduler_components(
            repository=self.repository,
            deployment_repository=self.deployments,
            fair_share_repository=self._unused["fair-share repository"],
            config_provider=self.config,
            agent_client_pool=self.agents,
            network_plugin_ctx=self.networks,
            event_producer=self.events,
            valkey_schedule=self.valkey,
        )

    @cached_property
    def scheduling_controller(self) -> SchedulingController:
        return SchedulingController(SchedulingControllerArgs(
            repository=self.repository,
            config_provider=self.config,
            storage_manager=self._unused["storage manager"],
            event_producer=self.events,
            valkey_schedule=self.valkey,
            network_plugin_ctx=self.networks,
            hook_plugin_ctx=self._unused["hook plugins"],
        ))

    @cached_property
    def handlers(self) -> CoordinatorHandlers:
        components = self.components
        production = create_coordinator_handlers(CoordinatorHandlersArgs(
            provisioner=components.provisioner,
            launcher=components.launcher,
            terminator=components.terminator,
            repository=self.repository,
            valkey_schedule=self.valkey,
            scheduling_controller=self.scheduling_controller,
            fair_share_aggregator=self._unused["fair-share aggregator"],
            fair_share_calculator=self._unused["fair-share calculator"],
            resource_usage_repository=self._unused["resource-usage repository"],
            fair_share_repository=self._unused["fair-share repository"],
        ))
        if not self.extra_handlers:
            return production
        return CoordinatorHandlers(
            lifecycle_handlers={**production.lifecycle_handlers, **self.extra_handlers},
            promotion_specs=production.promotion_specs,
            kernel_handlers=production.kernel_handlers,
            kernel_observers=production.kernel_observers,
        )

    @cached_property
    def coordinator(self) -> ScheduleCoordinator:
        return ScheduleCoordinator(
            valkey_schedule=self.valkey,
            components=self.components,
            handlers=self.handlers,
            scheduling_controller=self.scheduling_controller,
            event_producer=self.events,
            lock_factory=self.locks,
        )

    def install_handler(self, schedule_type: ScheduleType, handler: SessionLifecycleHandler) -> None:
        """Run ``handler`` in place of the production handler of ``schedule_type``."""
        if "handlers" in self.__dict__:
            raise RuntimeError("install handlers before the coordinator is built")
        self.extra_handlers[schedule_type] = handler

    def schedule_type_of(self, name: str) -> ScheduleType:
        """The schedule type whose cycle runs the handler or promotion spec called ``name``."""
        handlers = self.handlers
        named: dict[str, ScheduleType] = {}
        for schedule_type, spec in handlers.promotion_specs.items():
            named[spec.name] = schedule_type
        for mapping in (handlers.lifecycle_handlers, handlers.kernel_handlers, handlers.kernel_observers):
            for schedule_type, handler in mapping.items():
                named[handler.name()] = schedule_type
        if name not in named:
            raise KeyError(f"no coordinator cycle runs {name!r}; 26.3.3 has {', '.join(sorted(named))}")
        return named[name]

    def promotion_spec(self, name: str) -> PromotionSpec:
        return self.handlers.promotion_specs[self.schedule_type_of(name)]

    # -- running cycles ----------------------------------------------------------------------------

    async def run_cycle(self, name: str, *, only_if_requested: bool = False) -> Cycle:
        """One cycle of the coordinator for the handler or promotion ``name``: forced (the long
        timer's ``process_schedule``) or, with ``only_if_requested``, the short timer's
        ``process_if_needed``. An exception ends the cycle as it would end the timer's event handler;
        it is kept for the Then steps."""
        await self.flush()
        cycle = Cycle(self.schedule_type_of(name))
        self.cycles.append(cycle)
        run = self.coordinator.process_if_needed if only_if_requested else self.coordinator.process_schedule
        with self.clock.pinned():
            try:
                cycle.performed = await run(cycle.schedule_type)
            except Exception as error:  # noqa: BLE001 - what the cycle ended with is the outcome
                cycle.error = error
        return cycle

    @property
    def last_cycle(self) -> Cycle:
        if not self.cycles:
            raise AssertionError("no coordinator cycle has run in this scenario")
        return self.cycles[-1]

    # -- integrity of the doubles --------------------------------------------------------------

    def refused_calls(self) -> list[str]:
        doubles = (self.agents, self.valkey, self.valkey_stat, self.events, self.deployments, *self._unused.values())
        return [call for double in doubles for call in double.refused_calls()]

    def __repr__(self) -> str:
        return f"CoordinatorWorld({self.database.name})"


@dataclass(frozen=True)
class _AgentStatusChange:
    agent: str
    status: AgentStatus

    def row(self) -> sa.Update:
        return sa.update(agents_table).where(agents_table.c.id == self.agent).values(status=self.status)


__all__ = ["CoordinatorWorld", "Cycle", "SchedulerRepositoryOnScenarioClock"]
