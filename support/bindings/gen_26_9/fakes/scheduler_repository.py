"""The in-memory ``SchedulerRepository`` of 26.9.6.

26.9 rewrote the repository's data layer: handlers and queries are keyed by the resource group's id
(``ResourceGroupID``), the coordinator and the launcher read through searchers (``KernelSearcher``,
``SessionSearcher``) instead of ``BatchQuerier``, and the provisioner schedules from a
``SchedulingData(resource_group, workloads, system_snapshot)`` built of ``views.sokovan`` types
(``SessionWorkload``, ``AgentMeta`` with per-slot ``AgentResource``, a ``SystemSnapshot`` holding the
group's policy and the user/project/domain occupancy and limits). ``allocate_sessions`` receives only
allocations (failures stay in the handler's report), and every schedule pass also calls
``reserve_sessions`` with the preemption-backed reservations. The data the 26.3/26.4 double built
no longer exists, so this double is new; it keeps the same rows (support.bindings.gen_26_3.fakes.stored),
the tables and the queries whose interface did not change (support.bindings.gen_26_3.fakes.tables),
and reads the searchers' conditions with support.bindings.common.fakes.conditions.

Like the earlier doubles it decides nothing a scenario asserts: which PENDING sessions outlived
the pending timeout is a fact the scenario states, ``lower_session_priority`` and the allocation
writes are recorded, and occupancy and limits are what the scenario arranged.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ai.backend.common.data.entity.domain import DomainID
from ai.backend.common.data.entity.project import ProjectID
from ai.backend.common.data.entity.resource_group import ResourceGroupID, ResourceGroupName
from ai.backend.common.data.entity.resource_slot import ResourceSlotName
from ai.backend.common.data.entity.user import UserID
from ai.backend.common.events.event_types.kernel.types import KernelLifecycleEventReason
from ai.backend.common.types import (
    AccessKey,
    AgentId,
    ArchName,
    ClusterMode,
    KernelId,
    ResourceSlot,
    SessionId,
)
from ai.backend.manager.data.agent.types import AgentStatus
from ai.backend.manager.data.kernel.types import KernelInfo, KernelListResult, KernelStatus
from ai.backend.manager.data.session.options import AgentSelectionPolicy
from ai.backend.manager.data.session.types import SessionStatus
from ai.backend.manager.models.resource_group.row import ResourceGroupOpts
from ai.backend.manager.views.sokovan.agent import (
    AgentLimit,
    AgentMeta,
    AgentResource,
    ResourceGroupResource,
    SlotResource,
)
from ai.backend.manager.views.sokovan.allocation import SessionAllocation
from ai.backend.manager.views.sokovan.image import ImageConfigData
from ai.backend.manager.views.sokovan.lifecycle import (
    KernelBindingData,
    SessionDataForPull,
    SessionDataForStart,
    SessionWithKernels,
)
from ai.backend.manager.views.sokovan.resource_group import ResourceGroupMeta
from ai.backend.manager.views.sokovan.scheduling import SchedulingData
from ai.backend.manager.views.sokovan.snapshot import (
    GlobalScopeSnapshot,
    ResourceAllocation,
    ResourceGroupSchedulingPolicy,
    ResourceGroupScopeSnapshot,
    ResourceLimit,
    ResourceOccupancySnapshot,
    ResourcePolicySnapshot,
    SessionDependencySnapshot,
    SlotAllocation,
    SystemSnapshot,
    UserResourceAllocation,
    UserResourceLimit,
)
from ai.backend.manager.views.sokovan.workload import (
    KernelWorkload,
    ResourceRequest,
    SessionPlacement,
    SessionWorkload,
    WorkloadMeta,
    WorkloadOwner,
)

from support.bindings.common.fakes.clock import FakeClock
from support.bindings.common.fakes.conditions import matches
from support.bindings.gen_26_3.fakes import stored
from support.bindings.gen_26_3.fakes.stored import StoredAgent, StoredUser
from support.bindings.gen_26_3.fakes.tables import SchedulerTables, status_info_reason

from ..factories.sessions import domain_id, occupied_slots, requested_slots, resource_group_id, stored_kernel


@dataclass
class StoredSession(stored.StoredSession):
    """A session row with the 26.9 columns the scheduler reads besides ``SessionInfo``: the designation
    policy (``sessions.options``), the owner's job priority and the batch start time it asked for."""

    agent_selection_policy: AgentSelectionPolicy = AgentSelectionPolicy.PREFERRED
    job_priority: int = 0
    requested_starts_at: datetime | None = None


@dataclass
class StoredResourceGroup:
    meta: ResourceGroupMeta
    scheduler: str
    opts: ResourceGroupOpts


class FakeSchedulerRepository(SchedulerTables):
    """Stands in for 26.9.6's ``SchedulerRepository``; any method not defined here fails loudly."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock)
        self.resource_groups: dict[ResourceGroupID, StoredResourceGroup] = {}
        self.images: dict[UUID, ImageConfigData] = {}
        # Limits and what is in use, per owner scope (what the scenario arranged).
        self.user_limits: dict[UserID, UserResourceLimit] = {}
        self.project_limits: dict[ProjectID, ResourceLimit] = {}
        self.domain_limits: dict[DomainID, ResourceLimit] = {}
        self.occupancy_by_user: dict[UserID, ResourceSlot] = {}
        self.occupancy_by_project: dict[ProjectID, ResourceSlot] = {}
        self.occupancy_by_domain: dict[DomainID, ResourceSlot] = {}
        # What the scheduler wrote, for Then steps.
        self.allocation_writes: list[list[SessionAllocation]] = []
        self.reservation_writes: list[list[SessionAllocation]] = []

    # -- arranging the tables -------------------------------------------------------------------

    def add_scaling_group(self, name: str, scheduler: str = "fifo", opts: ResourceGroupOpts | None = None) -> None:
        """A resource group (a scaling group, as the scenarios call it), with its id."""
        meta = ResourceGroupMeta(id=resource_group_id(name), name=ResourceGroupName(name))
        self.resource_groups[meta.id] = StoredResourceGroup(meta, scheduler, opts or ResourceGroupOpts())

    def add_image(self, image: ImageConfigData) -> None:
        self.images[image.id] = image

    # -- what the scheduler wrote ------------------------------------------------------------------

    def assignments_of(self, session_id: SessionId) -> dict[KernelId, AgentId]:
        """Kernel -> agent, as the provisioner allocated them (latest allocation wins)."""
        placed: dict[KernelId, AgentId] = {}
        for allocations in self.allocation_writes:
            for allocation in allocations:
                if allocation.session_id == session_id:
                    placed = {KernelId(k.kernel_id): k.agent_id for k in allocation.kernel_allocations}
        return placed

    def writes(self) -> list[str]:
        """Every write the scheduler made through this repository, named (a call that wrote nothing,
        such as ``reserve_sessions([])``, is not a write)."""
        return [
            *(f"allocate_sessions({len(a)} allocations)" for a in self.allocation_writes if a),
            *(f"reserve_sessions({len(a)} reservations)" for a in self.reservation_writes if a),
            *(f"lower_session_priority{r.session_ids}" for r in self.priority_requests),
            *(f"update_session_network_id({sid})" for sid in self.network_ids),
            *(f"update_session_error_info({sid})" for sid in self.error_infos),
        ]

    # -- SchedulerRepository: the coordinator's queries ----------------------------------------

    async def get_sessions_for_handler(
        self,
        resource_group_id: ResourceGroupID,
        session_statuses: list[SessionStatus],
        kernel_statuses: list[KernelStatus] | None,
    ) -> list[SessionWithKernels]:
        group = self.resource_groups[resource_group_id].meta.name
        selected = []
        for row in self._ordered_sessions():
            if row.session.session_info.resource.resource_group_name != group or row.status not in session_statuses:
                continue
            if kernel_statuses is not None and not any(k.lifecycle.status in kernel_statuses for k in row.kernels):
                continue
            selected.append(self._as_read(row))
        return selected

    async def search_kernels_for_handler(self, searcher: Any) -> KernelListResult:
        items = [
            stored_kernel(copy.deepcopy(kernel))
            for row in self._ordered_sessions()
            for kernel in row.kernels
            if matches(searcher.conditions, self._kernel_columns(kernel))
        ]
        return KernelListResult(items=items, total_count=len(items), has_next_page=False, has_previous_page=False)

    # -- SchedulerRepository: schedule-sessions and the provisioner ------------------------------

    async def get_scheduling_data(self, resource_group_id: ResourceGroupID) -> SchedulingData | None:
        group = self.resource_groups[resource_group_id]
        workloads = [
            workload
            for row in self._ordered_sessions()
            if row.session.session_info.resource.resource_group_name == group.meta.name
            and row.status == SessionStatus.PENDING
            and (workload := self._workload(row)) is not None
        ]
        if not workloads:
            return None
        agents = [
            self._agent_meta(a)
            for a in self.agents.values()
            if a.scaling_group == group.meta.name and a.status == AgentStatus.ALIVE and a.schedulable
        ]
        snapshot = SystemSnapshot(
            resource_group=ResourceGroupScopeSnapshot(
                resources=ResourceGroupResource(agents=agents),
                session_dependencies=SessionDependencySnapshot(by_session={}),
                policy=ResourceGroupSchedulingPolicy(
                    scheduler=group.scheduler,
                    agent_selection_strategy=group.opts.agent_selection_strategy,
                    preemption_order=group.opts.preemption.order,
                ),
            ),
            global_scope=GlobalScopeSnapshot(
                occupancy=self._occupancy(),
                resource_policy=ResourcePolicySnapshot(
                    by_user=dict(self.user_limits),
                    by_project=dict(self.project_limits),
                    by_domain=dict(self.domain_limits),
                ),
                agent_limit=AgentLimit(max_container_count=None),
            ),
            observed_at=self.clock.now,
        )
        return SchedulingData(resource_group=group.meta, workloads=workloads, system_snapshot=snapshot)

    async def allocate_sessions(self, allocations: list[SessionAllocation]) -> list[SessionId]:
        self.allocation_writes.append(list(allocations))
        return [a.session_id for a in allocations if a.session_id in self.sessions]

    async def reserve_sessions(self, allocations: list[SessionAllocation]) -> list[SessionId]:
        self.reservation_writes.append(list(allocations))
        return [a.session_id for a in allocations if a.session_id in self.sessions]

    # -- reading the rows as 26.9 does ------------------------------------------------------------

    @staticmethod
    def _as_read(row: stored.StoredSession) -> SessionWithKernels:
        """The session with its kernels as the repository reads them (no arranged slot amounts)."""
        read = copy.deepcopy(row.session)
        return SessionWithKernels(
            session_info=read.session_info,
            kernel_infos=[stored_kernel(k) for k in read.kernel_infos],
            last_phase=read.last_phase,
        )

    @staticmethod
    def _kernel_columns(kernel: KernelInfo) -> dict[str, Any]:
        return {
            "kernels.id": kernel.id,
            "kernels.session_id": UUID(kernel.session.session_id),
            "kernels.resource_group_id": kernel.resource.resource_group_id,
            "kernels.scaling_group": kernel.resource.resource_group,
            "kernels.status": kernel.lifecycle.status,
            "kernels.agent": kernel.resource.agent,
        }

    def _workload(self, row: stored.StoredSession) -> SessionWorkload | None:
        """The session as the provisioner schedules it; None for a session without pending kernels,
        which the database's join leaves out."""
        if not isinstance(row, StoredSession):
            raise TypeError(f"session {row.id} is not a 26.9 session row (StoredSessionFactory of gen_26_9)")
        info = row.session.session_info
        kernels = [
            KernelWorkload(
                kernel_id=k.id,
                architecture=ArchName(k.image.architecture or ""),
                requested_slots=ResourceRequest(slots=_slot_amounts(requested_slots(k))),
            )
            for k in row.kernels
            if k.lifecycle.status == KernelStatus.PENDING
        ]
        if not kernels:
            return None
        return SessionWorkload(
            meta=WorkloadMeta(
                session_id=row.id,
                resource_group_id=resource_group_id(info.resource.resource_group_name or ""),
                owner=WorkloadOwner(
                    access_key=AccessKey(info.metadata.access_key),
                    user_uuid=UserID(info.metadata.user_uuid),
                    project_id=ProjectID(info.metadata.group_id),
                    domain_id=DomainID(domain_id(info.metadata.domain_name)),
                ),
            ),
            placement=SessionPlacement(
                cluster_mode=ClusterMode(info.resource.cluster_mode),
                kernels=kernels,
                agent_selection_policy=row.agent_selection_policy,
                designated_agent_ids=row.designated_agent_ids,
                session_group=None,
            ),
            priority=info.identity.priority,
            job_priority=row.job_priority,
            session_type=info.identity.session_type,
            requested_starts_at=row.requested_starts_at,
            is_preemptible=row.is_preemptible,
        )

    @staticmethod
    def _agent_meta(agent: StoredAgent) -> AgentMeta:
        """An agent as ``agent_resources`` gives it: per slot its capacity and what is in use."""
        used = agent.occupied_slots
        return AgentMeta(
            id=agent.id,
            addr=agent.addr,
            architecture=ArchName(agent.architecture),
            resources=AgentResource(
                slots={
                    ResourceSlotName(name): SlotResource(
                        capacity=Decimal(capacity), reserved=Decimal(0), used=Decimal(used.get(name, 0))
                    )
                    for name, capacity in agent.available_slots.items()
                }
            ),
            container_count=agent.container_count,
        )

    def _occupancy(self) -> ResourceOccupancySnapshot:
        return ResourceOccupancySnapshot(
            by_user={
                u: UserResourceAllocation(slots=_in_use(used), session_count=0, sftp_session_count=0)
                for u, used in self.occupancy_by_user.items()
            },
            by_project={p: ResourceAllocation(slots=_in_use(used)) for p, used in self.occupancy_by_project.items()},
            by_domain={d: ResourceAllocation(slots=_in_use(used)) for d, used in self.occupancy_by_domain.items()},
        )

    @staticmethod
    def _status_info(row: stored.StoredSession) -> KernelLifecycleEventReason:
        return status_info_reason(row)

    @staticmethod
    def _occupied_slots(kernel: KernelInfo) -> ResourceSlot:
        return occupied_slots(kernel)

    def _binding(self, kernel: KernelInfo) -> KernelBindingData:
        return KernelBindingData(
            kernel_id=kernel.id,
            agent_id=AgentId(kernel.resource.agent) if kernel.resource.agent else None,
            agent_addr=kernel.resource.agent_addr,
            resource_group=kernel.resource.resource_group,
            image=kernel.image.identifier.canonical if kernel.image.identifier else "",
            image_id=kernel.image.image_id,
            architecture=ArchName(kernel.image.architecture or "x86_64"),
            status=kernel.lifecycle.status,
            status_changed=kernel.lifecycle.status_changed.timestamp() if kernel.lifecycle.status_changed else None,
            cluster_role=kernel.cluster.cluster_role,
            cluster_idx=kernel.cluster.cluster_idx,
            local_rank=kernel.cluster.local_rank,
            cluster_hostname=kernel.cluster.cluster_hostname,
            uid=kernel.user_permission.uid,
            main_gid=kernel.user_permission.main_gid,
            gids=list(kernel.user_permission.gids or []),
            requested_slots=requested_slots(kernel),
            resource_opts=dict(kernel.resource.resource_opts or {}),
            bootstrap_script=kernel.runtime.bootstrap_script,
            startup_command=kernel.runtime.startup_command,
            preopen_ports=list(kernel.network.preopen_ports or []),
            internal_data=kernel.metadata.internal_data,
            vfolder_mounts=list(kernel.runtime.vfolder_mounts or []),
        )

    def _images_of(self, sessions: Sequence[SessionDataForPull | SessionDataForStart]) -> dict[UUID, ImageConfigData]:
        return {
            k.image_id: self.images[k.image_id]
            for s in sessions
            for k in s.kernels
            if k.image_id is not None and k.image_id in self.images
        }

    def __repr__(self) -> str:
        return f"FakeSchedulerRepository({len(self.sessions)} sessions, {len(self.agents)} agents, 26.9)"


def _slot_amounts(slots: ResourceSlot) -> dict[ResourceSlotName, Decimal]:
    return {ResourceSlotName(name): Decimal(amount) for name, amount in slots.items()}


def _in_use(slots: ResourceSlot) -> dict[ResourceSlotName, SlotAllocation]:
    return {
        ResourceSlotName(name): SlotAllocation(requested=Decimal(0), used=Decimal(amount))
        for name, amount in slots.items()
    }


__all__ = ["FakeSchedulerRepository", "StoredAgent", "StoredResourceGroup", "StoredSession", "StoredUser"]
