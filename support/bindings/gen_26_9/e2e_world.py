"""End-to-end scenarios on 26.9.6 (support.bindings.gen_26_4.e2e_world, with what 26.9 changed):

* the scheduler underneath is 26.9's database tier (support.bindings.gen_26_9.coordinator_world),
  driven tick by tick by the manager's own timers (the coordinator's ``create_task_specs``), as on
  26.4.16;
* the manager's timers run four more cycles, all of preemption: promote-to-scheduled (RESERVED
  sessions whose kernels were all admitted), release-reserved (a RESERVED session waiting for its
  victims' resources), preempted (a victim, by the group's preemption mode) and rescheduling (a
  victim put back in the queue). Preemption is disabled by default (``ResourceGroupOpts``), so
  they find nothing unless a scenario enables it;
* handlers also change statuses through the scheduling controller (``mark_sessions_status``), which
  the scheduling history records under the phase ``mark_<status>``: schedule-sessions reserves a
  session (PENDING -> RESERVED) and marks the victims of its preemption plan (PREEMPTED),
  preempt-sessions sends a victim to RESCHEDULING, reschedule-sessions puts it back in the queue
  (PENDING);
* agents report a started kernel with a ``KernelCreationInfo`` (support.bindings.gen_26_9.fleet);
* an agent's capacity is ``agent_resources.capacity`` (``agents.available_slots`` is gone), and its
  slots are occupied by what is prereserved for a preempting session, reserved, then used.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from ai.backend.manager.data.session.types import SessionStatus
from ai.backend.manager.models.resource_slot.row import AgentResourceRow
from ai.backend.manager.repositories.fair_share import FairShareRepository
from ai.backend.manager.repositories.ops.v2.provider import V2DBOpsProvider
from ai.backend.manager.repositories.resource_usage_history import ResourceUsageHistoryRepository
from ai.backend.manager.sokovan.scheduler.handlers.lifecycle.preempt_sessions import PreemptSessionsLifecycleHandler
from ai.backend.manager.sokovan.scheduler.handlers.lifecycle.reschedule_sessions import (
    RescheduleSessionsLifecycleHandler,
)
from ai.backend.manager.sokovan.scheduler.handlers.lifecycle.schedule_sessions import ScheduleSessionsLifecycleHandler
from sqlalchemy.ext.asyncio import AsyncConnection

from support.bindings.common.moved import ScheduleType
from support.bindings.gen_26_4.e2e_world import TICK_CYCLES as TICK_CYCLES_26_4
from support.bindings.gen_26_4.e2e_world import EndToEndWorld as EndToEndWorld26_4
from support.bindings.gen_26_4.e2e_world import _with
from support.bindings.gen_26_9.coordinator_world import CoordinatorWorld
from support.bindings.gen_26_9.fleet import SimulatedFleet

# The cycles the manager's timers run, in the order a session meets them: 26.4.16's, with the
# reservation's cycles after schedule's (release-reserved, then promote-to-scheduled), and a
# victim's (preempted, then rescheduling) after them.
TICK_CYCLES = _with(
    _with(
        _with(
            _with(TICK_CYCLES_26_4, ScheduleType.RELEASE_RESERVED, after=ScheduleType.DEPRIORITIZE),
            ScheduleType.CHECK_RESERVED_PROGRESS,
            after=ScheduleType.RELEASE_RESERVED,
        ),
        ScheduleType.PREEMPTED,
        after=ScheduleType.CHECK_RESERVED_PROGRESS,
    ),
    ScheduleType.RESCHEDULING,
    after=ScheduleType.PREEMPTED,
)


def _marked(to: SessionStatus, sources: list[SessionStatus]) -> set[tuple[str, str]]:
    return {(source.name, to.name) for source in sources}


class EndToEndWorld(EndToEndWorld26_4, CoordinatorWorld):
    """26.4's end-to-end world on 26.9's coordinator world (method resolution: this, 26.4's and 26.3's
    end-to-end worlds, 26.9's, 26.4's and 26.3's coordinator worlds)."""

    tick_cycles = TICK_CYCLES
    occupancy_columns: tuple[str, ...] = ("prereserved", "reserved", "used")
    fleet_class = SimulatedFleet

    def _fair_share_repositories(self, engine: Any) -> dict[str, Any]:
        """26.9.6's repositories also take the v2 ops provider (session-bound SQL ops on the engine)."""
        return {
            "fair-share repository": FairShareRepository(engine, V2DBOpsProvider(engine)),
            "resource-usage repository": ResourceUsageHistoryRepository(engine, V2DBOpsProvider(engine)),
        }

    def controller_transitions(self) -> dict[str, set[tuple[str, str]]]:
        """The status changes 26.9.6's handlers make through the scheduling controller, each from the
        statuses the handler (or, for a victim, the preemption candidates) is given."""
        return {
            "mark_reserved": _marked(SessionStatus.RESERVED, ScheduleSessionsLifecycleHandler.target_statuses()),
            "mark_preempted": _marked(SessionStatus.PREEMPTED, list(SessionStatus.preemption_victim_statuses())),
            "mark_rescheduling": _marked(SessionStatus.RESCHEDULING, PreemptSessionsLifecycleHandler.target_statuses()),
            "mark_pending": _marked(SessionStatus.PENDING, RescheduleSessionsLifecycleHandler.target_statuses()),
        }

    async def agent_capacity(self, conn: AsyncConnection) -> dict[tuple[str, str], Decimal]:
        """``agent_resources.capacity``: 26.9.6 keeps an agent's capacity only there."""
        resources = AgentResourceRow.__table__
        rows = await conn.execute(sa.select(resources.c.agent_id, resources.c.slot_name, resources.c.capacity))
        return {(r.agent_id, r.slot_name): Decimal(r.capacity) for r in rows}

    def __repr__(self) -> str:
        return f"EndToEndWorld({self.database.name}, tick {self.ticks}, 26.9)"


__all__ = ["TICK_CYCLES", "EndToEndWorld"]
