"""One scenario's scheduler: the doubles at its boundaries, and the real Sokovan code between them.

The components come from Backend.AI's own wiring, ``create_default_scheduler_components`` (the
real provisioner, launcher and terminator) and ``create_coordinator_handlers`` (the handlers the
``ScheduleCoordinator`` runs in production); each release's ``SchedulerWorld`` says what its wiring
builds, and supplies its repository double and the quotas it keeps.

``run_handler`` runs one handler the way one scheduler cycle does for one scaling group: it takes
the handler's lock (if it declares one), asks the repository for the sessions (or kernels) in the
handler's target statuses, opens the recorder scope the coordinator opens, and calls ``execute``,
also when nothing was found, so that a handler's answer to empty input can be specified. Applying the outcome (status changes, history,
events) is the coordinator's job and is specified with the coordinator features; here the result
lists and the handler's declared transitions are what the Then steps read.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ai.backend.common.clients.valkey_client.valkey_schedule import HealthCheckStatus
from ai.backend.common.types import AgentId, KernelId, ResourceSlot
from ai.backend.manager.data.kernel.types import KernelInfo, KernelStatus
from ai.backend.manager.repositories.base import BatchQuerier, NoPagination
from ai.backend.manager.repositories.scheduler.options import KernelConditions
from ai.backend.manager.sokovan.scheduler.factory import CoordinatorHandlers
from ai.backend.manager.sokovan.scheduler.handlers.kernel import KernelLifecycleHandler
from ai.backend.manager.sokovan.scheduler.recorder import SessionRecorderContext
from ai.backend.manager.sokovan.scheduler.results import KernelExecutionResult, SessionExecutionResult
from ai.backend.manager.sokovan.scheduler.scheduler import SchedulerComponents

from support.bindings.common.fakes.strict import RefusesCalls
from support.bindings.common.moved import ScheduleType, SessionWithKernels
from support.bindings.common.selections import Selection, handled, ids_of
from support.bindings.gen_26_3.factories import DEFAULT_IMAGE, DEFAULT_SCALING_GROUP
from support.bindings.gen_26_3.factories.stored import (
    ImageConfigDataFactory,
    StoredAgentFactory,
    StoredSessionFactory,
    StoredUserFactory,
)
from support.bindings.gen_26_3.fakes import (
    FakeAgentPool,
    FakeClock,
    FakeNetworkPlugins,
    FakeValkeySchedule,
    InMemoryLockFactory,
    RecordingEventProducer,
    StaticConfigProvider,
    Unused,
)
from support.bindings.gen_26_3.fakes.stored import StoredAgent, StoredSession
from support.bindings.gen_26_3.runs import Handler, HandlerRun, Names
from support.bindings.gen_26_3.wiring import Boundaries, coordinator_handlers, scheduler_components


@dataclass
class _SessionSpec:
    """How a named session was described, so that a later step can amend it consistently."""

    factory_args: dict[str, Any]
    designated_to: list[str] | None = None
    kernel_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)


class HandlerWorld:
    """A scenario's scheduler, less the release's repository double (``repository_class``) and the
    quotas it keeps (``limit_quota``), which each release's ``SchedulerWorld`` supplies."""

    scaling_group = DEFAULT_SCALING_GROUP
    # The repository double and the factories of the release's data, which a later release's binding replaces.
    repository_class: type[Any]
    stored_session_factory: type[StoredSessionFactory] = StoredSessionFactory
    image_config_factory: type[ImageConfigDataFactory] = ImageConfigDataFactory

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.repository = self.repository_class(self.clock)
        self.agents = FakeAgentPool()
        self.valkey = FakeValkeySchedule()
        self.events = RecordingEventProducer()
        self.config = StaticConfigProvider()
        self.locks = InMemoryLockFactory()
        self.networks = FakeNetworkPlugins(self.config.config.network.inter_container.default_driver or "overlay")
        self.names = Names()
        self.runs: list[HandlerRun] = []
        self._session_specs: dict[str, _SessionSpec] = {}
        self._kernel_owner: dict[str, str] = {}
        self._unused = {
            name: Unused(name)
            for name in (
                "deployment repository",
                "fair-share repository",
                "resource-usage repository",
                "scheduling controller",
                "fair-share aggregator",
                "fair-share calculator",
            )
        }
        self.repository.add_scaling_group(self.scaling_group)
        self.repository.add_user(StoredUserFactory.build())
        self.repository.add_image(self.image_config_factory.build())

    # -- arranging agents, sessions and kernels -------------------------------------------------

    def add_agent(self, name: str, capacity: ResourceSlot, **fields: Any) -> StoredAgent:
        """An agent of the scaling group, known to the database and reachable over RPC, with the
        default image already pulled."""
        agent = self.repository.add_agent(
            StoredAgentFactory.build(id=AgentId(name), available_slots=capacity, **fields)
        )
        self.agents.add(agent.id, images={DEFAULT_IMAGE})
        return agent

    def add_session(self, name: str, *, designated_to: list[str] | None = None, **factory_args: Any) -> StoredSession:
        """A session built by ``SessionWithKernelsFactory.build(name=name, **factory_args)``.

        Kernels that start out RUNNING on an agent are running there, and their presence is
        reported, as an agent would do for a live kernel.
        """
        if name in self._session_specs:
            raise ValueError(f"session {name!r} is already arranged")
        self._session_specs[name] = _SessionSpec(dict(factory_args), designated_to)
        stored = self._store(name)
        for kernel in stored.kernels:
            if kernel.lifecycle.status == KernelStatus.RUNNING and kernel.resource.agent:
                self.agents[kernel.resource.agent].running_kernels.add(kernel.id)
                self.valkey.report_presence(kernel.id, HealthCheckStatus.HEALTHY, int(self.clock.now.timestamp()))
        return stored

    def amend_session(self, name: str, *, designated_to: list[str] | None = None, **factory_args: Any) -> StoredSession:
        spec = self._spec(name)
        spec.factory_args.update(factory_args)
        if designated_to is not None:
            spec.designated_to = designated_to
        return self._store(name)

    def amend_kernel(self, kernel_name: str, **kernel_args: Any) -> KernelInfo:
        owner = self._kernel_owner.get(kernel_name)
        if owner is None:
            raise KeyError(f"no kernel named {kernel_name!r} was arranged")
        self._spec(owner).kernel_overrides.setdefault(kernel_name, {}).update(kernel_args)
        self._store(owner)
        return self.repository.kernel(self.names.kernel(kernel_name))

    def arranged(self, name: str) -> SessionWithKernels:
        """The session as arranged so far."""
        return self.stored_session(name).session

    def stored_session(self, name: str) -> StoredSession:
        return self.repository.sessions[self.names.session(name)]

    def _spec(self, name: str) -> _SessionSpec:
        try:
            return self._session_specs[name]
        except KeyError:
            raise KeyError(f"no session named {name!r} was arranged") from None

    def _store(self, name: str) -> StoredSession:
        spec = self._session_specs[name]
        stored = self.stored_session_factory.build(
            designated_to=spec.designated_to,
            session__name=name,
            session__kernel_overrides=spec.kernel_overrides,
            **{f"session__{key}": value for key, value in spec.factory_args.items()},
        )
        self.repository.sessions[stored.id] = stored
        self.names.sessions[name] = stored.id
        for index, kernel in enumerate(stored.kernels):
            kernel_name = (
                spec.factory_args.get("kernel_names") or [f"{name}/{i}" for i in range(len(stored.kernels))]
            )[index]
            self.names.kernels[kernel_name] = kernel.id
            self._kernel_owner[kernel_name] = name
        return stored

    # -- arranging what the repository already holds: agents' load, health and quotas ----------

    def add_running_container(self, agent: str, used: ResourceSlot) -> None:
        """Agent ``agent`` already runs a container holding ``used``."""
        stored = self.repository.agents[AgentId(agent)]
        stored.occupied_slots = stored.occupied_slots + used
        stored.container_count += 1

    def limit_quota(self, scope: str, name: str, limit: ResourceSlot, used: ResourceSlot) -> None:
        """The ``scope`` (keypair, user, project or domain) of the owner of session ``name`` may use
        ``limit`` in total, of which ``used`` is in use."""
        raise NotImplementedError(f"{type(self).__name__} keeps no quotas")

    # -- reading what the scheduler decided (async, like the database tier's reads) ------------

    async def placement(self, name: str) -> dict[KernelId, AgentId]:
        """Kernel -> agent, as the provisioner allocated the kernels of session ``name``."""
        return self.repository.assignments_of(self.names.session(name))

    async def scheduling_failure(self, name: str) -> str | None:
        """Why the provisioner last failed to place session ``name``."""
        return self.repository.scheduling_failure_of(self.names.session(name))

    async def kernel_status(self, kernel: str) -> KernelStatus:
        return self.repository.kernel(self.names.kernel(kernel)).lifecycle.status

    # -- the real Sokovan components ------------------------------------------------------------

    @cached_property
    def components(self) -> SchedulerComponents:
        return scheduler_components(self.boundaries)

    @cached_property
    def boundaries(self) -> Boundaries:
        return Boundaries(
            repository=self.repository,
            deployment_repository=self._unused["deployment repository"],
            fair_share_repository=self._unused["fair-share repository"],
            config=self.config,
            agents=self.agents,
            networks=self.networks,
            events=self.events,
            valkey=self.valkey,
        )

    @cached_property
    def coordinator_handlers(self) -> CoordinatorHandlers:
        return coordinator_handlers(
            self.boundaries,
            self.components,
            scheduling_controller=self._unused["scheduling controller"],
            fair_share_aggregator=self._unused["fair-share aggregator"],
            fair_share_calculator=self._unused["fair-share calculator"],
            resource_usage_repository=self._unused["resource-usage repository"],
        )

    def handler(self, name: str) -> tuple[ScheduleType, Handler]:
        handlers = self.coordinator_handlers
        every: list[tuple[ScheduleType, Handler]] = [
            *handlers.lifecycle_handlers.items(),
            *handlers.kernel_handlers.items(),
        ]
        for schedule_type, handler in every:
            if handler.name() == name:
                return schedule_type, handler
        known = sorted(handler.name() for _, handler in every)
        raise KeyError(f"no scheduler handler is named {name!r}; the release has {', '.join(known)}")

    # -- one scheduler cycle of one handler -----------------------------------------------------

    @property
    def group_key(self) -> Any:
        """What the handlers and the repository know the scaling group by: its name."""
        return self.scaling_group

    def kernel_query(self, handler: KernelLifecycleHandler) -> Any:
        """The query the coordinator hands the repository for a kernel handler's targets in the group."""
        return BatchQuerier(
            pagination=NoPagination(),
            conditions=[
                KernelConditions.by_scaling_group(self.scaling_group),
                KernelConditions.by_statuses(handler.target_kernel_statuses()),
            ],
        )

    async def run_handler(self, name: str) -> HandlerRun:
        schedule_type, handler = self.handler(name)
        async with contextlib.AsyncExitStack() as held:
            if handler.lock_id is not None:
                lifetime = self.config.config.manager.session_schedule_lock_lifetime
                await held.enter_async_context(self.locks(handler.lock_id, lifetime))
            return await self._run_locked(schedule_type, handler, self.group_key)

    async def _run_locked(self, schedule_type: ScheduleType, handler: Handler, sg: Any) -> HandlerRun:
        given: tuple[SessionWithKernels, ...] | tuple[KernelInfo, ...]
        result: SessionExecutionResult | KernelExecutionResult
        with self.clock.pinned():
            if isinstance(handler, KernelLifecycleHandler):
                found = await self.repository.search_kernels_for_handler(self.kernel_query(handler))
                given = tuple(found.items)
                result = await handler.execute(sg, given)
            else:
                sessions: tuple[SessionWithKernels, ...] = tuple(
                    await self.repository.get_sessions_for_handler(
                        sg, handler.target_statuses(), handler.target_kernel_statuses()
                    )
                )
                given = sessions
                ids = [s.session_info.identity.id for s in sessions]
                with SessionRecorderContext.scope(f"{schedule_type.value}:{sg}", entity_ids=ids):
                    result = await handler.execute(sg, sessions)
        run = HandlerRun(handler=handler, given=given, result=result)
        self.runs.append(run)
        return run

    @property
    def last_run(self) -> HandlerRun:
        if not self.runs:
            raise AssertionError("no handler has run in this scenario")
        return self.runs[-1]

    def dealt_with(self, subject: object, name: str) -> str:
        """How the last handler run dealt with ``subject``: every run asks the repository for the
        handler's targets and calls ``execute`` with them, so a subject not given was not selected."""
        from support.bindings.gen_26_3.outcomes import took

        run = self.last_run
        selection = Selection("the repository's selection for the handler", ids_of(run.given))
        return handled(f"the {run.name} run", [took(run)], [selection], subject, name)

    # -- integrity of the doubles ---------------------------------------------------------------

    def refused_calls(self) -> list[str]:
        doubles: tuple[RefusesCalls, ...] = (
            self.repository,
            self.agents,
            self.valkey,
            self.events,
            *self._unused.values(),
        )
        return [call for double in doubles for call in double.refused_calls()]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.scaling_group!r})"
