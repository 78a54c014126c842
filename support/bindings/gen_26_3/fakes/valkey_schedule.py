"""The Valkey boundary of the scheduler: ``ValkeyScheduleClient``, kept in dictionaries."""

from __future__ import annotations

from collections.abc import Sequence

from ai.backend.common.clients.valkey_client.valkey_schedule import HealthCheckStatus
from ai.backend.common.clients.valkey_client.valkey_schedule.client import KernelStatus as KernelPresence
from ai.backend.common.types import AgentId, KernelId, SessionId

from support.bindings.common.fakes.strict import StrictDouble


class FakeValkeySchedule(StrictDouble):
    """Only the methods the scheduler calls; anything else fails loudly."""

    def __init__(self) -> None:
        self.failed_agents: dict[SessionId, set[AgentId]] = {}
        self.pending_queues: dict[str, list[SessionId]] = {}
        self.presence: dict[KernelId, KernelPresence] = {}
        self.presence_checks: list[tuple[KernelId, ...]] = []
        self.schedule_marks: set[str] = set()  # schedule types requested for the next cycle

    # -- what the agents report, arranged by a scenario ---------------------------------------

    def report_presence(self, kernel_id: KernelId, status: HealthCheckStatus, at: int) -> None:
        self.presence[kernel_id] = KernelPresence(presence=status, last_presence=at, last_check=None, created_at=at)

    def forget_presence(self, kernel_id: KernelId) -> None:
        self.presence.pop(kernel_id, None)

    # -- ValkeyScheduleClient -------------------------------------------------------------------

    async def mark_schedules_needed_batch(self, schedule_types: Sequence[str]) -> None:
        self.schedule_marks.update(schedule_types)

    async def load_and_delete_schedule_mark(self, schedule_type: str) -> bool:
        if schedule_type in self.schedule_marks:
            self.schedule_marks.discard(schedule_type)
            return True
        return False

    async def record_session_failed_agents(
        self, session_id: SessionId, agent_ids: Sequence[AgentId], ttl_sec: int = 3600
    ) -> None:
        self.failed_agents.setdefault(session_id, set()).update(agent_ids)

    async def get_multiple_session_failed_agents(self, session_ids: Sequence[SessionId]) -> list[frozenset[AgentId]]:
        return [frozenset(self.failed_agents.get(sid, ())) for sid in session_ids]

    async def set_pending_queue(self, resource_group_id: str, session_ids: Sequence[SessionId]) -> None:
        self.pending_queues[resource_group_id] = list(session_ids)

    async def check_kernel_presence_status_batch(
        self, kernel_ids: Sequence[KernelId], agent_ids: set[AgentId] | None = None
    ) -> dict[KernelId, KernelPresence | None]:
        self.presence_checks.append(tuple(kernel_ids))
        return {kid: self.presence.get(kid) for kid in kernel_ids}
