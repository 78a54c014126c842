"""End-to-end model serving: the deployment and route coordinators (support.bindings.gen_26_3.serving_world) and the
scheduler (support.bindings.gen_26_3.e2e_world) on one database, one clock and one Valkey, driven by all three
coordinators' own timers, with the simulated agent fleet running the routes' sessions.

A route's request for a session goes to the scheduler's own controller (SchedulingController,
on the same database and Valkey), which checks it, writes the PENDING inference session and its
kernel, asking for what the deployment gives each replica, and requests a scheduling cycle; from
then on the scheduler and the fleet run it like any other.

Boundaries besides the end-to-end tier's:
  storage proxy      the real client asks the aiohttp server on 127.0.0.1 where the deployment's
                     model folder is kept, to mount it in the replica's session
  Valkey (live)      Backend.AI's ValkeyLiveClient on the same in-memory store (route connection
                     info for the app proxy)
  app proxy          the real client talks to the aiohttp endpoint on 127.0.0.1; the proxy's health
                     probes are simulated: each tick it reports a route ready when the route's
                     session is RUNNING, not ready otherwise, through Backend.AI's Valkey client
"""

from __future__ import annotations

import contextlib
import functools
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, cast

import sqlalchemy as sa
from ai.backend.common.clients.http_client.client_pool import ClientPool
from ai.backend.common.clients.valkey_client.valkey_live.client import ValkeyLiveClient
from ai.backend.common.clients.valkey_client.valkey_schedule import ValkeyScheduleClient
from ai.backend.manager.data.deployment.types import EndpointLifecycle
from ai.backend.manager.data.session.types import SessionStatus
from ai.backend.manager.models.endpoint import EndpointRow
from ai.backend.manager.models.routing import RoutingRow
from ai.backend.manager.models.session import SessionRow
from ai.backend.manager.sokovan.deployment.route.types import RouteLifecycleType
from ai.backend.manager.sokovan.deployment.types import DeploymentLifecycleType

from support.bindings.gen_26_3.database.fixtures import ScenarioDatabase
from support.bindings.gen_26_3.e2e_world import EndToEndWorld
from support.bindings.gen_26_3.serving_world import ServingWorld
from support.engine import swallowed


class ServingEndToEndWorld(EndToEndWorld):
    serving_world_class: type[ServingWorld] = ServingWorld  # the deployment and route coordinators' side

    def __init__(self, database: ScenarioDatabase, client_pool: ClientPool) -> None:
        super().__init__(database)
        self.serving = self.serving_world_class(database, client_pool)
        self._rows.clear()  # owners, scaling group and image come with the serving world's rows

    async def start(self) -> None:
        await super().start()
        serving = self.serving
        await serving.start()
        # One clock, one Valkey, one event bus for the three coordinators.
        serving.clock = self.clock
        serving.valkey_store = self.valkey_store
        serving.valkey = cast(ValkeyScheduleClient, self.valkey)  # Backend.AI's client (EndToEndWorld.start)
        serving.events = self.events
        # Where the manager leaves route connection info for the app proxy: Backend.AI's own
        # ValkeyLiveClient, on the same in-memory store.
        serving._unused["valkey live"] = ValkeyLiveClient(self.valkey_store)  # type: ignore[arg-type]
        # The scheduler's RUNNING hook finds a session's deployment through the real repository.
        self.deployments = serving.repository  # type: ignore[assignment]

    async def aclose(self) -> None:
        await self.serving.aclose()
        await super().aclose()

    async def flush(self) -> None:
        await self.serving.flush()
        await super().flush()

    # -- time passing -----------------------------------------------------------------------------

    async def _fire_due_timers(self) -> None:
        await self._app_proxy_probes()
        await super()._fire_due_timers()
        for spec in self._serving_timers:
            if self.clock.now < self.serving_due[spec.name]:
                continue
            self.serving_due[spec.name] = self.clock.now + timedelta(seconds=spec.interval)
            await self._run_serving_timer(spec)

    @property
    def _serving_timers(self) -> list[Any]:
        if "serving_timers" not in self.__dict__:
            specs = self._serving_timer_specs()
            self.__dict__["serving_timers"] = specs
            self.serving_due = {s.name: self.clock.now + timedelta(seconds=s.initial_delay) for s in specs}
        return self.__dict__["serving_timers"]

    def _serving_timer_specs(self) -> list[Any]:
        """The manager's timers for model serving: the deployment and route coordinators' task specs."""
        return [
            *self.serving.deployment_coordinator.create_task_specs(),
            *self.serving.route_coordinator.create_task_specs(),
        ]

    def _serving_timer_run(self, spec: Any) -> Callable[[], Awaitable[Any]]:
        """What the event ``spec``'s timer raises runs: the coordinator's handling of that event."""
        event = spec.event_factory()
        if_needed = "if_needed" in spec.name
        if spec.name.startswith("deployment"):
            lifecycle: Any = DeploymentLifecycleType(event.lifecycle_type)
            coordinator: Any = self.serving.deployment_coordinator
            run = coordinator.process_if_needed if if_needed else coordinator.process_deployment_lifecycle
        else:
            lifecycle = RouteLifecycleType(event.lifecycle_type)
            coordinator = self.serving.route_coordinator
            run = coordinator.process_if_needed if if_needed else coordinator.process_route_lifecycle
        return functools.partial(run, lifecycle)

    async def _run_serving_timer(self, spec: Any) -> None:
        run = self._serving_timer_run(spec)
        with self.clock.pinned():
            try:
                await run()
            except Exception as error:  # noqa: BLE001 - kept, as for the scheduler's cycles
                self.cycle_errors.append((spec.name, error))
                swallowed.keep(error, f"the {spec.name} timer")

    async def _app_proxy_probes(self) -> None:
        """The app proxy probes every route with a session: ready when the session runs."""
        routes, sessions = RoutingRow.__table__, SessionRow.__table__
        async with self.database.engine.connect() as conn:
            rows = list(
                await conn.execute(
                    sa.select(routes.c.id, sessions.c.status).join(sessions, sessions.c.id == routes.c.session)
                )
            )
        for route_id, status in rows:
            with contextlib.suppress(Exception):  # Valkey down: the probe result is lost
                await self.valkey.initialize_routes_health_status_batch([str(route_id)])
                await self.valkey.update_route_readiness(str(route_id), status == SessionStatus.RUNNING)

    # -- what the scenario asks ---------------------------------------------------------------------

    async def create_deployment(self, name: str, replicas: int) -> None:
        """A deployment as the API creates it: PENDING with its replica count, and a check requested."""
        self.serving.add_deployment(name, EndpointLifecycle.PENDING, replicas=replicas)
        await self.serving.request_cycle("check-pending-deployments")

    async def set_replicas(self, deployment: str, replicas: int) -> None:
        """The owner changes the replica count, as the API does: the row, and a check requested."""
        await self.flush()
        endpoints = EndpointRow.__table__
        await self.write(
            sa.update(endpoints).where(endpoints.c.id == self.serving.deployment(deployment)).values(replicas=replicas)
        )
        await self.serving.request_cycle("check-replica-deployments")

    def deployment_id(self, name: str) -> uuid.UUID:
        return self.serving.deployment(name)
