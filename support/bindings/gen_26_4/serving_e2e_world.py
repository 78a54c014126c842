"""End-to-end model serving on 26.4.16: the 26.3 binding's ``ServingEndToEndWorld``
(support.bindings.gen_26_3.serving_e2e_world) on 26.4's pieces.

  scheduler     26.4's end-to-end world (support.bindings.gen_26_4.e2e_world), its timers as there
  serving       26.4's deployment world (support.bindings.gen_26_4.deployment_world): the real
                ``DeploymentCoordinator`` (check-replica, destroying, the seven deploying sub-steps),
                ``RouteCoordinator`` (with the manager's own health observer) and the replica-group
                reconciler's four stages
  timers        the manager's own: the task specs ``SokovanOrchestrator`` gathers from the deployment
                and route coordinators and the reconcile stages, each run, when due, by what the
                event it raises is handled with in production (event_dispatcher/handlers/schedule.py:
                ``process_if_needed`` / ``process_deployment_lifecycle(type, sub_step)``,
                ``process_if_needed`` / ``process_route_lifecycle``, and the reconciler coordinator's
                ``process_if_needed`` / ``process``)

What 26.4.16 changed for this tier, and what stands where:
  creating      the API creates a deployment PENDING, with its deployment policy and its primary
                replica group (no revision yet, the replica count as the group's desired count), then
                adds its first revision and activates it (``auto_activate``): the world writes those
                rows and calls the real ``DeploymentController.activate_revision``, which moves the
                deployment to DEPLOYING (deploying-initializing) and requests that cycle
  replicas      the agent reports, for a kernel it started, the address and the inference port its
                model service listens on (``service_ports``); each kernel of the simulated fleet serves
                on a real loopback HTTP server (``ReplicaServer``), answering 200
  "app proxy reports a route ready"
                26.4.16's manager probes a route's replica itself (the health check the revision's
                model definition enables), so nothing is simulated: the replica answers once its
                kernel runs, and the manager's observer probes it on its own timer
  Valkey        keys expire on the scenario clock (a route's health record lives 2 minutes), as in
                26.4's route world
  agents        the scaling group's agents are the scenario's ("a1", "a2"): the route world's own
                serving agent is not written
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from ai.backend.common.config import ModelConfig, ModelDefinition, ModelHealthCheck, ModelServiceConfig
from ai.backend.common.contexts.user import with_user
from ai.backend.common.data.endpoint.types import EndpointLifecycle
from ai.backend.common.data.user.types import UserData, UserRole
from ai.backend.common.types import KernelId
from ai.backend.manager.data.deployment.types import DeploymentLifecycleSubStep
from ai.backend.manager.sokovan.deployment.types import DeploymentLifecycleType

from support.bindings.common.moved import DeploymentID, DeploymentRevisionID
from support.bindings.gen_26_3.factories.sessions import DEFAULT_DOMAIN, DEFAULT_USER
from support.bindings.gen_26_3.fakes.agents import FakeAgent
from support.bindings.gen_26_3.fleet import SimulatedFleet
from support.bindings.gen_26_3.serving_e2e_world import ServingEndToEndWorld as ServingEndToEndWorld26_3
from support.bindings.gen_26_4.deployment_world import ServingWorld
from support.bindings.gen_26_4.e2e_world import EndToEndWorld
from support.bindings.gen_26_4.fakes.valkey_store import InMemoryValkeyPerCommand
from support.bindings.gen_26_4.serving_rows import DeploymentPolicyRowFactory
from support.bindings.gen_26_4.serving_world import ReplicaServer

INFERENCE_PORT = 8000  # the port the model service listens on inside its container


class ExpiringValkey(InMemoryValkeyPerCommand):
    """The end-to-end tier's store, its keys expiring on the scenario clock (route health records)."""

    expires_keys = True


class DatabaseServerClock:
    """The database server's clock, on the scenario clock while the world runs.

    26.4.16's route handlers compare the database's time (``get_db_now``, the scenario clock) with
    the time the route history stamped a route's last transition with (``created_at``, ``now()`` in
    the INSERT: the server's clock). Ticks move the scenario clock 2 s at a time, much faster than
    the wall clock, so the server's ``now()`` answers the scenario clock here: a function ``now()``
    in a schema of its own, ahead of ``pg_catalog`` on the search path of every connection the
    scenario's engine hands out, reading the scenario time each connection is given when it is
    checked out. Both are reset when a connection is returned, and the schema is dropped at the end.
    """

    SCHEMA = "scenario_clock"

    def __init__(self, engine: Any, clock: Any) -> None:
        self._pool = engine.sync_engine.pool
        self._engine = engine
        self._clock = clock

    async def install(self) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {self.SCHEMA}"))
            await conn.execute(
                sa.text(
                    f"CREATE OR REPLACE FUNCTION {self.SCHEMA}.now() RETURNS timestamptz LANGUAGE sql STABLE "
                    "AS $$ SELECT current_setting('scenario.now')::timestamptz $$"
                )
            )
        sa.event.listen(self._pool, "checkout", self._on_checkout)
        sa.event.listen(self._pool, "checkin", self._on_checkin)

    async def remove(self) -> None:
        sa.event.remove(self._pool, "checkout", self._on_checkout)
        sa.event.remove(self._pool, "checkin", self._on_checkin)
        async with self._engine.begin() as conn:
            await conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {self.SCHEMA} CASCADE"))

    def _on_checkout(self, dbapi_connection: Any, *_: Any) -> None:
        """Session settings, outside any transaction (on asyncpg's own connection, before SQLAlchemy
        begins one), so that no rollback undoes them."""
        self._run(
            dbapi_connection,
            f'SET search_path TO {self.SCHEMA}, "$user", public, pg_catalog; '
            f"SET scenario.now TO '{self._clock.now.isoformat()}'",
        )

    def _on_checkin(self, dbapi_connection: Any, *_: Any) -> None:
        if dbapi_connection is not None:
            self._run(dbapi_connection, "RESET search_path; RESET scenario.now")

    @staticmethod
    def _run(dbapi_connection: Any, sql: str) -> None:
        dbapi_connection.await_(dbapi_connection._connection.execute(sql))


class ServingFleet(SimulatedFleet):
    """The simulated agents, each kernel they start serving on a real loopback HTTP server."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.replicas: dict[KernelId, ReplicaServer] = {}

    async def creation_info(self, agent: FakeAgent, kernel_id: KernelId, slots: dict[str, Any]) -> dict[str, Any]:
        """As the 26.3 fleet reports, with the kernel's address on loopback and its inference port."""
        info = await super().creation_info(agent, kernel_id, slots)
        server = self.replicas.get(kernel_id)
        if server is None:
            server = self.replicas[kernel_id] = ReplicaServer()
            await server.start()
        info["kernel_host"] = "127.0.0.1"
        info["service_ports"] = [
            {
                "name": "inference",
                "protocol": "http",
                "container_ports": [INFERENCE_PORT],
                "host_ports": [server.port],
                "is_inference": True,
            }
        ]
        return info

    async def aclose(self) -> None:
        for server in self.replicas.values():
            await server.stop()


def model_definition(name: str) -> ModelDefinition:
    """The model definition a deployment's revision carries: its model service, health-checked."""
    return ModelDefinition(
        models=[
            ModelConfig(
                name=name,
                model_path="/models",
                service=ModelServiceConfig(port=INFERENCE_PORT, health_check=ModelHealthCheck(enable=True)),
            )
        ]
    )


class ServingEndToEndWorld(ServingEndToEndWorld26_3, EndToEndWorld):
    """26.3's serving end-to-end world on 26.4's end-to-end world (method resolution: this, 26.3's
    serving end-to-end world, 26.4's end-to-end world, 26.3's end-to-end world, the coordinator
    worlds)."""

    serving_world_class = ServingWorld
    fleet_class = ServingFleet
    valkey_store_class = ExpiringValkey
    serving: ServingWorld
    fleet: ServingFleet

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.serving.serves_own_agent = False  # the scenario's agents serve the scaling group

    async def start(self) -> None:
        await super().start()
        self.database_clock = DatabaseServerClock(self.database.engine, self.clock)
        await self.database_clock.install()

    async def aclose(self) -> None:
        if hasattr(self, "fleet"):
            await self.fleet.aclose()
        await super().aclose()
        if hasattr(self, "database_clock"):
            await self.database_clock.remove()

    # -- timers ----------------------------------------------------------------------------------

    def _serving_timer_specs(self) -> list[Any]:
        """The deployment, route and reconcile-stage timers, as the manager's orchestrator lists them."""
        self.serving.set_up_timers()
        return list(self.serving.timers.values())

    def _serving_timer_run(self, spec: Any) -> Callable[[], Awaitable[Any]]:
        """As 26.3's, with what 26.4.16 added: a reconcile stage's events (the reconciler
        coordinator's ``process_if_needed`` / ``process``) and a DEPLOYING sub-step's (the deployment
        coordinator's, for that sub-step)."""
        event = spec.event_factory()
        if_needed = "if_needed" in spec.name
        reconcile_type = getattr(event, "reconcile_type", None)
        if reconcile_type is not None:
            reconciler, _ = self.serving.reconciler
            return functools.partial(reconciler.process_if_needed if if_needed else reconciler.process, reconcile_type)
        if spec.name.startswith("deployment"):
            lifecycle = DeploymentLifecycleType(event.lifecycle_type)
            sub_step = DeploymentLifecycleSubStep(event.sub_step) if event.sub_step is not None else None
            coordinator = self.serving.deployment_coordinator
            run = coordinator.process_if_needed if if_needed else coordinator.process_deployment_lifecycle
            return functools.partial(run, lifecycle, sub_step)
        return super()._serving_timer_run(spec)  # a route timer

    async def _app_proxy_probes(self) -> None:
        """26.4.16's manager probes the replicas itself (its route health observer, on its own timer):
        nothing reports readiness on its behalf."""

    # -- what the scenario asks ------------------------------------------------------------------

    async def create_deployment(self, name: str, replicas: int) -> None:
        """A deployment as the API creates one: PENDING, with its deployment policy and its primary
        replica group (the replica count as its desired count, no revision yet), and its first
        revision, which the API then activates (the real ``DeploymentController.activate_revision``)."""
        serving = self.serving
        deployment_id = serving.add_deployment(name, EndpointLifecycle.PENDING, replicas=replicas)
        serving._groups[name].values["current_revision_id"] = None
        revision = serving._revisions[name].values
        revision["model_definition"] = model_definition(name)
        serving.add_rows(DeploymentPolicyRowFactory.build(endpoint=deployment_id))
        await self.flush()
        with self.clock.pinned():
            await serving.deployment_controller.activate_revision(
                DeploymentID(deployment_id), DeploymentRevisionID(revision["id"])
            )

    async def set_replicas(self, deployment: str, replicas: int) -> None:
        """The owner changes the replica count through the API's path, in the owner's request context:
        the real ``DeploymentController.update_deployment``, which checks the new spec against the
        current revision, writes ``replicas`` and ``desired_replicas`` (26.4.16 aims at their
        COALESCE) and requests a check-replica cycle."""
        await self.flush()
        deployment_id = DeploymentID(self.deployment_id(deployment))
        owner = UserData(
            user_id=DEFAULT_USER,
            is_authorized=True,
            is_admin=False,
            is_superadmin=False,
            role=UserRole.USER,
            domain_name=DEFAULT_DOMAIN,
            **self._owner_context(),
        )
        with self.clock.pinned(), with_user(owner):
            await self.serving.deployment_controller.update_deployment(
                deployment_id, self._replica_count_update(deployment_id, replicas)
            )

    def _owner_context(self) -> dict[str, Any]:
        """What else the owner's request context carries (nothing more in 26.4.16)."""
        return {}

    def _replica_count_update(self, deployment_id: Any, replicas: int) -> Any:
        """What ``update_deployment`` is given to change the replica count: 26.4.16's updater spec."""
        from ai.backend.manager.repositories.deployment.updaters.deployment import (  # gone in 26.9
            DeploymentUpdaterSpec,
            ReplicaSpecUpdaterSpec,
        )
        from ai.backend.manager.types import OptionalState

        return DeploymentUpdaterSpec(replica_spec=ReplicaSpecUpdaterSpec(replica_count=OptionalState.update(replicas)))

    def deployment_id(self, name: str) -> uuid.UUID:
        return self.serving.deployment(name)

    def __repr__(self) -> str:
        return f"ServingEndToEndWorld({self.database.name}, tick {self.ticks}, 26.4)"


__all__ = ["ServingEndToEndWorld"]
