"""The part of the in-memory ``SchedulerRepository`` that every release keeps: the tables of a scenario
(sessions with their kernels, agents, users, the facts it states), and the queries and writes whose
interface and data did not change (they may have moved, support.bindings.common.moved). Each
release's double adds what its repository changed: how sessions and kernels are selected for a
handler, the provisioner's scheduling data and allocation writes, and a kernel's binding data and
images (``_binding``, ``_images_of``, ``_occupied_slots``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from ai.backend.common.events.event_types.kernel.types import KernelLifecycleEventReason
from ai.backend.common.types import AccessKey, AgentId, ClusterMode, KernelId, ResourceSlot, SessionId
from ai.backend.manager.data.kernel.types import KernelInfo
from ai.backend.manager.data.session.types import SessionStatus

from support.bindings.common.fakes.clock import FakeClock
from support.bindings.common.fakes.conditions import matches
from support.bindings.common.fakes.strict import StrictDouble
from support.bindings.common.moved import (
    ImageConfigData,
    KernelBindingData,
    SessionDataForPull,
    SessionDataForStart,
    SessionsForPullWithImages,
    SessionWithKernelsAndUserSearchResult,
    SweptSessionInfo,
    TerminatingKernelData,
    TerminatingSessionData,
)

from .stored import PriorityRequest, StoredAgent, StoredSession, StoredUser


class SchedulerTables(StrictDouble):
    """The tables and the release-independent methods of the in-memory scheduler repository."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.sessions: dict[SessionId, StoredSession] = {}
        self.agents: dict[AgentId, StoredAgent] = {}
        self.users: dict[UUID, StoredUser] = {}
        self.inactive_domains: set[str] = set()
        self.inactive_projects: set[UUID] = set()
        self.pending_timed_out: set[SessionId] = set()
        # What the scheduler wrote, for Then steps.
        self.priority_requests: list[PriorityRequest] = []
        self.network_ids: dict[SessionId, str | None] = {}
        self.error_infos: dict[SessionId, Mapping[str, Any]] = {}

    # -- arranging the tables -------------------------------------------------------------------

    def add_session(self, stored: StoredSession) -> StoredSession:
        if stored.id in self.sessions:
            raise ValueError(f"session {stored.id} is already stored")
        self.sessions[stored.id] = stored
        return stored

    def add_agent(self, agent: StoredAgent) -> StoredAgent:
        self.agents[agent.id] = agent
        return agent

    def add_user(self, user: StoredUser) -> StoredUser:
        self.users[user.uuid] = user
        return user

    def mark_pending_timed_out(self, session_id: SessionId) -> None:
        self.pending_timed_out.add(session_id)

    def kernel(self, kernel_id: KernelId) -> KernelInfo:
        for stored in self.sessions.values():
            for kernel in stored.kernels:
                if kernel.id == kernel_id:
                    return kernel
        raise KeyError(kernel_id)

    # -- SchedulerRepository: what every release asks the same way ------------------------------

    async def get_db_now(self) -> datetime:
        return self.clock.now

    async def get_sessions_for_pull_by_ids(self, session_ids: list[SessionId]) -> SessionsForPullWithImages:
        sessions = [
            SessionDataForPull(
                session_id=stored.id,
                creation_id=stored.session.session_info.identity.creation_id,
                access_key=AccessKey(stored.session.session_info.metadata.access_key),
                kernels=[self._binding(k) for k in stored.kernels],
            )
            for stored in self._by_ids(session_ids)
        ]
        return SessionsForPullWithImages(sessions=sessions, image_configs=self._images_of(sessions))

    async def search_sessions_with_kernels_and_user(self, querier: Any) -> SessionWithKernelsAndUserSearchResult:
        sessions = []
        for stored in self._ordered_sessions():
            if not matches(querier.conditions, {"sessions.id": stored.id}):
                continue
            info = stored.session.session_info
            user = self.users[info.metadata.user_uuid]
            sessions.append(
                SessionDataForStart(
                    session_id=stored.id,
                    creation_id=info.identity.creation_id,
                    access_key=AccessKey(info.metadata.access_key),
                    session_type=info.identity.session_type,
                    name=info.identity.name,
                    cluster_mode=ClusterMode(info.resource.cluster_mode),
                    kernels=[self._binding(k) for k in stored.kernels],
                    environ=dict(info.execution.environ or {}),
                    user_uuid=user.uuid,
                    user_email=user.email,
                    user_name=user.username,
                )
            )
        return SessionWithKernelsAndUserSearchResult(
            sessions=sessions, image_configs=self._images_of(sessions), total_count=len(sessions)
        )

    async def update_session_network_id(self, session_id: SessionId, network_id: str | None) -> None:
        self.network_ids[session_id] = network_id

    async def update_session_error_info(self, session_id: SessionId, error_info: Mapping[str, Any]) -> None:
        self.error_infos[session_id] = error_info

    async def get_terminating_sessions_by_ids(self, session_ids: list[SessionId]) -> list[TerminatingSessionData]:
        return [
            TerminatingSessionData(
                session_id=stored.id,
                access_key=AccessKey(stored.session.session_info.metadata.access_key),
                creation_id=stored.session.session_info.identity.creation_id,
                status=stored.status,
                status_info=self._status_info(stored),
                session_type=stored.session.session_info.identity.session_type,
                kernels=[
                    TerminatingKernelData(
                        kernel_id=k.id,
                        status=k.lifecycle.status,
                        container_id=k.resource.container_id,
                        agent_id=AgentId(k.resource.agent) if k.resource.agent else None,
                        agent_addr=k.resource.agent_addr,
                        occupied_slots=self._occupied_slots(k),
                    )
                    for k in stored.kernels
                ],
            )
            for stored in self._by_ids(session_ids)
        ]

    async def lower_session_priority(self, session_ids: list[SessionId], amount: int, min_priority: int) -> None:
        self.priority_requests.append(PriorityRequest(tuple(session_ids), amount, min_priority))

    async def get_pending_timeout_sessions_by_ids(self, session_ids: list[SessionId]) -> list[SweptSessionInfo]:
        return [
            SweptSessionInfo(
                session_id=stored.id,
                creation_id=stored.session.session_info.identity.creation_id,
                access_key=AccessKey(stored.session.session_info.metadata.access_key),
            )
            for stored in self._by_ids(session_ids)
            if stored.status == SessionStatus.PENDING and stored.id in self.pending_timed_out
        ]

    # -- what a release's double supplies --------------------------------------------------------

    def _binding(self, kernel: KernelInfo) -> KernelBindingData:
        raise NotImplementedError

    def _images_of(self, sessions: Sequence[SessionDataForPull | SessionDataForStart]) -> Mapping[Any, ImageConfigData]:
        raise NotImplementedError

    @staticmethod
    def _occupied_slots(kernel: KernelInfo) -> ResourceSlot:
        raise NotImplementedError

    @staticmethod
    def _status_info(stored: StoredSession) -> Any:
        """A terminating session's status info, as the repository reads it."""
        return stored.session.session_info.lifecycle.status_info or "UNKNOWN"

    # -- helpers --------------------------------------------------------------------------------

    def _ordered_sessions(self) -> list[StoredSession]:
        return sorted(self.sessions.values(), key=created_at)

    def _by_ids(self, session_ids: Sequence[SessionId]) -> list[StoredSession]:
        wanted = set(session_ids)
        return [s for s in self._ordered_sessions() if s.id in wanted]


def status_info_reason(stored: StoredSession) -> KernelLifecycleEventReason:
    """A terminating session's status info as the repository reads it since 26.4: the kernel
    lifecycle event reason the stored text names, else UNKNOWN."""
    return (
        KernelLifecycleEventReason.from_value(stored.session.session_info.lifecycle.status_info)
        or KernelLifecycleEventReason.UNKNOWN
    )


def created_at(stored: StoredSession) -> datetime:
    created = stored.session.session_info.lifecycle.created_at
    assert created is not None, f"session {stored.id} has no creation time"
    return created


__all__ = ["SchedulerTables", "created_at", "status_info_reason"]
