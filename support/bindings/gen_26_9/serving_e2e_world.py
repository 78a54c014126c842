"""End-to-end model serving on 26.9.6: the 26.4 binding's ``ServingEndToEndWorld``
(support.bindings.gen_26_4.serving_e2e_world) on 26.9's pieces.

  scheduler     26.9's end-to-end world (support.bindings.gen_26_9.e2e_world), its timers as there
  serving       26.9's deployment world (support.bindings.gen_26_9.deployment_world): 26.9.6's
                ``DeploymentCoordinator``, ``RouteCoordinator`` and reconciler stages on 26.9.6's
                schema, with the owner's project membership and folder access as RBAC rows
  timers        the manager's own, run as on 26.4.16 (the orchestrator's task specs, each run by what
                its event is handled with); the database server's clock is the scenario's
  replicas      26.9's fleet (a started kernel reported as a ``KernelCreationInfo``), each kernel
                serving on a real loopback HTTP server and reported with its inference port
  scaling       the owner's request goes to the real ``DeploymentController.update_deployment``, which
                26.9.6 gives the deployment's own ``DeploymentUpdater`` (no updater spec any more), in a
                request context that also names the owner's domain by id
  idle checks   the reconciler's four idle-check stages (new in 26.9) get no timer here: the scenario has
                no idle checker (its repositories are ``Unused`` in the deployment world)
"""

from __future__ import annotations

from typing import Any

from ai.backend.common.data.entity.domain import DomainID
from ai.backend.manager.models.endpoint.updaters import DeploymentUpdater
from ai.backend.manager.types import OptionalState

from support.bindings.gen_26_3.factories.sessions import DEFAULT_DOMAIN
from support.bindings.gen_26_4.serving_e2e_world import ServingEndToEndWorld as ServingEndToEndWorld26_4
from support.bindings.gen_26_4.serving_e2e_world import ServingFleet as ServingFleet26_4
from support.bindings.gen_26_9.deployment_world import ServingWorld
from support.bindings.gen_26_9.e2e_world import EndToEndWorld
from support.bindings.gen_26_9.factories.sessions import domain_id
from support.bindings.gen_26_9.fleet import SimulatedFleet


class ServingFleet(SimulatedFleet, ServingFleet26_4):  # type: ignore[misc]  # creation_info: KernelCreationInfo
    """26.4's serving fleet (loopback replicas, inference port) reported as 26.9.6's
    ``KernelCreationInfo`` (method resolution: 26.9's fleet converts what 26.4's serving fleet reports)."""


class ServingEndToEndWorld(ServingEndToEndWorld26_4, EndToEndWorld):
    """26.4's serving end-to-end world on 26.9's end-to-end world and deployment world."""

    serving_world_class = ServingWorld
    fleet_class = ServingFleet
    serving: ServingWorld
    fleet: ServingFleet

    def _serving_timer_specs(self) -> list[Any]:
        """26.4.16's timers, without the four idle-check reconcile stages 26.9.6 added beside the
        replica-group stages: they judge sessions' idleness (the idle checker's repositories, which the
        deployment world leaves ``Unused``), nothing a deployment's scaling is decided by."""
        return [
            spec
            for spec in super()._serving_timer_specs()
            if not str(getattr(spec.event_factory(), "reconcile_type", "")).startswith("idle_check")
        ]

    def _owner_context(self) -> dict[str, Any]:
        """26.9.6's request context also names the owner's domain by id."""
        return {"domain_id": DomainID(domain_id(DEFAULT_DOMAIN))}

    def _replica_count_update(self, deployment_id: Any, replicas: int) -> Any:
        """26.9.6's ``update_deployment`` takes the deployment's own updater (its replica count)."""
        return DeploymentUpdater(deployment_id=deployment_id, replica_count=OptionalState.update(replicas))

    def __repr__(self) -> str:
        return f"ServingEndToEndWorld({self.database.name}, tick {self.ticks}, 26.9)"


__all__ = ["ServingEndToEndWorld"]
