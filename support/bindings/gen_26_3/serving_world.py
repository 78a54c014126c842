"""One scenario's model-serving side on the database tier: Backend.AI's real
``DeploymentCoordinator`` and ``RouteCoordinator`` (each building its own ``DeploymentExecutor`` /
``RouteExecutor`` and handlers) on the real ``DeploymentRepository``, on a PostgreSQL database
with Backend.AI's schema, emptied before each scenario.

Real as well: the ``DeploymentController`` and ``RouteController`` (their "cycle needed" marks),
the ``ValkeyScheduleClient`` (marks and route health records), Backend.AI's ``AppProxyClient`` and
HTTP client pool, the ``SchedulingController`` that accepts a route's session request (resolving
the scaling group, validating, sizing and writing the PENDING session and its kernels) and marks
route sessions for termination, the ``SchedulerRepository`` under it, the ``StorageSessionManager``
it asks where a folder is mounted from, the hook-plugin context (with the hook plugins this
installation has: none), and the advisory-lock factory.

Boundaries, and what stands there:
  Valkey               support.bindings.common.fakes.valkey_store.InMemoryValkey (under the real client)
  app proxy            support.bindings.common.fakes.app_proxy.AppProxyServer, an HTTP server on 127.0.0.1
  service discovery    support.bindings.gen_26_3.fakes.service_discovery.RecordingServiceDiscovery
  storage proxy        support.bindings.gen_26_3.fakes.storage_proxy.StorageProxyServer, an HTTP server on 127.0.0.1
  event producer       support.bindings.gen_26_3.fakes.RecordingEventProducer
  clock                the scenario clock: the repositories' database time, Valkey's TIME, and
                       the retry policy's waits (support.bindings.gen_26_3.fakes.waits)

Two ways to run a handler:
  ``run_cycle(name)``   the coordinator's cycle for the handler called ``name``: lock, fetch,
                        handler -> executor, status changes and history, post-processing;
  ``run_handler(name)`` the handler alone on what the repository gives it, inside the recorder
                        scope the executor needs; its report (successes, errors, skipped, stale)
                        is the outcome, and nothing is written back.
Either way the handler's report is kept (``reports``) for the Then steps.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, ClassVar

import sqlalchemy as sa
from ai.backend.common.clients.http_client.client_pool import ClientPool, tcp_client_session_factory
from ai.backend.common.clients.valkey_client.valkey_schedule import ValkeyScheduleClient
from ai.backend.common.data.endpoint.types import EndpointLifecycle
from ai.backend.common.plugin.hook import HookPluginContext
from ai.backend.common.types import RuntimeVariant, SessionTypes, VFolderHostPermission
from ai.backend.manager.clients.storage_proxy.session_manager import StorageSessionManager
from ai.backend.manager.config.unified import VolumeProxyConfig, VolumesConfig
from ai.backend.manager.data.deployment.types import RouteStatus, RouteTrafficStatus
from ai.backend.manager.data.session.types import SessionStatus
from ai.backend.manager.repositories.deployment import DeploymentRepository
from ai.backend.manager.sokovan.deployment.coordinator import DeploymentCoordinator
from ai.backend.manager.sokovan.deployment.deployment_controller import (
    DeploymentController,
    DeploymentControllerArgs,
)
from ai.backend.manager.sokovan.deployment.recorder import DeploymentRecorderContext
from ai.backend.manager.sokovan.deployment.route.coordinator import RouteCoordinator
from ai.backend.manager.sokovan.deployment.route.recorder import RouteRecorderContext
from ai.backend.manager.sokovan.deployment.route.route_controller import RouteController, RouteControllerArgs
from ai.backend.manager.sokovan.deployment.route.types import RouteLifecycleType
from ai.backend.manager.sokovan.deployment.types import DeploymentLifecycleType
from ai.backend.manager.sokovan.scheduler.handlers.lifecycle.schedule_sessions import ScheduleSessionsLifecycleHandler
from ai.backend.manager.sokovan.scheduling_controller.scheduling_controller import (
    SchedulingController,
    SchedulingControllerArgs,
)

from support.bindings.common.fakes.app_proxy import AppProxyServer
from support.bindings.common.fakes.valkey_store import InMemoryValkey
from support.bindings.common.moved import ScalingGroupOpts, ScheduleType
from support.bindings.common.selections import DeploymentSelections, Selection, Took, handled
from support.bindings.gen_26_3.coordinator_world import SchedulerRepositoryOnScenarioClock
from support.bindings.gen_26_3.database.fixtures import ScenarioDatabase
from support.bindings.gen_26_3.database.locks import WatchedAdvisoryLocks
from support.bindings.gen_26_3.database.reads import DatabaseReader
from support.bindings.gen_26_3.database.writes import write_rows
from support.bindings.gen_26_3.factories import SessionWithKernelsFactory
from support.bindings.gen_26_3.factories.rows import Row, image_rows, owner_rows, session_rows
from support.bindings.gen_26_3.factories.serving_rows import (
    DEFAULT_IMAGE_ID,
    EndpointRowFactory,
    ModelFolderRowFactory,
    RoutingRowFactory,
)
from support.bindings.gen_26_3.fakes import (
    FakeClock,
    FakeNetworkPlugins,
    RecordingEventProducer,
    StaticConfigProvider,
    Unused,
)
from support.bindings.gen_26_3.fakes.service_discovery import RecordingServiceDiscovery
from support.bindings.gen_26_3.fakes.storage_proxy import StorageProxyServer
from support.bindings.gen_26_3.fakes.valkey_stat import FakeValkeyStat
from support.bindings.gen_26_3.fakes.waits import retry_waits_on
from support.bindings.gen_26_3.runs import Names
from support.engine import swallowed


class InstalledHookPlugins(HookPluginContext):
    """The manager's real hook-plugin context. Which hook plugins this installation has (none) is
    looked up once per run: the lookup reads the entry points of every installed distribution and
    scans Backend.AI's source tree for build files, some 40 ms that would otherwise be spent again
    in every scenario, and what is installed does not change while the suite runs. Loading and
    initialising what was found (nothing) still happens per scenario, in ``init``."""

    _found: ClassVar[dict[tuple[Any, ...], list[tuple[str, Any]]]] = {}

    @classmethod
    def discover_plugins(
        cls, plugin_group: str, allowlist: set[str] | None = None, blocklist: set[str] | None = None
    ) -> Iterator[tuple[str, Any]]:
        key = (plugin_group, None if allowlist is None else frozenset(allowlist), frozenset(blocklist or ()))
        if key not in cls._found:
            cls._found[key] = list(super().discover_plugins(plugin_group, allowlist, blocklist))
        return iter(cls._found[key])


class DeploymentRepositoryOnScenarioClock(DeploymentSelections, DeploymentRepository):
    """The real repository; only the database time it reports is the scenario's. What it selects
    for the coordinators is kept (support.bindings.common.selections)."""

    _scenario_clock: FakeClock

    async def get_db_now(self) -> datetime:
        return self._scenario_clock.now


@dataclass
class ServingCycle:
    """One coordinator cycle a scenario ran, and how it ended."""

    name: str
    error: BaseException | None = None
    performed: bool | None = None
    reports: list[HandlerReport] = field(default_factory=list)  # what its handler was given and reported
    selections: list[Selection] = field(default_factory=list)  # what the repository selected for it
    idle_stated: bool = False  # a Then step stated that it did nothing, as nothing requested it


@dataclass
class HandlerReport:
    """What a handler was given and what it reported, by id."""

    handler: str
    given: list[uuid.UUID]
    successes: list[uuid.UUID]
    errors: dict[uuid.UUID, Any]  # id -> DeploymentExecutionError | RouteExecutionError
    skipped: list[uuid.UUID] = field(default_factory=list)
    stale: list[uuid.UUID] = field(default_factory=list)

    def took(self) -> Took:
        def reported(subject: uuid.UUID) -> str | None:
            for words, ids in (
                ("a success", self.successes),
                ("an error", self.errors),
                ("skipped", self.skipped),
                ("stale", self.stale),
            ):
                if subject in ids:
                    return words
            return None

        return Took(self.handler, frozenset(self.given), reported)


def _deployment_id(item: Any) -> uuid.UUID:
    return item.deployment_info.id


class ServingWorld:
    release = "26.3.3"
    endpoint_factory: type[EndpointRowFactory] = EndpointRowFactory  # a later release's binding extends it
    session_factory: type[SessionWithKernelsFactory] = SessionWithKernelsFactory  # and this one
    repository_class: type[DeploymentRepositoryOnScenarioClock] = DeploymentRepositoryOnScenarioClock  # and this one
    # The traffic status a route is created with, waiting to be provisioned (26.3.3: ACTIVE at once).
    new_route_traffic = RouteTrafficStatus.ACTIVE
    # How the arranged sessions and owners become rows (a later release's schema: its own functions).
    rows_of_session = staticmethod(session_rows)
    rows_of_owners = staticmethod(owner_rows)

    def __init__(self, database: ScenarioDatabase, client_pool: ClientPool) -> None:
        """``client_pool``: Backend.AI's HTTP client pool, which the manager keeps for its whole
        life; the suite makes one per run (support.bindings.gen_26_3.serving_world.client_pool_for_the_run)."""
        self.database = database
        self.read = DatabaseReader(database.engine)
        self.clock = FakeClock()
        self.config = StaticConfigProvider()
        self.valkey_store = InMemoryValkey(self.clock)
        self.valkey = ValkeyScheduleClient(self.valkey_store)  # type: ignore[arg-type]
        self.events = RecordingEventProducer()
        self.app_proxy = AppProxyServer()
        self.storage_proxy = StorageProxyServer()
        self.discovery = RecordingServiceDiscovery()
        self.locks = WatchedAdvisoryLocks(database.engine)
        self.names = Names()
        self.cycles: list[ServingCycle] = []
        self.reports: list[HandlerReport] = []
        self._last_work: ServingCycle | HandlerReport | None = None
        self.retry_waits: list[float] = []
        # What the wiring needs but this tier does not use (each refuses every call), or, on the
        # end-to-end tier, the real parts put in their place.
        self._unused: dict[str, Any] = {
            name: Unused(name)
            for name in (
                "valkey live",
                "valkey stat",
                "revision generators",
                "etcd",
            )
        }
        self._pending_rows: list[Row | sa.Executable] = []
        self._deployments: dict[str, Row] = {}
        self._model_folders: dict[str, Row] = {}
        self._routes: dict[str, Row] = {}
        self.scaling_group_options: dict[str, Any] = {}
        self.proxy_registered = True
        self._client_pool = client_pool
        self._storage_manager: StorageSessionManager | None = None
        self._hook_plugins: HookPluginContext | None = None
        self._cleanups: list[Any] = []

    async def start(self) -> None:
        """Anchor the scenario clock at the database server's time; open the app proxy and the
        storage proxy; load the hook plugins as the manager does at start-up."""
        async with self.database.engine.connect() as conn:
            now = (await conn.execute(sa.text("SELECT now()"))).scalar_one()
        self.clock._now = now
        await self.app_proxy.start()
        await self.storage_proxy.start()
        proxy = self.storage_proxy
        # Both are pydantic models whose other fields have defaults mypy cannot see (they are given
        # in ``Annotated`` metadata).
        self._storage_manager = StorageSessionManager(
            VolumesConfig(  # type: ignore[call-arg]
                proxies={
                    proxy.name: VolumeProxyConfig(  # type: ignore[call-arg]
                        client_api=proxy.address, manager_api=proxy.address, secret=proxy.secret
                    ),
                }
            )
        )
        # The manager's hook plugins: the real context, which finds the plugins installed (none
        # here; it reads their configuration from etcd only for a plugin it found).
        self._hook_plugins = InstalledHookPlugins(self._unused["etcd"], {})
        await self._hook_plugins.init()

    async def aclose(self) -> None:
        for cleanup in reversed(self._cleanups):
            await cleanup()
        if self._storage_manager is not None:
            await self._storage_manager.aclose()
            for client in self._storage_manager._manager_facing_clients.values():
                await client._client._client_session.close()
        await self.app_proxy.stop()
        await self.storage_proxy.stop()

    # -- the production objects --------------------------------------------------------------------

    @property
    def storage_manager(self) -> StorageSessionManager:
        """Backend.AI's storage session manager on the scenario's storage proxy (made at start)."""
        assert self._storage_manager is not None, "the serving world has not started"
        return self._storage_manager

    @cached_property
    def repository(self) -> DeploymentRepositoryOnScenarioClock:
        repository = self.repository_class(*self._repository_args())
        repository._scenario_clock = self.clock
        repository.selections = []
        return repository

    def _repository_args(self) -> tuple[Any, ...]:
        """The deployment repository's constructor arguments (a later release's may differ)."""
        return (
            self.database.engine,
            self.storage_manager,
            self._unused["valkey stat"],
            self._unused["valkey live"],
            self.valkey,
        )

    @cached_property
    def scheduler_repository(self) -> SchedulerRepositoryOnScenarioClock:
        return SchedulerRepositoryOnScenarioClock(self.database.engine, FakeValkeyStat(), self.config, clock=self.clock)

    @cached_property
    def scheduling_controller(self) -> SchedulingController:
        return SchedulingController(SchedulingControllerArgs(**self._scheduling_controller_args()))

    def _scheduling_controller_args(self) -> dict[str, Any]:
        """The scheduling controller's arguments (a later release adds its own)."""
        return {
            "repository": self.scheduler_repository,
            "config_provider": self.config,
            "storage_manager": self.storage_manager,
            "event_producer": self.events,
            "valkey_schedule": self.valkey,
            "network_plugin_ctx": FakeNetworkPlugins("overlay"),
            "hook_plugin_ctx": self._hook_plugins,
        }

    def revision_sources(self) -> dict[str, Any]:
        """Where the deployment controller finds what a revision is made of: 26.3's revision
        generators (a release that reads revision drafts instead says so here)."""
        return {"revision_generator_registry": self._unused["revision generators"]}

    @cached_property
    def deployment_controller(self) -> DeploymentController:
        return DeploymentController(
            DeploymentControllerArgs(
                scheduling_controller=self.scheduling_controller,
                deployment_repository=self.repository,
                config_provider=self.config,  # type: ignore[arg-type]
                storage_manager=self.storage_manager,
                event_producer=self.events,  # type: ignore[arg-type]
                valkey_schedule=self.valkey,
                **self.revision_sources(),
            )
        )

    @cached_property
    def route_controller(self) -> RouteController:
        return RouteController(RouteControllerArgs(valkey_schedule=self.valkey))

    def coordinator_extras(self, coordinator: str) -> dict[str, Any]:
        """What a later release's "deployment" or "route" coordinator takes beyond 26.3.3's arguments."""
        return {}

    def deployment_handlers_of(self, coordinator: DeploymentCoordinator) -> Any:
        """The handlers the coordinator built for itself (26.3.3 keeps them in ``_registry``)."""
        return coordinator._registry.handlers.values()

    @cached_property
    def deployment_coordinator(self) -> DeploymentCoordinator:
        controller = self.deployment_controller  # first: it registers the unused doubles it needs
        coordinator = DeploymentCoordinator(
            valkey_schedule=self.valkey,
            deployment_controller=controller,
            deployment_repository=self.repository,
            event_producer=self.events,  # type: ignore[arg-type]
            lock_factory=self.locks,
            config_provider=self.config,  # type: ignore[arg-type]
            scheduling_controller=self.scheduling_controller,
            client_pool=self._client_pool,
            valkey_stat=self._unused["valkey stat"],
            route_controller=self.route_controller,
            **self.coordinator_extras("deployment"),
        )
        for handler in self.deployment_handlers_of(coordinator):
            self._record_reports(handler, _deployment_id)
        return coordinator

    @cached_property
    def route_coordinator(self) -> RouteCoordinator:
        coordinator = RouteCoordinator(
            valkey_schedule=self.valkey,
            deployment_repository=self.repository,
            event_producer=self.events,  # type: ignore[arg-type]
            lock_factory=self.locks,
            config_provider=self.config,  # type: ignore[arg-type]
            scheduling_controller=self.scheduling_controller,
            client_pool=self._client_pool,
            service_discovery=self.discovery,  # type: ignore[arg-type]
            **self.coordinator_extras("route"),
        )
        for handler in coordinator._route_handlers.values():  # built by the coordinator itself
            self._record_reports(handler, lambda route: route.route_id)
        return coordinator

    @cached_property
    def handlers(self) -> dict[str, tuple[Any, Any]]:
        """handler name -> (handler, lifecycle type), as the two coordinators registered them. The
        DEPLOYING handlers are registered by sub-step as well (``sub_steps``)."""
        named: dict[str, tuple[Any, Any]] = {}
        for (lifecycle, _sub_step), handler in self.deployment_coordinator._registry.handlers.items():
            named[handler.name()] = (handler, lifecycle)
        for route_lifecycle, route_handler in self.route_coordinator._route_handlers.items():
            named[route_handler.name()] = (route_handler, route_lifecycle)
        return named

    @cached_property
    def sub_steps(self) -> dict[str, Any]:
        """handler name -> the DEPLOYING sub-step whose cycle runs it (the deploying handlers only:
        26.3.3 registers them by ``(DEPLOYING, sub_step)`` and runs one cycle, with its own timers
        and cycle marks, per sub-step)."""
        registry = self.deployment_coordinator._registry.handlers
        return {handler.name(): sub_step for (_, sub_step), handler in registry.items() if sub_step is not None}

    def handler(self, name: str) -> tuple[Any, Any]:
        if name not in self.handlers:
            raise KeyError(
                f"no deployment or route handler is called {name!r}; 26.3.3 has {', '.join(sorted(self.handlers))}"
            )
        return self.handlers[name]

    def _record_reports(self, handler: Any, id_of: Any) -> None:
        execute = handler.execute

        async def execute_and_report(given: Sequence[Any]) -> Any:
            result = await execute(given)
            self.reports.append(
                HandlerReport(
                    handler=handler.name(),
                    given=[id_of(item) for item in given],
                    successes=[id_of(item) for item in result.successes],
                    errors={
                        id_of(e.deployment_info if hasattr(e, "deployment_info") else e.route_info): e
                        for e in self._failures_of(result)
                    },
                    skipped=[id_of(item) for item in getattr(result, "skipped", [])],
                    stale=[id_of(item) for item in getattr(result, "stale", [])],
                )
            )
            return result

        handler.execute = execute_and_report

    @staticmethod
    def _failures_of(result: Any) -> Sequence[Any]:
        """The failures a handler reported (26.3.3: ``errors``, for deployments and routes alike)."""
        return result.errors

    # -- arranging -----------------------------------------------------------------------------------

    def add_deployment(self, name: str, lifecycle: EndpointLifecycle, **values: Any) -> uuid.UUID:
        """A deployment serving the model in its own model folder (a MODEL folder of its owner,
        on the storage proxy's volume), as every deployment is created."""
        folder = ModelFolderRowFactory.build(name=f"{name}-model", host=self.storage_proxy.host)
        self._model_folders[name] = folder
        row = self.endpoint_factory.build(
            name=name, lifecycle_stage=lifecycle, created_at=self.clock.now, model=folder.values["id"], **values
        )
        self._deployments[name] = row
        return row.values["id"]

    def model_folder(self, deployment: str) -> Row:
        """The model folder arranged with ``deployment``."""
        self._deployment_row(deployment)
        return self._model_folders[deployment]

    def remove_model_folder(self, deployment: str) -> None:
        """The deployment's model folder is gone: no folder row, and the deployment's ``model``
        unset, as the foreign key's ON DELETE SET NULL leaves it."""
        self._model_folders.pop(deployment)
        self.amend_deployment(deployment, model=None)

    def serve_custom_model_without_folder(self, deployment: str) -> None:
        """The deployment serves a custom model (runtime variant CUSTOM) whose model folder is gone."""
        self.remove_model_folder(deployment)
        self.amend_deployment(deployment, runtime_variant=RuntimeVariant.CUSTOM)

    def amend_deployment(self, name: str, **values: Any) -> None:
        self._deployment_row(name).values.update(values)

    def deployment(self, name: str) -> uuid.UUID:
        return self._deployment_row(name).values["id"]

    def _deployment_row(self, name: str) -> Row:
        if name not in self._deployments:
            raise KeyError(f"no deployment {name!r} was arranged in this scenario")
        return self._deployments[name]

    def add_route(self, deployment: str, route: str, status: RouteStatus, *, session: str | None = None) -> uuid.UUID:
        """A route of ``deployment``; routes are created in the order they are arranged."""
        ordinal = len(self._routes)
        row = RoutingRowFactory.build(
            id=uuid.uuid5(uuid.NAMESPACE_URL, f"route:{route}"),
            endpoint=self.deployment(deployment),
            status=status,
            created_at=self.clock.now - timedelta(hours=1) + timedelta(seconds=ordinal),
        )
        self._routes[route] = row
        if session is not None:
            self.bind_session(route, session)
        return row.values["id"]

    def route(self, name: str) -> uuid.UUID:
        return self._route_row(name).values["id"]

    async def route_code(self, name: str) -> Any:
        """The state ``name`` is in now, as the release's vocabulary compares it (26.3.3: its status)."""
        return self.route_code_of(await self.read.route(self.route(name)))

    @staticmethod
    def route_code_of(row: Mapping[str, Any]) -> Any:
        """The state of the route whose row is ``row``, as the release's vocabulary compares it."""
        return row["status"]

    def route_name(self, route_id: uuid.UUID) -> str:
        for name, row in self._routes.items():
            if row.values["id"] == route_id:
                return name
        return f"a new route ({route_id})"

    def arranged_status(self, route: str) -> RouteStatus:
        """The state ``route`` was arranged in (what a handler found it in)."""
        return self._route_row(route).values["status"]

    def routes_of(self, deployment: str) -> list[str]:
        wanted = self.deployment(deployment)
        return [name for name, row in self._routes.items() if row.values["endpoint"] == wanted]

    def amend_route(self, name: str, **values: Any) -> None:
        self._route_row(name).values.update(values)

    def deployment_of(self, route: str) -> uuid.UUID:
        return self._route_row(route).values["endpoint"]

    def endpoint(self, name: str) -> uuid.UUID:
        """A deployment is the model-serving endpoint the scheduler's steps call it."""
        return self.deployment(name)

    def _route_row(self, name: str) -> Row:
        if name not in self._routes:
            raise KeyError(f"no route {name!r} was arranged in this scenario")
        return self._routes[name]

    def add_session(self, name: str, status: SessionStatus, *, inference_port: int | None = 8000) -> uuid.UUID:
        """An inference session with one kernel on host ``<name>.kernels``, serving on
        ``inference_port`` (None: the kernel has no inference port)."""
        built = self.session_factory.build(name=name, status=status, session_type=SessionTypes.INFERENCE)
        rows = self.rows_of_session(built)
        for row in rows:
            if "kernel_host" in row.table.c and row.table.name == "kernels":
                row.values["kernel_host"] = f"{name}.kernels"
                ports = (
                    [
                        {
                            "name": "inference",
                            "protocol": "http",
                            "container_ports": [8000],
                            "host_ports": [inference_port],
                            "is_inference": True,
                        }
                    ]
                    if inference_port
                    else []
                )
                row.values["service_ports"] = ports
        self._pending_rows.extend(rows)
        self.names.sessions[name] = built.session_info.identity.id
        return self.names.sessions[name]

    def session(self, name: str) -> uuid.UUID:
        return self.names.session(name)

    def bind_session(self, route: str, session: str) -> None:
        self._route_row(route).values["session"] = self.session(session)

    def add_rows(self, *rows: Row) -> None:
        """Rows of other tables the scenario needs (agents, say), written with the rest."""
        self._pending_rows.extend(rows)

    def set_scaling_group(self, **options: Any) -> None:
        self.scaling_group_options.update(options)

    async def write(self, *rows: Row | sa.Executable) -> None:
        await write_rows(self.database.engine, rows)

    async def flush(self) -> None:
        """Write what the Given steps arranged, in foreign-key order (once)."""
        if getattr(self, "_flushed", False):
            return
        self._flushed = True
        scaling_group: dict[str, Any] = {
            "scheduler_opts": ScalingGroupOpts(**self.scaling_group_options),
        }
        if self.proxy_registered:
            scaling_group.update(wsproxy_addr=self.app_proxy.address, wsproxy_api_token=self.app_proxy.token)
        owners = self.rows_of_owners(**scaling_group)
        # The domain lets its users mount folders of the storage proxy's volume in sessions.
        domain = next(row for row in owners if isinstance(row, Row) and row.table.name == "domains")
        domain.values["allowed_vfolder_hosts"] = {self.storage_proxy.host: [p.value for p in VFolderHostPermission]}
        rows: list[Row | sa.Executable] = [
            *owners,
            *self._owner_membership(),
            *image_rows(id=DEFAULT_IMAGE_ID),
            *self._model_folders.values(),
            *self._deployments.values(),
            *self._pending_rows,
        ]
        await self.write(*rows)
        await self.write(*self._routes.values())

    def _owner_membership(self) -> list[sa.Executable]:
        """What makes the deployments' owner a member of their project (a later release: several rows)."""
        return [self._owner_in_project()]

    @staticmethod
    def _owner_in_project() -> sa.Executable:
        """The deployments' owner is a member of their project, as the scheduler requires of a
        user who is not an admin when a route asks for a session on the owner's behalf."""
        from support.bindings.common.moved import association_groups_users
        from support.bindings.gen_26_3.factories.sessions import DEFAULT_PROJECT, DEFAULT_USER

        return sa.insert(association_groups_users).values(user_id=DEFAULT_USER, group_id=DEFAULT_PROJECT)

    # -- sessions the scheduler accepted for routes ----------------------------------------------------

    async def new_sessions(self) -> list[dict[str, Any]]:
        """The session rows the scenario did not arrange: those the scheduler accepted (enqueued)
        while it ran. A request the scheduler refused leaves none."""
        arranged = set(self.names.sessions.values())
        return [row for row in await self.read.sessions() if row["id"] not in arranged]

    async def new_sessions_of_route(self, route: str) -> list[dict[str, Any]]:
        """New sessions for ``route``: the one it is linked to, and any named after it (26.3.3
        names a route's session "<deployment>-<route id>", SessionCreationSpec.from_deployment_info)."""
        route_id = self.route(route)
        linked = (await self.read.route(route_id))["session"]
        deployment = self._deployment_name(self.deployment_of(route))
        return [
            row for row in await self.new_sessions() if row["id"] == linked or row["name"] == f"{deployment}-{route_id}"
        ]

    async def new_sessions_of_deployment(self, name: str) -> list[dict[str, Any]]:
        """New sessions for any route of deployment ``name``, the routes created while the scenario
        ran included: linked to one of its routes, or named after the deployment and a route."""
        linked = {r["session"] for r in await self.read.routes(self.deployment(name)) if r["session"] is not None}
        named = re.compile(rf"{re.escape(name)}-[0-9a-f]{{8}}(?:-[0-9a-f]{{4}}){{3}}-[0-9a-f]{{12}}")
        return [row for row in await self.new_sessions() if row["id"] in linked or named.fullmatch(row["name"])]

    def _deployment_name(self, deployment_id: uuid.UUID) -> str:
        return next(name for name, row in self._deployments.items() if row.values["id"] == deployment_id)

    # -- route health, as the app proxy reports it to Valkey -------------------------------------------

    async def report_readiness(self, route: str, ready: bool, *, age: timedelta = timedelta(seconds=5)) -> None:
        """What app-proxy writes after probing a route: through the real client, ``age`` ago."""
        route_id = str(self.route(route))
        now = self.clock.now
        self.clock._now = now - age
        try:
            await self.valkey.initialize_routes_health_status_batch([route_id])
            await self.valkey.update_route_readiness(route_id, ready)
        finally:
            self.clock._now = now

    async def fail_probes(self, route: str, count: int) -> None:
        """26.3.3's manager never probes a replica: the app proxy does, and reports only its verdict."""
        raise NotImplementedError("26.3.3's manager does not probe replicas; the app proxy reports readiness")

    async def start_health_record(self, route: str) -> None:
        """The record a route gets when its session is linked: readiness "0", never probed."""
        await self.valkey.initialize_routes_health_status_batch([str(self.route(route))])

    async def deployment_image(self, name: str) -> uuid.UUID:
        """The id of the image deployment ``name`` serves its model with."""
        return (await self.read.deployment(self.deployment(name)))["image"]

    def kernel_address(self, host: str, port: int) -> tuple[str, int]:
        """Where the kernel a scenario names by ``host`` and ``port`` listens (26.3.3: there)."""
        return host, port

    async def discovery_labels(self, deployment: str) -> dict[str, str]:
        """The labels naming the runtime variant, the deployment, its owner and its project, as the
        deployment's row holds them."""
        row = await self.read.deployment(self.deployment(deployment))
        return {
            "runtime_variant": row["runtime_variant"].value,
            "endpoint_id": str(row["id"]),
            "session_owner": str(row["session_owner"]),
            "project": str(row["project"]),
        }

    async def terminating_since(self, route: str, since: datetime) -> None:
        """The route history's record of ``route`` entering TERMINATING (evicted) at ``since``."""
        from ai.backend.manager.data.session.types import SchedulingResult
        from ai.backend.manager.models.scheduling_history.row import RouteHistoryRow

        await self.write(
            sa.insert(RouteHistoryRow.__table__).values(
                route_id=self.route(route),
                deployment_id=self.deployment_of(route),
                phase="evict-routes",
                from_status=RouteStatus.UNHEALTHY.value,
                to_status=RouteStatus.TERMINATING.value,
                result=str(SchedulingResult.SUCCESS),
                message="evict-routes completed successfully",
                created_at=since,
                updated_at=since,
            )
        )

    # -- service discovery, as an earlier sync left it ------------------------------------------------

    def discovery_holds(self, route: str, deployment: str, host: str, port: int) -> None:
        """An earlier sync registered ``route`` of ``deployment`` at ``host``:``port`` (a sync
        replaces the whole set, so the new set is the last one plus this route)."""
        from ai.backend.common.service_discovery.service_discovery import ModelServiceMetadata

        held = [
            m for m in (self.discovery.syncs[-1] if self.discovery.syncs else []) if m.route_id != self.route(route)
        ]
        held.append(
            ModelServiceMetadata(route_id=self.route(route), model_service_name=deployment, host=host, port=port)
        )
        self.discovery.syncs.append(held)
        self.discovery_syncs_arranged = len(self.discovery.syncs)

    # -- running -----------------------------------------------------------------------------------------

    async def run_cycle(self, name: str, *, only_if_requested: bool = False) -> ServingCycle:
        await self.flush()
        run = self._cycle_runner(name, only_if_requested)
        cycle = ServingCycle(name)
        self.cycles.append(cycle)
        reports_before, selections_before = len(self.reports), len(self.repository.selections)
        self._last_work = cycle
        with self.clock.pinned(), retry_waits_on(self.clock, self.retry_waits):
            try:
                await run()
            except Exception as error:  # noqa: BLE001 - how the cycle ended is the outcome
                cycle.error = error
                swallowed.keep(error, f"the {name} cycle")
        cycle.performed = len(self.reports) > reports_before
        cycle.reports, cycle.selections = self.reports[reports_before:], self.repository.selections[selections_before:]
        return cycle

    def _cycle_runner(self, name: str, only_if_requested: bool) -> Callable[[], Awaitable[None]]:
        """The coordinator cycle that runs handler ``name`` (KeyError for a name no coordinator has)."""
        _, lifecycle = self.handler(name)
        if isinstance(lifecycle, DeploymentLifecycleType):
            coordinator: Any = self.deployment_coordinator
            run = coordinator.process_if_needed if only_if_requested else coordinator.process_deployment_lifecycle
        else:
            coordinator = self.route_coordinator
            run = coordinator.process_if_needed if only_if_requested else coordinator.process_route_lifecycle
        sub_step = self.sub_steps.get(name)
        return lambda: run(lifecycle) if sub_step is None else run(lifecycle, sub_step)

    def registration_failure_logs(self, deployment: str) -> list[tuple[str, str]]:
        """Where the manager logs that ``deployment`` could not be registered with the app proxy."""
        wanted = f"Failed to register endpoint for deployment {self.deployment(deployment)}"
        return [("ai.backend.manager.sokovan.deployment.executor", wanted)]

    def handler_failure_logs(self, name: str) -> list[tuple[str, str]]:
        """Where the manager logs that handler ``name`` raised: (logger, message start)."""
        self.handler(name)
        return [
            (
                "ai.backend.manager.sokovan.deployment.coordinator",
                f"handler {name}: execute() raised an unexpected error",
            )
        ]

    def dealt_with(self, subject: uuid.UUID, name: str) -> str:
        """How the last cycle (or handler run) dealt with ``subject`` (a route or deployment id), as
        evidence that an unchanged outcome is its doing; AssertionError if it did not."""
        work = self._last_work
        if work is None:
            raise AssertionError("no deployment or route cycle or handler has run in this scenario")
        if isinstance(work, HandlerReport):
            selection = Selection("the repository's selection for the handler", frozenset(work.given))
            return handled(f"the {work.handler} run", [work.took()], [selection], subject, name)
        return handled(
            f"the {work.name} cycle",
            [r.took() for r in work.reports],
            work.selections,
            subject,
            name,
            work.error,
            work.idle_stated,
        )

    async def run_handler(self, name: str) -> HandlerReport:
        """The handler alone, on what the repository hands it for its target states."""
        await self.flush()
        handler, lifecycle = self.handler(name)
        with self.clock.pinned(), retry_waits_on(self.clock, self.retry_waits):
            if isinstance(lifecycle, DeploymentLifecycleType):
                stages = [status.lifecycle for status in handler.target_statuses()]
                given = await self.repository.get_deployments_for_handler(stages, handler.name())
                with DeploymentRecorderContext.scope(handler.name(), entity_ids=[_deployment_id(d) for d in given]):
                    await handler.execute(given)
            else:
                given = await self.repository.get_routes_by_statuses(handler.target_statuses())
                with RouteRecorderContext.scope(lifecycle.value, entity_ids=[r.route_id for r in given]):
                    await handler.execute(given)
        self._last_work = self.reports[-1]
        return self.reports[-1]

    @property
    def last_cycle(self) -> ServingCycle:
        if not self.cycles:
            raise AssertionError("no deployment or route cycle has run in this scenario")
        return self.cycles[-1]

    def report_of(self, handler: str) -> HandlerReport:
        reports = [r for r in self.reports if r.handler == handler]
        if not reports:
            ran = sorted({r.handler for r in self.reports}) or ["none"]
            raise AssertionError(f"the {handler} handler was given nothing to do (handlers that ran: {', '.join(ran)})")
        return reports[-1]

    @property
    def last_report(self) -> HandlerReport:
        if not self.reports:
            raise AssertionError("no handler has reported in this scenario")
        return self.reports[-1]

    # -- cycle requests and timers ---------------------------------------------------------------------

    async def request_cycle(self, name: str) -> None:
        _, lifecycle = self.handler(name)
        if isinstance(lifecycle, DeploymentLifecycleType):
            await self.deployment_controller.mark_lifecycle_needed(lifecycle, sub_step=self.sub_steps.get(name))
        else:
            await self.route_controller.mark_lifecycle_needed(lifecycle)

    async def take_request(self, lifecycle: DeploymentLifecycleType | RouteLifecycleType, sub_step: Any = None) -> bool:
        """Whether a cycle of ``lifecycle`` (and DEPLOYING ``sub_step``) was requested (reading the
        mark consumes it, as the coordinator's next short cycle would)."""
        if isinstance(lifecycle, DeploymentLifecycleType):
            return await self.valkey.load_and_delete_deployment_mark(
                lifecycle.value, sub_step.value if sub_step is not None else None
            )
        return await self.valkey.load_and_delete_route_mark(lifecycle.value)

    async def is_requested(self, name: str) -> bool:
        if name == ScheduleSessionsLifecycleHandler.name():  # the scheduler's cycle, which a new session requests
            return await self.valkey.load_and_delete_schedule_mark(ScheduleType.SCHEDULE.value)
        return await self.take_request(self.handler(name)[1], self.sub_steps.get(name))

    def requested_cycles(self) -> list[str]:
        return sorted(key for key, value in self.valkey_store.values.items() if value == b"1")

    def set_up_timers(self) -> None:
        specs = [*self.deployment_coordinator.create_task_specs(), *self.route_coordinator.create_task_specs()]
        self.timers = {spec.name: spec for spec in specs}

    def timer(self, name: str, kind: str) -> Any:
        """The periodic task of ``kind`` ("process_if_needed" or "process_schedule") behind cycle
        ``name``, checked to raise the event of that cycle's lifecycle."""
        _, lifecycle = self.handler(name)
        prefix = "deployment" if isinstance(lifecycle, DeploymentLifecycleType) else "route"
        suffix = "process_if_needed" if kind == "process_if_needed" else "process"
        sub_step = self.sub_steps.get(name)
        step = f"_{sub_step.value}" if sub_step is not None else ""
        timer = self.timers.get(f"{prefix}_{suffix}_{lifecycle.value}{step}")
        if timer is not None:
            event = timer.event_factory()
            assert getattr(event, "lifecycle_type", None) == lifecycle.value, f"the {timer.name} timer raises {event!r}"
        return timer

    # -- faults at the boundaries ----------------------------------------------------------------------

    async def refuse_route_updates(self, message: str) -> None:
        """The database refuses every change to a route's row until the scenario ends: what the
        repository meets when it cannot write routes."""
        await self._refuse_updates("routings", message)

    async def refuse_session_updates(self, message: str) -> None:
        """The database refuses every change to a session's row until the scenario ends: what the
        scheduling controller meets when it cannot mark sessions for termination."""
        await self._refuse_updates("sessions", message)

    async def refuse_replica_group_updates(self, message: str) -> None:
        """26.3.3 keeps no replica groups (a later release's binding refuses changes to them)."""
        raise NotImplementedError(f"26.3.3 has no replica groups whose changes could be refused ({message})")

    async def _refuse_updates(self, table: str, message: str) -> None:
        """A trigger raising on every UPDATE of ``table``, dropped when the scenario ends."""
        function = f"refuse_{table}_updates_{uuid.uuid4().hex[:8]}"
        await self.write(
            sa.text(
                f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$"
            ),
            sa.text(f"CREATE TRIGGER {function} BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"),
        )

        async def drop() -> None:
            await self.write(sa.text(f"DROP TRIGGER {function} ON {table}"), sa.text(f"DROP FUNCTION {function}()"))

        self._cleanups.append(drop)

    # -- integrity of the doubles ------------------------------------------------------------------------

    def refused_calls(self) -> list[str]:
        doubles = (
            self.events,
            self.discovery,
            self.valkey_store,
            self.config.legacy_etcd_config_loader,
            *self._unused.values(),
        )
        return [call for double in doubles for call in double.refused_calls()]

    def __repr__(self) -> str:
        return f"ServingWorld({self.database.name})"


@contextlib.asynccontextmanager
async def client_pool_for_the_run() -> AsyncIterator[ClientPool]:
    """Backend.AI's HTTP client pool for every scenario of a run, closed when the run ends. Made
    once: its constructor records where it was made from by inspecting the whole call stack (some
    10 ms under pytest, in every scenario otherwise). It keeps one client session per server it
    talked to; every scenario's proxies listen on ports of their own, so no scenario reaches
    another scenario's server through it."""
    pool = ClientPool(tcp_client_session_factory)
    try:
        yield pool
    finally:
        await pool.close()


__all__ = ["HandlerReport", "RuntimeVariant", "ServingCycle", "ServingWorld", "client_pool_for_the_run"]
