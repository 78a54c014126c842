"""One scenario's route side on the database tier, for 26.4.16: the 26.3 binding's ``ServingWorld``
with what 26.4.16 changed.

Real, as in 26.3: the ``RouteCoordinator`` (building its own ``RouteExecutor``, handlers and the
health observer) on the real ``DeploymentRepository`` on PostgreSQL, the ``SchedulingController``
a route's session request goes to, Backend.AI's ``ValkeyScheduleClient`` and its own
``AppProxyClientPool``.

What 26.4.16 changed, and what stands where:
  rows          a deployment is runtime variant -> endpoint -> revision -> replica group (serving_rows)
  route state   lifecycle, sub-status and health status (support.bindings.gen_26_4.vocabulary)
  app proxy     the same loopback server, answering 26.4.16's bulk route calls as well
  replica       the manager probes a route's replica itself (``RouteHealthObserver``): each RUNNING
                session a scenario arranges serves HTTP on a real loopback server (``ReplicaServer``),
                whose answers a Given step sets ("the app proxy reports route ... ready" is bound to
                the replica answering, and the observer having probed it); a route arranged past
                check-starting-routes (warming up or RUNNING) has the probe target that handler
                registers, and a scenario names its kernel's address as before (``kernel_address``)
  Valkey        the in-memory store under the real client (route health is ``route_health:{id}``),
                its keys expiring on the scenario clock (a route's health record lives 2 minutes)
  agents        the scaling group has one: 26.4.16 refuses a session request for a resource group
                that no agent serves

The deployment coordinator's 26.4.16 handlers (deploying sub-steps) and the replica-group reconciler
are wired in the subclass the binding exports, support.bindings.gen_26_4.deployment_world.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from ai.backend.common.clients.valkey_client.valkey_schedule import ReplicaProbeTarget, ValkeyScheduleClient
from ai.backend.common.data.endpoint.types import EndpointLifecycle
from ai.backend.manager.clients.appproxy.client import AppProxyClientPool
from ai.backend.manager.data.deployment.types import RouteStatus, RouteSubStatus
from ai.backend.manager.data.session.types import SessionStatus
from ai.backend.manager.models.resource_slot.row import DeploymentRevisionResourceSlotRow
from ai.backend.manager.repositories.base import BatchQuerier, NoPagination
from ai.backend.manager.sokovan.deployment.route.recorder import RouteRecorderContext
from ai.backend.manager.sokovan.deployment.route.types import RouteLifecycleType
from aiohttp import web

from support.bindings.common.fakes.loopback import LoopbackServer
from support.bindings.common.fakes.strict import StrictDouble
from support.bindings.common.fakes.valkey_store import InMemoryValkey
from support.bindings.gen_26_3 import serving_world as v26_3
from support.bindings.gen_26_3.factories.rows import AgentRowFactory, Row, agent_rows
from support.bindings.gen_26_3.fakes.waits import retry_waits_on
from support.bindings.gen_26_4.factories.sessions import SessionWithKernelsFactory
from support.bindings.gen_26_4.serving_rows import (
    DeploymentRevisionRowFactory,
    EndpointRowFactory,
    ReplicaGroupRowFactory,
    RoutingRowFactory,
    RuntimeVariantRowFactory,
    columns_only,
)
from support.bindings.gen_26_4.vocabulary import RouteCode

# 26.3.3's endpoint columns that 26.4.16 keeps on the revision, by the revision's column name.
_REVISION_COLUMNS = ("image", "model", "resource_group", "cluster_mode", "cluster_size")


class ReplicaServer(LoopbackServer):
    """A replica's inference server, on 127.0.0.1: answers the health path with ``status``."""

    def __init__(self) -> None:
        super().__init__()
        self.status = 200
        self.probes = 0

    @property
    def port(self) -> int:
        return int(self.address.rsplit(":", 1)[1])

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get("/{path:.*}", self._answer)

    async def _answer(self, request: web.Request) -> web.Response:
        self.probes += 1
        return web.Response(status=self.status, text="ok" if self.status == 200 else "not ready")


class InMemoryValkeyConnections(InMemoryValkey):
    """26.4.16's Valkey clients take a connection for each command (``async with
    self._client.client() as conn``); the in-memory store is its own connection. Keys expire on the
    scenario clock: the manager's own health observer writes a route's health with a TTL, and a
    record that has expired is how 26.4.16 tells that a route has not been probed lately."""

    expires_keys = True

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[InMemoryValkey]:
        yield self

    @property
    def client(self) -> Any:
        return self._connection


class EtcdWithoutPluginConfig(StrictDouble):
    """The etcd the hook-plugin context reads plugin configuration from: it holds none."""

    async def get_prefix(self, key: str) -> dict[str, Any]:
        return {}

    async def watch_prefix(self, key: str, **kwargs: Any) -> AsyncIterator[Any]:
        """No configuration ever changes: the watch yields nothing and ends."""
        events: tuple[Any, ...] = ()
        for event in events:
            yield event


class DeploymentRepositoryOnScenarioClock(v26_3.DeploymentRepositoryOnScenarioClock):
    """The 26.4.16 repository's selections for the route coordinator are kept as well."""

    async def search_route_datas_with_last_history(self, *args: Any, **kwargs: Any) -> Any:
        found = await super().search_route_datas_with_last_history(*args, **kwargs)
        self._selected("routes for the handler", found)
        return found


class ServingWorld(v26_3.ServingWorld):
    release = "26.4.16"
    endpoint_factory = EndpointRowFactory
    session_factory = SessionWithKernelsFactory
    repository_class: type[DeploymentRepositoryOnScenarioClock] = DeploymentRepositoryOnScenarioClock
    serves_own_agent = True  # the scaling group gets an agent of its own (see ``flush``)
    agent_factory: Any = AgentRowFactory  # how that agent is built and written (a later schema: its own)
    rows_of_agent = staticmethod(agent_rows)
    replica_group_factory: Any = ReplicaGroupRowFactory  # and its deployments' replica groups

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.valkey_store = InMemoryValkeyConnections(self.clock)
        self.valkey = ValkeyScheduleClient(self.valkey_store)  # type: ignore[arg-type]
        self._revisions: dict[str, Row] = {}
        self._groups: dict[str, Row] = {}
        self._revision_slots: dict[str, list[Row]] = {}
        self._replica_sessions: dict[str, str] = {}  # route -> the session serving it
        self._variant_written = False
        self.replicas: dict[str, ReplicaServer] = {}  # session name -> its replica's server
        self._served: dict[str, int] = {}  # session name -> the loopback port its kernel serves on
        self.appproxy_clients = AppProxyClientPool()

    async def start(self) -> None:
        """As in 26.3, but 26.4.16 ships a hook plugin of its own (the keypair auth hook), which
        the real plugin context loads with its configuration from etcd: there is none."""
        self._unused["etcd"] = EtcdWithoutPluginConfig()
        await super().start()

    async def aclose(self) -> None:
        await self.appproxy_clients.close()
        for server in self.replicas.values():
            await server.stop()
        await super().aclose()

    # -- the production objects ------------------------------------------------------------------

    def coordinator_extras(self, coordinator: str) -> dict[str, Any]:
        """26.4's route coordinator pushes routes to the app proxy itself."""
        extras = super().coordinator_extras(coordinator)
        if coordinator == "route":
            extras["appproxy_client_pool"] = self.appproxy_clients
        return extras

    @cached_property
    def handlers(self) -> dict[str, tuple[Any, Any]]:
        """handler name -> (handler, lifecycle type): the route coordinator's handlers (the
        deployment coordinator is not bound for 26.4.16)."""
        return {h.name(): (h, lifecycle) for lifecycle, h in self.route_coordinator._route_handlers.items()}

    @cached_property
    def sub_steps(self) -> dict[str, Any]:
        return {}

    # -- arranging -------------------------------------------------------------------------------

    def add_deployment(self, name: str, lifecycle: EndpointLifecycle, **values: Any) -> uuid.UUID:
        """A deployment as 26.4.16 stores one: its endpoint, its current revision (the model, image,
        resources and runtime of 26.3.3's endpoint row) and the replica group that serves it."""
        deployment_id = super().add_deployment(name, lifecycle, **values)
        full = self._deployments[name].values
        group_id = uuid.uuid5(uuid.NAMESPACE_URL, f"replica group:{name}")
        revision = DeploymentRevisionRowFactory.build(
            id=uuid.uuid5(uuid.NAMESPACE_URL, f"revision:{name}"),
            endpoint=deployment_id,
            **{k: full[k] for k in _REVISION_COLUMNS if k in full},
        )
        self._revisions[name] = revision
        self._revision_slots[name] = [
            Row(
                DeploymentRevisionResourceSlotRow.__table__,
                {"revision_id": revision.values["id"], "slot_name": slot, "quantity": amount},
            )
            for slot, amount in (full.get("resource_slots") or {}).items()
        ]
        self._groups[name] = self.replica_group_factory.build(
            id=group_id,
            deployment_id=deployment_id,
            current_revision_id=revision.values["id"],
            desired_current_replica_count=full.get("replicas", 1),
        )
        self._deployments[name] = columns_only(
            Row(self._deployments[name].table, {**full, "primary_replica_group_id": group_id})
        )
        return deployment_id

    def add_route(self, deployment: str, route: str, status: Any, *, session: str | None = None) -> uuid.UUID:
        """A route of ``deployment`` in ``status`` (a ``RouteCode``), of its current revision."""
        code = status if isinstance(status, RouteCode) else RouteCode(status)
        ordinal = len(self._routes)
        row = RoutingRowFactory.build(
            id=uuid.uuid5(uuid.NAMESPACE_URL, f"route:{route}"),
            endpoint=self.deployment(deployment),
            revision=self._revisions[deployment].values["id"],
            replica_group_id=self._groups[deployment].values["id"],
            status=code.status,
            sub_status=code.sub_status,
            health_status=code.health,
            traffic_status=code.traffic,
            created_at=self.clock.now - timedelta(hours=1) + timedelta(seconds=ordinal),
        )
        self._routes[route] = row
        if session is not None:
            self.bind_session(route, session)
        return row.values["id"]

    def arranged_status(self, route: str) -> RouteStatus:
        return self._route_row(route).values["status"]

    @staticmethod
    def route_code_of(row: Mapping[str, Any]) -> RouteCode:
        return RouteCode(row["status"], row["sub_status"], row["health_status"], row["traffic_status"])

    def add_session(self, name: str, status: SessionStatus, *, inference_port: int | None = 8000) -> uuid.UUID:
        """An inference session whose kernel serves on a real loopback server (``replicas``) once it
        is RUNNING; a session that is not running yet has no kernel host or service ports (26.4.16's
        check-starting-routes takes any kernel address as "ready")."""
        session_id = super().add_session(name, status, inference_port=inference_port)
        self.replicas[name] = ReplicaServer()
        for row in self._pending_rows:
            if not isinstance(row, Row):
                continue
            kernel = row.table.name == "kernels" and row.values.get("session_id") == session_id
            if kernel and status != SessionStatus.RUNNING:
                row.values["kernel_host"] = None
                row.values["service_ports"] = None
        return session_id

    def bind_session(self, route: str, session: str) -> None:
        """The route is served by ``session``; a RUNNING session's replica address is the route's."""
        super().bind_session(route, session)
        self._replica_sessions[route] = session

    # -- writing ---------------------------------------------------------------------------------

    @staticmethod
    def _owner_in_project() -> sa.Executable:
        """26.4.16 reads project membership from the RBAC scope associations (a USER entity in the
        PROJECT scope), where 26.3.3 read ``association_groups_users``."""
        from ai.backend.manager.data.permission.types import EntityType, ScopeType
        from ai.backend.manager.models.rbac_models.association_scopes_entities import AssociationScopesEntitiesRow

        from support.bindings.gen_26_3.factories.sessions import DEFAULT_PROJECT, DEFAULT_USER

        return sa.insert(AssociationScopesEntitiesRow.__table__).values(
            scope_type=ScopeType.PROJECT,
            scope_id=str(DEFAULT_PROJECT),
            entity_type=EntityType.USER,
            entity_id=str(DEFAULT_USER),
        )

    async def flush(self) -> None:
        if getattr(self, "_flushed", False):
            return
        for server in self.replicas.values():
            if not server.address:
                await server.start()
        for row in self._pending_rows:
            if isinstance(row, Row) and row.table.name == "kernels":
                name = next((n for n, sid in self.names.sessions.items() if sid == row.values.get("session_id")), None)
                if name in self.replicas and row.values.get("kernel_host") is not None:
                    self._serve_on(row, self.replicas[name])
                    self._served[name] = self.replicas[name].port
        for route, session in self._replica_sessions.items():
            kernel_host = self._kernel_host(self.names.sessions[session])
            if kernel_host is not None:
                self.amend_route(route, replica_host=kernel_host, replica_port=self.replicas[session].port)
        # 26.4.16 refuses a session request for a resource group no agent serves (RequestedSlotTypeRule):
        # the deployments' scaling group has one, as any scaling group that serves models does (unless
        # the scenario's own agents serve it: ``serves_own_agent``).
        if self.serves_own_agent:
            agent = self.agent_factory.build(id="serving-agent", version=self.release)
            self._pending_rows.extend(self.rows_of_agent(agent))
        await super().flush()
        await self._register_probe_targets()

    async def _register_probe_targets(self) -> None:
        """What check-starting-routes left in Valkey for each arranged route that got past it (warming up
        or RUNNING) with a replica address: the probe target the health observer reads
        (``route_probe:{id}``), written through the real client."""
        targets = []
        for row in self._routes.values():
            values = row.values
            past_starting = values["status"] == RouteStatus.RUNNING or values["sub_status"] == RouteSubStatus.WARMING_UP
            check = values.get("health_check")
            if past_starting and values.get("replica_host") and check is not None and check.enable:
                targets.append(
                    ReplicaProbeTarget(
                        replica_id=values["id"],
                        health_path=check.path,
                        inference_port=values["replica_port"],
                        replica_host=values["replica_host"],
                    )
                )
        await self.valkey.register_route_probe_targets_batch(targets)

    async def write(self, *rows: Any) -> None:
        """Deployments are followed by their revisions and replica groups (foreign-key order)."""
        expanded: list[Any] = []
        for row in rows:
            expanded.append(row)
            if isinstance(row, Row) and row.table.name == "endpoints":
                name = row.values["name"]
                if not self._variant_written:
                    expanded.insert(len(expanded) - 1, RuntimeVariantRowFactory.build())
                    self._variant_written = True
                if name in self._revisions:
                    expanded.extend(self._rows_of_deployment(name))
        await super().write(*expanded)

    def _rows_of_deployment(self, name: str) -> list[Any]:
        """What follows a deployment's endpoint row: its revision, the revision's slots, its replica group."""
        return [self._revisions[name], *self._revision_slots[name], self._groups[name]]

    def _kernel_host(self, session_id: uuid.UUID) -> str | None:
        for row in self._pending_rows:
            if isinstance(row, Row) and row.table.name == "kernels" and row.values.get("session_id") == session_id:
                return row.values.get("kernel_host")
        return None

    async def deployment_image(self, name: str) -> uuid.UUID:
        """26.4.16 keeps the image on the deployment's revision."""
        from ai.backend.manager.models.deployment_revision import DeploymentRevisionRow

        revisions = DeploymentRevisionRow.__table__
        revision_id = self._revisions[name].values["id"]
        async with self.database.engine.connect() as conn:
            return (await conn.execute(sa.select(revisions.c.image).where(revisions.c.id == revision_id))).scalar_one()

    def kernel_address(self, host: str, port: int) -> tuple[str, int]:
        """A RUNNING session's kernel, which a scenario names ``<session>.kernels`` port 8000, listens on
        its replica's loopback server (the health observer probes it there)."""
        session = host.removesuffix(".kernels")
        if host.endswith(".kernels") and session in self._served:
            return "127.0.0.1", self._served[session]
        return host, port

    async def discovery_labels(self, deployment: str) -> dict[str, str]:
        """26.4.16 names the runtime variant by its row (the deployment's revision refers to it) and
        labels the deployment's id twice, as ``endpoint_id`` and ``deployment_id``."""
        from ai.backend.manager.models.runtime_variant import RuntimeVariantRow

        row = await self.read.deployment(self.deployment(deployment))
        variants = RuntimeVariantRow.__table__
        variant_id = self._revisions[deployment].values["runtime_variant_id"]
        async with self.database.engine.connect() as conn:
            variant = (await conn.execute(sa.select(variants.c.name).where(variants.c.id == variant_id))).scalar_one()
        return {
            "runtime_variant": variant,
            "endpoint_id": str(row["id"]),
            "deployment_id": str(row["id"]),
            "session_owner": str(row["session_owner"]),
            "project": str(row["project"]),
        }

    async def terminating_since(self, route: str, since: datetime) -> None:
        """26.4.16 counts a terminating route's time from the last record of its lifecycle history: the
        drain-routes record that moved it from DRAINING to COOLING_DOWN (the state it is arranged in)."""
        from ai.backend.manager.data.session.types import SchedulingResult
        from ai.backend.manager.models.scheduling_history.row import RouteHistoryRow

        await self.write(
            sa.insert(RouteHistoryRow.__table__).values(
                route_id=self.route(route),
                deployment_id=self.deployment_of(route),
                phase="drain-routes",
                from_status=RouteStatus.TERMINATING.value,
                to_status=RouteStatus.TERMINATING.value,
                from_sub_status=RouteSubStatus.DRAINING.value,
                to_sub_status=RouteSubStatus.COOLING_DOWN.value,
                result=str(SchedulingResult.SUCCESS),
                message="drain-routes completed successfully",
                created_at=since,
                updated_at=since,
            )
        )

    @staticmethod
    def _serve_on(kernel: Row, server: ReplicaServer) -> None:
        kernel.values["kernel_host"] = "127.0.0.1"
        for port in kernel.values.get("service_ports") or []:
            if port.get("is_inference"):
                port["host_ports"] = [server.port]

    def set_up_timers(self) -> None:
        self.timers = {spec.name: spec for spec in self.route_coordinator.create_task_specs()}

    # -- route health: the replica's answers, as the manager's observer probes them ---------------

    def replica_of(self, route: str) -> ReplicaServer:
        session = self._route_row(route).values.get("session")
        name = next((n for n, sid in self.names.sessions.items() if sid == session), None)
        if name is None:
            raise KeyError(f"route {route!r} has no session whose replica could answer a probe")
        return self.replicas[name]

    async def report_readiness(self, route: str, ready: bool, *, age: timedelta = timedelta(seconds=5)) -> None:
        """26.4.16's manager probes replicas itself: the route's replica answers (200 when ready,
        503 otherwise), and the route health observer probed it ``age`` ago."""
        await self._probe(route, [age], 200 if ready else 503)

    async def fail_probes(self, route: str, count: int) -> None:
        """The route's replica answers 503 to ``count`` probes in a row, one health-check interval
        apart, the last one just now."""
        interval = timedelta(seconds=self._route_row(route).values["health_check"].interval)
        await self._probe(route, [interval * (count - 1 - i) for i in range(count)], 503)

    async def _probe(self, route: str, ages: list[timedelta], status: int) -> None:
        """The health observer's ticks, each ``age`` ago, while the route's replica answers ``status``
        (a route without a session is given a RUNNING one to answer)."""
        if route not in self._routes:
            raise KeyError(route)
        if self._route_row(route).values.get("session") is None:
            session = f"{route}-session"
            self.add_session(session, SessionStatus.RUNNING)
            self.bind_session(route, session)
        await self.flush()
        self.replica_of(route).status = status
        now = self.clock.now
        try:
            for age in ages:
                self.clock._now = now - age
                await self.route_coordinator.process_route_lifecycle(RouteLifecycleType.OBSERVE_HEALTH)
        finally:
            self.clock._now = now

    async def start_health_record(self, route: str) -> None:
        """26.4.16 keeps no health record before the first probe: nothing is written."""
        self.route(route)

    # -- running ---------------------------------------------------------------------------------

    @staticmethod
    def _route_selection(target: Any) -> dict[str, Any]:
        """The routes a handler targets, as the route coordinator asks its repository for them
        (26.4.16: a querier of ``RouteConditions``)."""
        from ai.backend.manager.repositories.deployment.options import RouteConditions

        conditions = []
        if target.lifecycle is not None:
            conditions.append(RouteConditions.by_lifecycle_statuses(target.lifecycle))
        if target.health is not None:
            conditions.append(RouteConditions.by_health_statuses(target.health))
        if target.traffic is not None:
            conditions.append(RouteConditions.by_traffic_statuses(target.traffic))
        if target.sub_status is not None:
            conditions.append(RouteConditions.by_sub_statuses(target.sub_status))
        return {"querier": BatchQuerier(pagination=NoPagination(), conditions=conditions)}

    async def run_handler(self, name: str) -> v26_3.HandlerReport:
        """The handler alone, on what the repository gives it for its target statuses."""
        await self.flush()
        handler, lifecycle = self.handler(name)
        with self.clock.pinned(), retry_waits_on(self.clock, self.retry_waits):
            given: Sequence[Any] = await self.repository.search_route_datas_with_last_history(
                **self._route_selection(handler.target_statuses()), category=handler.category()
            )
            with RouteRecorderContext.scope(lifecycle.value, entity_ids=[r.route_id for r in given]):
                await handler.execute(given)
        self._last_work = self.reports[-1]
        return self.reports[-1]


__all__ = ["ReplicaServer", "RouteSubStatus", "ServingWorld"]
