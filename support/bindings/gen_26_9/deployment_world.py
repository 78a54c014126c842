"""One scenario's deployment side on the database tier, for 26.9.6: the 26.4 deployment world
(support.bindings.gen_26_4.deployment_world: the real ``DeploymentCoordinator``, the replica-group
reconciler, ``BEP_COMPONENTS``) on the 26.9 route world (support.bindings.gen_26_9.serving_world:
26.9.6's rows, repositories and RBAC arrangement). The coordinator's constructor and handler set
are 26.4.16's; what 26.9 changed around them:

  repositories  ``ReplicaGroupRepository`` takes its ops provider (``ReplicaGroupOpsProvider`` on the
                scenario's engine), ``RuntimeVariantRepository`` the engine and a V2 ops provider
  reconciler    ``build_reconciler_coordinator`` adds four idle-check stages beside the four
                replica-group stages; their repositories (idle checker, metrics) and Valkey live are
                ``Unused``: no scenario runs an idle-check stage
  selection     a handler's deployments are searched with 26.9.6's ``DeploymentInfoSearcher``, built as
                the coordinator builds it (``DeploymentCoordinator._build_deployment_searcher``)
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from ai.backend.manager.repositories.ops.v2.provider import V2DBOpsProvider
from ai.backend.manager.repositories.ops.v2.replica_group.provider import ReplicaGroupOpsProvider
from ai.backend.manager.repositories.replica_group.repository import ReplicaGroupRepository
from ai.backend.manager.repositories.runtime_variant.repository import RuntimeVariantRepository
from ai.backend.manager.sokovan.deployment.coordinator import DeploymentCoordinator

from support.bindings.common.fakes.unused import Unused
from support.bindings.gen_26_4 import deployment_world as v26_4
from support.bindings.gen_26_9.serving_world import RouteWorld


class ServingWorld(RouteWorld, v26_4.ServingWorld):
    @cached_property
    def replica_group_repository(self) -> ReplicaGroupRepository:
        return ReplicaGroupRepository(ReplicaGroupOpsProvider(self.database.engine))

    def _runtime_variant_repository(self) -> Any:
        return RuntimeVariantRepository(self.database.engine, V2DBOpsProvider(self.database.engine))

    def _reconciler_args(self) -> dict[str, Any]:
        for name in ("idle checker repository", "metric repository"):
            self._unused.setdefault(name, Unused(name))
        return {
            **super()._reconciler_args(),
            "idle_checker_repository": self._unused["idle checker repository"],
            "metric_repository": self._unused["metric repository"],
            "scheduling_controller": self.scheduling_controller,
            "valkey_live": self._unused["valkey live"],
        }

    @staticmethod
    def _deployment_selection(target: Any) -> dict[str, Any]:
        return {"searcher": DeploymentCoordinator._build_deployment_searcher(target)}


__all__ = ["ServingWorld"]
