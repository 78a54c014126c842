"""The rows the in-memory scheduler repositories keep for a scenario: a session with its kernels, an
agent, a user, and the priority requests the deprioritize handler made. They hold the scenario's
arranged facts, not a release's repository data types, so every release's repository double keeps
them."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from ai.backend.common.types import AgentId, ResourceSlot, SessionId
from ai.backend.manager.data.agent.types import AgentStatus
from ai.backend.manager.data.kernel.types import KernelInfo
from ai.backend.manager.data.session.types import SessionStatus

from support.bindings.common.moved import SessionWithKernels


@dataclass
class StoredSession:
    """A row of ``sessions`` with its ``kernels`` rows, plus the columns ``SessionInfo`` leaves out."""

    session: SessionWithKernels
    designated_agent_ids: list[AgentId] | None = None
    is_preemptible: bool = True

    @property
    def id(self) -> SessionId:
        return self.session.session_info.identity.id

    @property
    def status(self) -> SessionStatus:
        return self.session.session_info.lifecycle.status

    @property
    def kernels(self) -> list[KernelInfo]:
        return self.session.kernel_infos


@dataclass
class StoredAgent:
    id: AgentId
    scaling_group: str
    available_slots: ResourceSlot
    architecture: str = "x86_64"
    status: AgentStatus = AgentStatus.ALIVE
    schedulable: bool = True
    occupied_slots: ResourceSlot = field(default_factory=ResourceSlot)
    container_count: int = 0

    @property
    def addr(self) -> str:
        return f"tcp://{self.id}:6001"


@dataclass
class StoredUser:
    uuid: UUID
    email: str
    username: str
    vfolder_count: int = 0
    max_vfolder_count: int | None = None


@dataclass(frozen=True)
class PriorityRequest:
    """A call of ``lower_session_priority``: what the handler asked the database to do."""

    session_ids: tuple[SessionId, ...]
    amount: int
    floor: int


__all__ = ["PriorityRequest", "StoredAgent", "StoredSession", "StoredUser"]
