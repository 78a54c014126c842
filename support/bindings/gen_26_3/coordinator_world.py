"""One scenario's scheduler on the database tier: the real ``ScheduleCoordinator`` on the real
``SchedulerRepository`` on a PostgreSQL database with Backend.AI's schema, emptied before each scenario.

Built from Backend.AI's own wiring (support.bindings.gen_26_3.wiring): ``create_default_scheduler_components`` (which also builds the
real ``HookRegistry`` with its RUNNING and TERMINATED hooks), ``create_coordinator_handlers`` (the
lifecycle handlers, the four promotion specs, the kernel handlers and observers the coordinator runs
in production) and the real ``SchedulingController``, whose schedule marks land in the Valkey
double. The coordinator creates its own ``KernelStateEngine`` and post-processors.

Doubles only where a process boundary is crossed: agent RPC, Valkey (schedule marks, statistics
cache), the event producer, the model-serving route store, and the clock. The lock factory is the
production ``pg_advisory`` one (support.bindings.gen_26_3.database.locks), watched.

The clock: the scenario's "now" starts at the database server's own ``now()`` when the scenario
begins, so rows the SQL stamps and rows the scenario arranges share one time line; the
repository's ``get_db_now`` (the only time the coordinator reads) returns the scenario clock, so a
scenario can age a session or move time forward exactly.

Arranging is lazy, as in the in-memory tier: Given steps describe agents and sessions, and the rows
are written (through support.bindings.gen_26_3.factories.rows) just before the first thing runs.

What a production handler was given and reported is kept on its way back to the coordinator
(``runs``, ``last_run``), so that the Then steps reading a handler's report work on this tier too;
the handler itself is the real one, untouched.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from ai.backend.common.clients.valkey_client.valkey_schedule import HealthCheckStatus
from ai.backend.common.types import AgentId, KernelId, ResourceSlot
from ai.backend.manager.data.agent.types import AgentStatus
from ai.backend.manager.data.kernel.types import KernelInfo, KernelStatus
from ai.backend.manager.data.session.types import SessionStatus
from ai.backend.manager.models.agent import agents as agents_table
from ai.backend.manager.models.domain import DomainRow
from ai.backend.manager.models.kernel import KernelRow
from ai.backend.manager.models.keypair import KeyPairRow
from ai.backend.manager.models.resource_policy import KeyPairResourcePolicyRow
from ai.backend.manager.models.resource_slot.row import AgentResourceRow, ResourceAllocationRow
from ai.backend.manager.models.session import SessionRow
from ai.backend.manager.models.user import UserRow
from ai.backend.manager.repositories.scheduler.repository import SchedulerRepository
from ai.backend.manager.sokovan.scheduler.coordinator import ScheduleCoordinator
from ai.backend.manager.sokovan.scheduler.factory import CoordinatorHandlers
from ai.backend.manager.sokovan.scheduler.handlers import SessionLifecycleHandler
from ai.backend.manager.sokovan.scheduler.scheduler import SchedulerComponents
from ai.backend.manager.sokovan.scheduling_controller.scheduling_controller import (
    SchedulingController,
    SchedulingControllerArgs,
)

from support.bindings.common.fakes.strict import RefusesCalls
from support.bindings.common.moved import (
    GroupRow,
    PromotionSpec,
    ScalingGroupOpts,
    ScalingGroupRow,
    ScheduleType,
    SessionWithKernels,
)
from support.bindings.common.selections import SchedulerSelections, Selection, handled
from support.bindings.gen_26_3.database.fixtures import ScenarioDatabase
from support.bindings.gen_26_3.database.locks import WatchedAdvisoryLocks
from support.bindings.gen_26_3.database.writes import write_rows
from support.bindings.gen_26_3.factories import (
    DEFAULT_IMAGE,
    DEFAULT_SCALING_GROUP,
    SessionWithKernelsFactory,
    stable_id,
)
from support.bindings.gen_26_3.factories.rows import (
    AgentRowFactory,
    ResourceAllocationRowFactory,
    Row,
    agent_rows,
    image_rows,
    owner_rows,
    session_rows,
)
from support.bindings.gen_26_3.fakes import (
    FakeAgentPool,
    FakeClock,
    FakeNetworkPlugins,
    FakeValkeySchedule,
    RecordingEventProducer,
    StaticConfigProvider,
    Unused,
)
from support.bindings.gen_26_3.fakes.deployments import FakeDeploymentRepository
from support.bindings.gen_26_3.fakes.valkey_stat import FakeValkeyStat
from support.bindings.gen_26_3.runs import Handler, HandlerRun, Names
from support.bindings.gen_26_3.wiring import Boundaries, coordinator_handlers, scheduler_components
from support.engine import swallowed

# Observers name themselves in class style; scenarios say what they observe.
OBSERVER_NAMES = {"FairShareObserver": "fair-share observation"}


class SchedulerRepositoryOnScenarioClock(SchedulerSelections, SchedulerRepository):
    """The real repository; only the database clock it reports is the scenario's. What it selects
    for the coordinator is kept (support.bindings.common.selections)."""

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
    runs: list[HandlerRun] = field(default_factory=list)  # what its handler was given and reported
    selections: list[Selection] = field(default_factory=list)  # what the repository selected for it
    idle_stated: bool = False  # a Then step stated that it did nothing, as nothing requested it

    @property
    def name(self) -> str:
        return self.schedule_type.value


@dataclass
class _SessionSpec:
    factory_args: dict[str, Any]
    kernel_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    written: bool = False
    built: SessionWithKernels | None = None  # what the factory made of it last (made again when amended)


class CoordinatorWorld:
    scaling_group = DEFAULT_SCALING_GROUP
    # What arranges sessions and their rows: a later release's binding replaces them.
    session_factory: Any = SessionWithKernelsFactory
    rows_of_session = staticmethod(session_rows)
    rows_of_images = staticmethod(image_rows)
    rows_of_owners = staticmethod(owner_rows)
    agent_factory: Any = AgentRowFactory
    rows_of_agent = staticmethod(agent_rows)
    wire_components = staticmethod(scheduler_components)

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
        # What the wiring needs but this tier does not use (each refuses every call), or, on the
        # end-to-end tier, the real parts put in their place.
        self._unused: dict[str, Any] = {
            name: Unused(name)
            for name in (
                "fair-share repository",
                "storage manager",
                "hook plugins",
                "fair-share aggregator",
                "fair-share calculator",
                "resource-usage repository",
            )
        }
        self.repository = self._repository(database)
        self.locks = WatchedAdvisoryLocks(database.engine)
        self.names = Names()
        self.cycles: list[Cycle] = []
        self.extra_handlers: dict[ScheduleType, SessionLifecycleHandler] = {}
        self.kernel_event_results: list[bool] = []
        self.timers: dict[str, Any] = {}  # the scheduler timers the manager sets up, by name
        self.endpoints: dict[str, uuid.UUID] = {}
        self._rows: list[Row | sa.Executable] = [*self.rows_of_owners(), *self.rows_of_images()]
        self.runs: list[HandlerRun] = []
        self.repository.selections = []
        self._containers = 0
        self._sessions: dict[str, _SessionSpec] = {}
        self._kernel_owner: dict[str, str] = {}

    def _repository(self, database: ScenarioDatabase) -> SchedulerRepositoryOnScenarioClock:
        """The real repository on the scenario's database (a later release's constructor differs)."""
        return SchedulerRepositoryOnScenarioClock(database.engine, self.valkey_stat, self.config, clock=self.clock)

    async def start(self) -> None:
        """Anchor the scenario clock at the database server's time."""
        async with self.database.engine.connect() as conn:
            now = (await conn.execute(sa.text("SELECT now()"))).scalar_one()
        self.clock = FakeClock(now)
        self.repository._scenario_clock = self.clock

    # -- arranging ---------------------------------------------------------------------------------

    def add_agent(self, name: str, capacity: ResourceSlot, **fields: Any) -> Row:
        agent = self.agent_factory.build(id=name, available_slots=ResourceSlot(capacity), **fields)
        self._rows.extend(self.rows_of_agent(agent))
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
        built = self._build(name)
        self._run_on_agents(built)
        return built

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

    def kernel_creation_info(self, kernel_name: str) -> Any:
        """What the agent of kernel ``kernel_name`` reports once its container is up (the
        ``creation_info`` of its kernel-started event): the container, its ports, and what it
        allocated, the kernel's arranged request, per device, per slot, per device ID. A request
        carries every slot type the installation knows, at 0 for those not asked for; the agent
        drops those (its resource stage ignores them), so it reports no allocation for them, as
        support.bindings.gen_26_3.fleet's agents do."""
        kernel_id = self.names.kernel(kernel_name)
        kernel = next(k for k in self.arranged(self.session_of_kernel(kernel_name)).kernel_infos if k.id == kernel_id)
        requested = kernel.resource.requested_slots
        allocations = {name.split(".")[0]: {name: {"0": str(amount)}} for name, amount in requested.items() if amount}
        return {
            "container_id": f"container-{kernel_id.hex[:12]}",
            "resource_spec": {"allocations": allocations},
            "kernel_host": "10.0.0.10",
            "repl_in_port": 2000,
            "repl_out_port": 2001,
            "stdin_port": 2002,
            "stdout_port": 2003,
        }

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
        spec = self._sessions.get(name)
        return spec.built if spec is not None and spec.built is not None else self._build(name)

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
        built = self.session_factory.build(name=name, kernel_overrides=spec.kernel_overrides, **spec.factory_args)
        spec.built = built
        self.names.sessions[name] = built.session_info.identity.id
        names = spec.factory_args.get("kernel_names") or [f"{name}/{i}" for i in range(len(built.kernel_infos))]
        for kernel_name, kernel in zip(names, built.kernel_infos, strict=True):
            self.names.kernels[kernel_name] = kernel.id
            self._kernel_owner[kernel_name] = name
        return built

    async def write(self, *rows: Row | sa.Executable) -> None:
        """Write rows in one transaction: consecutive rows of one table and one set of columns go
        in one multi-row statement (a scenario arranges some thirty rows; one statement each would
        cost more than the rest of the scenario). Any other statement is run where it stands."""
        await write_rows(self.database.engine, rows)

    async def flush(self) -> None:
        """Write every row arranged so far."""
        rows: list[Any] = list(self._rows)
        self._rows.clear()
        for name, spec in self._sessions.items():
            if not spec.written:
                rows.extend(self.rows_of_session(self.arranged(name)))
                spec.written = True
        if rows:
            await self.write(*rows)

    # -- arranging what the database already holds: running work, quotas, timeouts -------------

    def _run_on_agents(self, built: SessionWithKernels) -> None:
        """Kernels that start out RUNNING on an agent are running there, and their presence is
        reported, as an agent would do for a live kernel (as on the in-memory tier)."""
        for kernel in built.kernel_infos:
            if kernel.lifecycle.status == KernelStatus.RUNNING and kernel.resource.agent:
                self.agents[kernel.resource.agent].running_kernels.add(kernel.id)
                self.valkey.report_presence(kernel.id, HealthCheckStatus.HEALTHY, int(self.clock.now.timestamp()))

    def add_running_container(self, agent: str | None, used: ResourceSlot, **factory_args: Any) -> SessionWithKernels:
        """A RUNNING session of one kernel holding ``used``, as the database has it once the kernel
        runs: its allocations in use and, when it runs on ``agent``, that agent's resources raised."""
        self._containers += 1
        built = self.session_factory.build(
            name=f"running container {self._containers}",
            status=SessionStatus.RUNNING,
            agents=[agent] if agent else None,
            requested=ResourceSlot(used),
            created_at=self.clock.now,
            status_changed=self.clock.now,
            **factory_args,
        )
        for row in self.rows_of_session(built):
            if row.table is ResourceAllocationRow.__table__:
                row = ResourceAllocationRowFactory.build(
                    **{**row.values, "used": row.values["requested"], "used_at": self.clock.now}
                )
            self._rows.append(row)
        if agent:
            resources = AgentResourceRow.__table__
            for slot_name, amount in used.items():
                self._rows.append(
                    sa.update(resources)
                    .where(resources.c.agent_id == agent, resources.c.slot_name == slot_name)
                    .values(used=resources.c.used + amount)
                )
            self._run_on_agents(built)
        return built

    def limit_quota(self, scope: str, name: str, limit: ResourceSlot, used: ResourceSlot) -> None:
        """The ``scope`` (keypair, user, project or domain) of the owner of session ``name`` may use
        ``limit`` in total, and other sessions of that owner already run with ``used`` (on no agent
        of the scaling group), written where 26.3.3's scheduler repository reads each limit:

        * keypair: the resource policy of the session's keypair;
        * user: the resource policy of the user's main keypair (``users.main_access_key``), which
          is what the repository reads as a user's policy; there is no per-user limit of its own;
        * project: the project's (group's) ``total_resource_slots``;
        * domain: the domain's ``total_resource_slots``."""
        owner = self.arranged(name).session_info.metadata
        policies, keypairs = KeyPairResourcePolicyRow.__table__, KeyPairRow.__table__
        if scope == "keypair":
            policy_of_owner = sa.select(keypairs.c.resource_policy).where(keypairs.c.access_key == owner.access_key)
            self._rows.append(
                sa.update(policies)
                .where(policies.c.name == policy_of_owner.scalar_subquery())
                .values(total_resource_slots=limit)
            )
        elif scope == "user":
            policy_of_main_keypair = sa.select(keypairs.c.resource_policy).where(
                keypairs.c.access_key == self._keypair_of_user(owner.user_uuid).scalar_subquery()
            )
            self._rows.append(
                sa.update(policies)
                .where(policies.c.name == policy_of_main_keypair.scalar_subquery())
                .values(total_resource_slots=limit)
            )
        elif scope == "project":
            groups = GroupRow.__table__
            self._rows.append(sa.update(groups).where(groups.c.id == owner.group_id).values(total_resource_slots=limit))
        elif scope == "domain":
            domains = DomainRow.__table__
            self._rows.append(
                sa.update(domains).where(domains.c.name == owner.domain_name).values(total_resource_slots=limit)
            )
        else:
            raise ValueError(f"no quota scope {scope!r}: keypair, user, project or domain")
        self.add_running_container(
            None,
            used,
            access_key=owner.access_key,
            user_uuid=owner.user_uuid,
            group_id=owner.group_id,
            domain_name=owner.domain_name,
        )

    def _keypair_of_user(self, user: uuid.UUID) -> sa.Select:
        """The access key whose resource policy the repository reads as the limit of ``user``: the
        user's main keypair (``users.main_access_key``)."""
        users = UserRow.__table__
        return sa.select(users.c.main_access_key).where(users.c.uuid == user)

    def time_out_pending_sessions_after(self, timeout: timedelta) -> None:
        """The scaling group's ``pending_timeout`` (a scheduler option)."""
        groups = ScalingGroupRow.__table__
        self._rows.append(
            sa.update(groups)
            .where(groups.c.name == self.scaling_group)
            .values(scheduler_opts=ScalingGroupOpts(pending_timeout=timeout))
        )

    # -- reading what the scheduler decided ---------------------------------------------------

    async def placement(self, name: str) -> dict[KernelId, AgentId]:
        """Kernel -> agent, for the kernels of session ``name`` that the database places on one."""
        kernels = KernelRow.__table__
        async with self.database.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(kernels.c.id, kernels.c.agent).where(kernels.c.session_id == self.names.session(name))
            )
            return {KernelId(row.id): AgentId(row.agent) for row in rows if row.agent}

    async def scheduling_failure(self, name: str) -> str | None:
        """Why the provisioner last failed to place session ``name`` (its status info)."""
        sessions = SessionRow.__table__
        async with self.database.engine.connect() as conn:
            return (
                await conn.execute(sa.select(sessions.c.status_info).where(sessions.c.id == self.names.session(name)))
            ).scalar_one()

    async def kernel_status(self, kernel: str) -> KernelStatus:
        kernels = KernelRow.__table__
        async with self.database.engine.connect() as conn:
            return (
                await conn.execute(sa.select(kernels.c.status).where(kernels.c.id == self.names.kernel(kernel)))
            ).scalar_one()

    def _record_runs(self, handlers: CoordinatorHandlers) -> None:
        """Keep what each production handler was given and what it reported, on its way back to
        the coordinator, for the Then steps that read a handler's report (``last_run``)."""
        every: list[Handler] = [*handlers.lifecycle_handlers.values(), *handlers.kernel_handlers.values()]
        for handler in every:
            # Wrapped on purpose: the run is recorded on its way back to the coordinator.
            handler.execute = self._recorded(handler, handler.execute)  # type: ignore[method-assign]

    def _recorded(self, handler: Any, execute: Any) -> Any:
        async def execute_and_record(scaling_group: str, given: Sequence[Any]) -> Any:
            result = await execute(scaling_group, given)
            self.runs.append(HandlerRun(handler=handler, given=tuple(given), result=result))
            return result

        return execute_and_record

    @property
    def last_run(self) -> HandlerRun:
        if not self.runs:
            raise AssertionError("no handler was given anything in this scenario's cycles")
        return self.runs[-1]

    # -- the real Sokovan components -----------------------------------------------------------

    @cached_property
    def boundaries(self) -> Boundaries:
        return Boundaries(
            repository=self.repository,
            deployment_repository=self.deployments,
            fair_share_repository=self._unused["fair-share repository"],
            config=self.config,
            agents=self.agents,
            networks=self.networks,
            events=self.events,
            valkey=self.valkey,
        )

    @cached_property
    def components(self) -> SchedulerComponents:
        return self.wire_components(self.boundaries)

    @cached_property
    def scheduling_controller(self) -> SchedulingController:
        return SchedulingController(SchedulingControllerArgs(**self._scheduling_controller_args()))

    def _scheduling_controller_args(self) -> dict[str, Any]:
        """What the scheduling controller is built with (a later release adds to it)."""
        return {
            "repository": self.repository,
            # The doubles stand in for Backend.AI's types at the process boundary.
            "config_provider": self.config,
            "storage_manager": self._unused["storage manager"],
            "event_producer": self.events,
            "valkey_schedule": self.valkey,
            "network_plugin_ctx": self.networks,
            "hook_plugin_ctx": self._unused["hook plugins"],
        }

    @cached_property
    def handlers(self) -> CoordinatorHandlers:
        return self._handlers()

    def _handlers(self) -> CoordinatorHandlers:
        production = coordinator_handlers(
            self.boundaries,
            self.components,
            scheduling_controller=self.scheduling_controller,
            fair_share_aggregator=self._unused["fair-share aggregator"],
            fair_share_calculator=self._unused["fair-share calculator"],
            resource_usage_repository=self._unused["resource-usage repository"],
        )
        self._record_runs(production)
        if not self.extra_handlers:
            return production
        return dataclasses.replace(
            production, lifecycle_handlers={**production.lifecycle_handlers, **self.extra_handlers}
        )

    @cached_property
    def coordinator(self) -> ScheduleCoordinator:
        return ScheduleCoordinator(
            # The doubles stand in for Backend.AI's types at the process boundary.
            valkey_schedule=self.valkey,  # type: ignore[arg-type]
            components=self.components,
            handlers=self.handlers,
            scheduling_controller=self.scheduling_controller,
            event_producer=self.events,  # type: ignore[arg-type]
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
        for schedule_type, observer in handlers.kernel_observers.items():
            named[OBSERVER_NAMES.get(observer.name(), observer.name())] = schedule_type
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
        runs, selections = len(self.runs), len(self.repository.selections)
        with self.clock.pinned():
            try:
                cycle.performed = await self._lock_waits_run_out(run(cycle.schedule_type))
            except Exception as error:  # noqa: BLE001 - what the cycle ended with is the outcome
                cycle.error = error
                swallowed.keep(error, f"the {name} cycle")
        cycle.runs, cycle.selections = self.runs[runs:], self.repository.selections[selections:]
        return cycle

    def dealt_with(self, subject: Any, name: str) -> str:
        """How the last cycle dealt with ``subject`` (a session, kernel or scaling group id), as
        evidence that an unchanged outcome is the cycle's doing; AssertionError if it did not."""
        from support.bindings.gen_26_3.outcomes import took

        cycle = self.last_cycle
        return handled(
            f"the {cycle.name} cycle",
            [took(r) for r in cycle.runs],
            cycle.selections,
            subject,
            name,
            cycle.error,
            cycle.idle_stated,
        )

    async def request_cycle(self, name: str) -> None:
        self.valkey.schedule_marks.add(self.schedule_type_of(name).value)

    async def is_requested(self, name: str) -> bool:
        return self.schedule_type_of(name).value in self.valkey.schedule_marks

    def requested_cycles(self) -> list[str]:
        return sorted(self.valkey.schedule_marks)

    def set_up_timers(self) -> None:
        self.timers = {spec.name: spec for spec in self.coordinator.create_task_specs()}

    def timer(self, name: str, kind: str) -> Any:
        """The timer of ``kind`` ("process_if_needed" or "process_schedule") for cycle ``name``."""
        schedule_type = self.schedule_type_of(name)
        timer = self.timers.get(f"sokovan_{kind}_{schedule_type.value}")
        if timer is not None:
            event = timer.event_factory()
            assert event.schedule_type == schedule_type.value, f"the {timer.name} timer raises {event!r}"
        return timer

    @property
    def last_cycle(self) -> Cycle:
        if not self.cycles:
            raise AssertionError("no coordinator cycle has run in this scenario")
        return self.cycles[-1]

    # -- handlers in place of production ones, concurrency and locks ---------------------------

    def install_handler_in_place_of(self, name: str, handler: SessionLifecycleHandler) -> None:
        """Run ``handler`` in the cycle that, in production, runs the handler called ``name``."""
        production = self._handlers()  # not cached: handlers may still be installed
        schedule_type = next((st for st, h in production.lifecycle_handlers.items() if h.name() == name), None)
        if schedule_type is None:
            names = sorted(h.name() for h in production.lifecycle_handlers.values())
            raise KeyError(f"no lifecycle handler is called {name!r}; 26.3.3 has {', '.join(names)}")
        self.install_handler(schedule_type, handler)

    async def run_cycles_together(self, name: str, count: int) -> list[Cycle]:
        """``count`` forced cycles of ``name`` started at the same time, like the timers of as many
        manager processes firing together; each finishes in its own time."""
        import asyncio

        await self.flush()  # written before any of them starts
        return list(await asyncio.gather(*(self.run_cycle(name) for _ in range(count))))

    @cached_property
    def _closing(self) -> Any:
        from contextlib import AsyncExitStack

        return AsyncExitStack()

    async def limit_lock_wait(self, seconds: int) -> None:
        """The manager's database setting ``lock_conn_timeout``: the coordinator's locks come from an
        engine connected with it, as ``connect_database`` makes the manager's."""
        from support.bindings.common.moved import connect_database

        if "coordinator" in self.__dict__:
            raise RuntimeError("limit the lock wait before the coordinator is built")
        config = self.database.config.model_copy(update={"lock_conn_timeout": seconds})
        engine = await self._closing.enter_async_context(connect_database(config))
        self.locks = WatchedAdvisoryLocks(engine)
        self.lock_wait_limit = seconds

    lock_wait_limit: int | None = None

    async def _lock_waits_run_out(self, work: Any) -> Any:
        """Run a cycle (``work``, a coroutine). With a lock wait limit set, whenever one of the
        manager's lock requests is waiting in PostgreSQL for the lock another manager holds
        (``hold_lock_elsewhere``), that limit passes at once on the event loop's clock: Backend.AI's
        own ``asyncio.timeout`` around ``pg_advisory_lock`` then expires while the request really
        waits, and its code cancels the request, as after a real wait of that long. A wait for a
        lock one of this manager's own cycles holds takes its real (short) time."""
        if self.lock_wait_limit is None:
            return await work
        import asyncio

        from support.bindings.gen_26_3.fakes.waits import advance_loop_clock

        cycle = asyncio.ensure_future(work)
        waited = False  # the wait in progress has already been given its time
        while not cycle.done():
            await asyncio.wait({cycle}, timeout=0.002)
            if cycle.done():
                break
            waiting = await self._waiting_for_the_other_manager()
            if waiting and not waited:
                advance_loop_clock(self.lock_wait_limit)
            waited = waiting
        return cycle.result()

    async def _waiting_for_the_other_manager(self) -> bool:
        """Whether a lock request waits in PostgreSQL because of the lock another manager holds."""
        held = getattr(self, "held_elsewhere", None)
        holder = None if held is None else held.backend_pid
        if holder is None:
            return False
        async with self.database.engine.connect() as conn:
            query = sa.text(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                " AND CAST(:holder AS integer) = ANY(pg_blocking_pids(pid)))"
            )
            return bool((await conn.execute(query, {"holder": holder})).scalar_one())

    async def hold_lock_elsewhere(self, lock_id: Any) -> Any:
        """Another manager process takes the advisory lock ``lock_id`` on its own connection."""
        from support.bindings.gen_26_3.database.locks import HeldElsewhere

        config = self.database.config
        auth = config.user if config.password is None else f"{config.user}:{config.password}"
        held = HeldElsewhere(f"postgresql://{auth}@{config.addr.host}:{config.addr.port}/{config.name}", lock_id)
        await held.acquire()
        self._closing.push_async_callback(held.release)
        self.held_elsewhere = held
        return held

    async def aclose(self) -> None:
        """Close what the scenario opened besides the database itself (idempotent)."""
        if "_closing" in self.__dict__:
            await self._closing.aclose()

    # -- integrity of the doubles --------------------------------------------------------------

    def refused_calls(self) -> list[str]:
        doubles: tuple[RefusesCalls, ...] = (
            self.agents,
            self.valkey,
            self.valkey_stat,
            self.events,
            self.deployments,
            self.config.legacy_etcd_config_loader,
            *self._unused.values(),
        )
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
