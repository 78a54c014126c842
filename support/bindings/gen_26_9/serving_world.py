"""One scenario's route side on the database tier, for 26.9.6: the 26.4 route world
(support.bindings.gen_26_4.serving_world) with what 26.9 changed. The route coordinator, its handlers
and its constructor are 26.4.16's (the handlers differ by ``@override`` only); what changed is
around them:

  rows          26.9.6's schema (support.bindings.gen_26_9.factories.rows): owners, resource groups and
                agents by id, slot amounts only in the resource tables; a replica group names the
                session group it owns (support.bindings.gen_26_9.serving_rows)
  repositories  the ``DeploymentRepository`` and the ``SchedulerRepository`` take a reconcile-ops
                provider (real, on the scenario's engine) and the RBAC permission check (real:
                ``RbacPermissionCheckRepository`` on the permission ops, as the manager builds it)
  controller    the scheduling controller takes the manager's agent selector
                (support.bindings.gen_26_9.wiring.agent_selector)
  selection     a handler's routes are searched with a ``RouteDataSearcher`` of
                ``ReplicaSearchableFields`` filters, as 26.9.6's route coordinator does
  membership    the deployments' owner is a member of their project, and may mount its model folders,
                in the RBAC graph 26.9.6 reads (virtual entities, memberships, scope bindings, and the
                owner's role; 26.9.6 dropped the scope-entity associations 26.4.16 read), see
                ``_owner_membership``
  images        a replica's session runs the deployments' image (kernels refer to the image's row)
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import sqlalchemy as sa
from ai.backend.manager.repositories.ops.v2.permission.provider import PermissionOpsProvider
from ai.backend.manager.repositories.ops.v2.reconciler.provider import ReconcileOpsProvider
from ai.backend.manager.repositories.rbac.permission_check_repository import RbacPermissionCheckRepository

from support.bindings.common.moved import SessionWithKernels
from support.bindings.gen_26_3.coordinator_world import SchedulerRepositoryOnScenarioClock
from support.bindings.gen_26_3.factories.rows import Row
from support.bindings.gen_26_3.factories.sessions import stable_id
from support.bindings.gen_26_3.fakes.valkey_stat import FakeValkeyStat
from support.bindings.gen_26_4 import serving_world as v26_4
from support.bindings.gen_26_4.serving_rows import DEFAULT_IMAGE_ID
from support.bindings.gen_26_9.coordinator_world import scheduler_repository
from support.bindings.gen_26_9.factories.rows import AgentRowFactory, agent_rows, owner_rows, session_rows
from support.bindings.gen_26_9.factories.sessions import SessionWithKernelsFactory
from support.bindings.gen_26_9.serving_rows import ReplicaGroupRowFactory, SessionGroupRowFactory
from support.bindings.gen_26_9.wiring import agent_selector


def replica_session_rows(sw: SessionWithKernels) -> list[Row]:
    """A replica's session as 26.9.6 keeps it (``session_rows``), running the deployments' image (the
    one image the serving world writes: kernels refer to their image's row)."""
    rows = []
    for row in session_rows(sw):
        if "image_id" in row.values:
            row = Row(row.table, {**row.values, "image_id": DEFAULT_IMAGE_ID})
        if "image_ids" in row.values:
            row = Row(row.table, {**row.values, "image_ids": [DEFAULT_IMAGE_ID]})
        rows.append(row)
    return rows


class RouteWorld(v26_4.ServingWorld):
    release = "26.9.6"
    session_factory = SessionWithKernelsFactory
    rows_of_session = staticmethod(replica_session_rows)
    rows_of_owners = staticmethod(owner_rows)
    agent_factory = AgentRowFactory
    rows_of_agent = staticmethod(agent_rows)
    replica_group_factory = ReplicaGroupRowFactory

    # -- the production objects ------------------------------------------------------------------

    def _permission_check(self) -> RbacPermissionCheckRepository:
        return RbacPermissionCheckRepository(PermissionOpsProvider(self.database.engine), self.config)  # type: ignore[arg-type]

    def _repository_args(self) -> tuple[Any, ...]:
        return (
            self.database.engine,
            ReconcileOpsProvider(self.database.engine),
            self.storage_manager,
            self._unused["valkey stat"],
            self._unused["valkey live"],
            self.valkey,
            self._permission_check(),
        )

    @cached_property
    def scheduler_repository(self) -> SchedulerRepositoryOnScenarioClock:
        return scheduler_repository(
            self.database,
            valkey_stat=FakeValkeyStat(),
            valkey_schedule=self.valkey,
            config=self.config,
            storage_manager=self.storage_manager,
            permission_check=self._permission_check(),
            clock=self.clock,
        )

    def _scheduling_controller_args(self) -> dict[str, Any]:
        return {**super()._scheduling_controller_args(), "agent_selector": agent_selector(self.config)}

    @staticmethod
    def _route_selection(target: Any) -> dict[str, Any]:
        """26.9.6's route coordinator searches with a ``RouteDataSearcher`` of searchable-field filters."""
        from ai.backend.manager.models.routing.searchable_fields import ReplicaSearchableFields
        from ai.backend.manager.models.routing.searchers import RouteDataSearcher
        from ai.backend.manager.repositories.base import NoPagination

        fields = ReplicaSearchableFields.own
        conditions = [
            field.filter.in_(statuses)
            for field, statuses in (
                (fields.status, target.lifecycle),
                (fields.health_status, target.health),
                (fields.traffic_status, target.traffic),
                (fields.sub_status, target.sub_status),
            )
            if statuses is not None
        ]
        return {"searcher": RouteDataSearcher(pagination=NoPagination(), conditions=conditions)}

    # -- writing ---------------------------------------------------------------------------------

    def _owner_membership(self) -> list[sa.Executable]:
        """26.9.6 asks the RBAC graph whether a (non-admin) session owner is a member of the project
        (``utils.py`` ``user_scope_membership_exists``: the user's virtual entity is held by one the
        project's governs), and whether the owner may mount a model folder (the user holds the folder,
        ``repositories/vfolder/mount.py`` ``query_reachable_vfolders``). The graph rows for a project,
        its member and the member's folders: a virtual entity per node, each holding and governing
        itself, the project holding the user and the user holding each of its model folders; and,
        as RBAC is enforced by default, the user's own role in its user scope, which grants every
        permission on the folders it holds (``repositories/ops/v2/permission/read.py`` ``owned_permissions``)."""
        from ai.backend.common.data.entity.project import ProjectEntityType
        from ai.backend.common.data.entity.user import UserEntityType
        from ai.backend.common.data.entity.vfolder import VFolderEntityType
        from ai.backend.common.data.permission.types import Permission
        from ai.backend.manager.models.rbac_models.permission.permission import PermissionRow
        from ai.backend.manager.models.rbac_models.role import RoleRow
        from ai.backend.manager.models.rbac_models.user_role import UserRoleRow
        from ai.backend.manager.models.virtual_entity.entity_membership import EntityMembershipRow
        from ai.backend.manager.models.virtual_entity.scope_binding import ScopeBindingRow
        from ai.backend.manager.models.virtual_entity.virtual_entity import VirtualEntityRow

        from support.bindings.gen_26_3.factories.sessions import DEFAULT_PROJECT, DEFAULT_USER

        project = stable_id("virtual entity", f"project:{DEFAULT_PROJECT}")
        user = stable_id("virtual entity", f"user:{DEFAULT_USER}")
        nodes = {project: (ProjectEntityType(), DEFAULT_PROJECT), user: (UserEntityType(), DEFAULT_USER)}
        held = [(project, user)]
        for folder in self._model_folders.values():
            node = stable_id("virtual entity", f"vfolder:{folder.values['id']}")
            nodes[node] = (VFolderEntityType(), folder.values["id"])
            held.append((user, node))
        return [
            sa.insert(VirtualEntityRow.__table__).values(
                [{"id": node, "entity_type": kind, "entity_id": entity} for node, (kind, entity) in nodes.items()]
            ),
            sa.insert(EntityMembershipRow.__table__).values(
                [
                    {"virtual_entity_id": node, "member_entity_id": member, "capped": False}
                    for node, member in [*((n, n) for n in nodes), *held]
                ]
            ),
            sa.insert(ScopeBindingRow.__table__).values(
                [{"virtual_entity_id": node, "scope_entity_id": node, "permission_cap": None} for node in nodes]
            ),
            sa.insert(RoleRow.__table__).values(
                id=(role := stable_id("role", f"user:{DEFAULT_USER}")),
                name="owner",
                scope_type=UserEntityType(),
                scope_id=DEFAULT_USER,
            ),
            sa.insert(PermissionRow.__table__).values(
                [
                    {"role_id": role, "entity_type": VFolderEntityType(), "permission": bit, "all_fields": True}
                    for bit in Permission  # one row per permission bit
                ]
            ),
            sa.insert(UserRoleRow.__table__).values(user_id=DEFAULT_USER, role_id=role),
        ]

    def _rows_of_deployment(self, name: str) -> list[Any]:
        """A replica group's session group is written before the group."""
        rows = super()._rows_of_deployment(name)
        group: Row = self._groups[name]
        index = rows.index(group)
        return [*rows[:index], SessionGroupRowFactory.build(id=group.values["session_group_id"]), *rows[index:]]


ServingWorld = RouteWorld

__all__ = ["RouteWorld", "ServingWorld"]
