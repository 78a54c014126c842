"""The database boundary of the scheduler: an in-memory ``SchedulerRepository``.

It holds what the sessions, kernels, agents, users, scaling-group and resource-policy tables would
hold for one scenario, and implements only the repository methods that the handlers, launcher,
provisioner and terminator of this tier call, with the real signatures and the real return types.

What it does not do is decide anything a scenario asserts:
  * which PENDING sessions have outlived their scaling group's pending timeout is a fact the
    scenario states (``mark_pending_timed_out``), not arithmetic done here;
  * ``lower_session_priority`` records the request (amount and floor) and leaves the priority alone;
  * ``allocate_sessions`` records the provisioner's decisions (kernel -> agent, failure messages).
The database tier proves those queries against PostgreSQL.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from ai.backend.common.types import (
    AccessKey,
    AgentId,
    ClusterMode,
    KernelId,
    ResourceSlot,
    SessionId,
    SessionTypes,
)
from ai.backend.manager.data.agent.types import AgentStatus
from ai.backend.manager.data.kernel.types import KernelInfo, KernelListResult, KernelStatus
from ai.backend.manager.data.session.types import SessionStatus
from ai.backend.manager.models.scaling_group import ScalingGroupOpts
from ai.backend.manager.repositories.base import BatchQuerier
from ai.backend.manager.repositories.resource_slot.types import resource_slot_to_quantities
from ai.backend.manager.repositories.scheduler.types.agent import AgentMeta
from ai.backend.manager.repositories.scheduler.types.base import SchedulingSpec
from ai.backend.manager.repositories.scheduler.types.results import ScheduledSessionData
from ai.backend.manager.repositories.scheduler.types.scaling_group import ScalingGroupMeta
from ai.backend.manager.repositories.scheduler.types.scheduling import SchedulingData
from ai.backend.manager.repositories.scheduler.types.session import (
    KernelData,
    PendingSessionData,
    PendingSessions,
)
from ai.backend.manager.repositories.scheduler.types.snapshot import ResourcePolicies, SnapshotData
from ai.backend.manager.sokovan.data import (
    AgentOccupancy,
    AllocationBatch,
    ImageConfigData,
    KernelBindingData,
    KeypairOccupancy,
    ResourceOccupancySnapshot,
    SessionDataForPull,
    SessionDataForStart,
    SessionDependencySnapshot,
    SessionWithKernels,
)

from support.bindings.common.fakes.clock import FakeClock
from support.bindings.common.fakes.conditions import matches

from .config import KNOWN_SLOT_TYPES
from .stored import StoredSession
from .tables import SchedulerTables


class FakeSchedulerRepository(SchedulerTables):
    """Stands in for ``SchedulerRepository``; any method not defined here fails loudly."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock)
        self.images: dict[str, ImageConfigData] = {}
        self.scaling_groups: dict[str, ScalingGroupMeta] = {}
        self.policies = ResourcePolicies(keypair_policies={}, user_policies={}, group_limits={}, domain_limits={})
        self.occupancy_by_keypair: dict[AccessKey, ResourceSlot] = {}
        self.occupancy_by_user: dict[UUID, ResourceSlot] = {}
        self.occupancy_by_project: dict[UUID, ResourceSlot] = {}
        self.occupancy_by_domain: dict[str, ResourceSlot] = {}
        # What the scheduler wrote, for Then steps.
        self.allocation_batches: list[AllocationBatch] = []

    # -- arranging the tables -------------------------------------------------------------------

    def add_scaling_group(self, name: str, scheduler: str = "fifo", opts: ScalingGroupOpts | None = None) -> None:
        self.scaling_groups[name] = ScalingGroupMeta(
            name=name, scheduler=scheduler, scheduler_opts=opts or ScalingGroupOpts()
        )

    def add_image(self, image: ImageConfigData) -> None:
        self.images[image.canonical] = image

    # -- what the scheduler wrote ------------------------------------------------------------------

    def assignments_of(self, session_id: SessionId) -> dict[KernelId, AgentId]:
        """Kernel -> agent, as the provisioner allocated them (latest allocation wins)."""
        placed: dict[KernelId, AgentId] = {}
        for batch in self.allocation_batches:
            for allocation in batch.allocations:
                if allocation.session_id == session_id:
                    placed = {KernelId(k.kernel_id): k.agent_id for k in allocation.kernel_allocations}
        return placed

    def writes(self) -> list[str]:
        """Every write the scheduler made through this repository, named."""
        return [
            *(
                f"allocate_sessions({len(b.allocations)} allocations, {len(b.failures)} failures)"
                for b in self.allocation_batches
            ),
            *(f"lower_session_priority{r.session_ids}" for r in self.priority_requests),
            *(f"update_session_network_id({sid})" for sid in self.network_ids),
            *(f"update_session_error_info({sid})" for sid in self.error_infos),
        ]

    def scheduling_failure_of(self, session_id: SessionId) -> str | None:
        message = None
        for batch in self.allocation_batches:
            for failure in batch.failures:
                if failure.session_id == session_id:
                    message = failure.msg
        return message

    # -- SchedulerRepository: the coordinator's queries ----------------------------------------

    async def get_sessions_for_handler(
        self,
        scaling_group: str,
        session_statuses: list[SessionStatus],
        kernel_statuses: list[KernelStatus] | None,
    ) -> list[SessionWithKernels]:
        selected = []
        for stored in self._ordered_sessions():
            info = stored.session.session_info
            if info.resource.scaling_group_name != scaling_group or stored.status not in session_statuses:
                continue
            if kernel_statuses is not None and not any(k.lifecycle.status in kernel_statuses for k in stored.kernels):
                continue
            selected.append(copy.deepcopy(stored.session))
        return selected

    async def search_kernels_for_handler(self, querier: BatchQuerier) -> KernelListResult:
        items = [
            copy.deepcopy(kernel)
            for stored in self._ordered_sessions()
            for kernel in stored.kernels
            if matches(querier.conditions, self._kernel_columns(kernel))
        ]
        return KernelListResult(items=items, total_count=len(items), has_next_page=False, has_previous_page=False)

    # -- SchedulerRepository: schedule-sessions and the provisioner ------------------------------

    async def get_scheduling_data(self, scaling_group: str) -> SchedulingData | None:
        pending = [
            self._pending_session_data(stored)
            for stored in self._ordered_sessions()
            if stored.session.session_info.resource.scaling_group_name == scaling_group
            and stored.status == SessionStatus.PENDING
            and any(k.lifecycle.status == KernelStatus.PENDING for k in stored.kernels)
        ]
        if not pending:
            return None
        agents = [
            AgentMeta(
                id=a.id,
                addr=a.addr,
                architecture=a.architecture,
                available_slots=a.available_slots,
                scaling_group=a.scaling_group,
            )
            for a in self.agents.values()
            if a.scaling_group == scaling_group and a.status == AgentStatus.ALIVE and a.schedulable
        ]
        return SchedulingData(
            scaling_group=self.scaling_groups[scaling_group],
            pending_sessions=PendingSessions(sessions=pending),
            agents=agents,
            snapshot_data=SnapshotData(
                resource_occupancy=self._occupancy(),
                resource_policies=self.policies,
                session_dependencies=SessionDependencySnapshot(by_session={}),
            ),
            spec=SchedulingSpec(known_slot_types=KNOWN_SLOT_TYPES, max_container_count=None),
        )

    async def allocate_sessions(self, allocation_batch: AllocationBatch) -> list[ScheduledSessionData]:
        self.allocation_batches.append(allocation_batch)
        scheduled = []
        for allocation in allocation_batch.allocations:
            stored = self.sessions.get(allocation.session_id)
            if stored is None:
                continue
            identity = stored.session.session_info.identity
            scheduled.append(
                ScheduledSessionData(
                    session_id=identity.id,
                    creation_id=identity.creation_id,
                    access_key=AccessKey(stored.session.session_info.metadata.access_key),
                    reason="triggered-by-scheduler",
                )
            )
        return scheduled

    # -- SchedulerRepository: check-precondition and start-sessions (launcher) --------------------

    # -- SchedulerRepository: terminate, deprioritize, sweep ---------------------------------

    # -- helpers --------------------------------------------------------------------------------

    @staticmethod
    def _occupied_slots(kernel: KernelInfo) -> ResourceSlot:
        return kernel.resource.occupied_slots

    @staticmethod
    def _kernel_columns(kernel: KernelInfo) -> dict[str, Any]:
        return {
            "kernels.id": kernel.id,
            "kernels.session_id": UUID(kernel.session.session_id),
            "kernels.scaling_group": kernel.resource.scaling_group,
            "kernels.status": kernel.lifecycle.status,
            "kernels.agent": kernel.resource.agent,
        }

    def _binding(self, kernel: KernelInfo) -> KernelBindingData:
        return KernelBindingData(**self._binding_fields(kernel))

    @staticmethod
    def _binding_fields(kernel: KernelInfo) -> dict[str, Any]:
        """The fields of a kernel's ``KernelBindingData``, as the kernels row gives them."""
        return {
            "kernel_id": kernel.id,
            "agent_id": AgentId(kernel.resource.agent) if kernel.resource.agent else None,
            "agent_addr": kernel.resource.agent_addr,
            "scaling_group": kernel.resource.scaling_group or "",
            "image": kernel.image.identifier.canonical if kernel.image.identifier else "",
            "architecture": kernel.image.architecture or "x86_64",
            "status": kernel.lifecycle.status,
            "status_changed": kernel.lifecycle.status_changed.timestamp() if kernel.lifecycle.status_changed else None,
            "cluster_role": kernel.cluster.cluster_role,
            "cluster_idx": kernel.cluster.cluster_idx,
            "local_rank": kernel.cluster.local_rank,
            "cluster_hostname": kernel.cluster.cluster_hostname,
            "uid": kernel.user_permission.uid,
            "main_gid": kernel.user_permission.main_gid,
            "gids": list(kernel.user_permission.gids or []),
            "requested_slots": kernel.resource.requested_slots,
            "resource_opts": dict(kernel.resource.resource_opts or {}),
            "bootstrap_script": kernel.runtime.bootstrap_script,
            "startup_command": kernel.runtime.startup_command,
            "preopen_ports": list(kernel.network.preopen_ports or []),
            "internal_data": kernel.metadata.internal_data,
            "vfolder_mounts": list(kernel.runtime.vfolder_mounts or []),
        }

    def _images_of(self, sessions: Sequence[SessionDataForPull | SessionDataForStart]) -> dict[str, ImageConfigData]:
        return {k.image: self.images[k.image] for s in sessions for k in s.kernels if k.image in self.images}

    @staticmethod
    def _pending_session_data(stored: StoredSession) -> PendingSessionData:
        info = stored.session.session_info
        return PendingSessionData(
            id=info.identity.id,
            access_key=AccessKey(info.metadata.access_key),
            requested_slots=info.resource.requested_slots,
            user_uuid=info.metadata.user_uuid,
            group_id=info.metadata.group_id,
            domain_name=info.metadata.domain_name,
            scaling_group_name=info.resource.scaling_group_name or "",
            priority=info.identity.priority,
            is_preemptible=stored.is_preemptible,
            session_type=info.identity.session_type,
            cluster_mode=ClusterMode(info.resource.cluster_mode),
            starts_at=info.lifecycle.starts_at,
            is_private=info.identity.session_type in SessionTypes.private_types(),
            designated_agent_ids=stored.designated_agent_ids,
            kernels=[
                KernelData(
                    id=k.id,
                    image=k.image.identifier.canonical if k.image.identifier else "",
                    architecture=k.image.architecture or "x86_64",
                    requested_slots=k.resource.requested_slots,
                    agent=AgentId(k.resource.agent) if k.resource.agent else None,
                )
                for k in stored.kernels
                if k.lifecycle.status == KernelStatus.PENDING
            ],
        )

    def _occupancy(self) -> ResourceOccupancySnapshot:
        return ResourceOccupancySnapshot(
            by_keypair={
                ak: KeypairOccupancy(
                    occupied_slots=resource_slot_to_quantities(used), session_count=0, sftp_session_count=0
                )
                for ak, used in self.occupancy_by_keypair.items()
            },
            by_user={u: resource_slot_to_quantities(used) for u, used in self.occupancy_by_user.items()},
            by_group={g: resource_slot_to_quantities(used) for g, used in self.occupancy_by_project.items()},
            by_domain={d: resource_slot_to_quantities(used) for d, used in self.occupancy_by_domain.items()},
            by_agent={
                a.id: AgentOccupancy(
                    occupied_slots=resource_slot_to_quantities(a.occupied_slots), container_count=a.container_count
                )
                for a in self.agents.values()
                if a.container_count or a.occupied_slots
            },
        )

    def __repr__(self) -> str:
        return f"FakeSchedulerRepository({len(self.sessions)} sessions, {len(self.agents)} agents)"
