"""End-to-end scenarios on 26.4.16 (support.bindings.gen_26_3.e2e_world, with what 26.4 changed):

* the scheduler underneath is 26.4's database tier (support.bindings.gen_26_4.coordinator_world:
  its factories, wiring and reading of scheduling failures), driven tick by tick by the manager's
  own timers as on 26.3.3;
* the manager's timers run two more cycles: deprioritize (the destination of schedule-sessions
  when it gives up on a session) and the cleanup of force-terminated sessions;
* Backend.AI's Valkey client takes a connection for each command
  (support.bindings.gen_26_4.fakes.valkey_store);
* a user's termination of a PENDING session (its cancellation) is now recorded in the scheduling
  history, under the phase "cancel", beside "mark_terminating" for any other session;
* an agent's slots are occupied in two steps: ``agent_resources.reserved`` when a session is
  placed, moved to ``used`` when its agent reports the kernel running.
"""

from __future__ import annotations

from support.bindings.common.moved import ScheduleType
from support.bindings.gen_26_3.e2e_world import TICK_CYCLES as TICK_CYCLES_26_3
from support.bindings.gen_26_3.e2e_world import EndToEndWorld as EndToEndWorld26_3
from support.bindings.gen_26_4.coordinator_world import CoordinatorWorld
from support.bindings.gen_26_4.fakes.valkey_store import InMemoryValkeyPerCommand


def _with(cycles: tuple[ScheduleType, ...], added: ScheduleType, after: ScheduleType) -> tuple[ScheduleType, ...]:
    at = cycles.index(after) + 1
    return (*cycles[:at], added, *cycles[at:])


# The cycles the manager's timers run, in the order a session meets them: 26.3.3's, with
# deprioritize (after schedule, which gives up to it) and the cleanup of force-terminated sessions
# (after the termination cycles).
TICK_CYCLES = _with(
    _with(TICK_CYCLES_26_3, ScheduleType.DEPRIORITIZE, after=ScheduleType.SCHEDULE),
    ScheduleType.CLEANUP_FORCE_TERMINATED,
    after=ScheduleType.CHECK_TERMINATING_PROGRESS,
)


class EndToEndWorld(EndToEndWorld26_3, CoordinatorWorld):
    """26.3's end-to-end world on 26.4's coordinator world (method resolution: this, 26.3's
    end-to-end world, 26.4's coordinator world, 26.3's coordinator world)."""

    tick_cycles = TICK_CYCLES
    user_request_phases = frozenset({"mark_terminating", "cancel"})
    occupancy_columns: tuple[str, ...] = ("reserved", "used")
    valkey_store_class = InMemoryValkeyPerCommand

    def __repr__(self) -> str:
        return f"EndToEndWorld({self.database.name}, tick {self.ticks}, 26.4)"


__all__ = ["TICK_CYCLES", "EndToEndWorld"]
