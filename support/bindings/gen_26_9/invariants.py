"""Lifecycle invariants on 26.9.6: support.bindings.gen_26_3.invariants, the same state machine and the
same invariants, over 26.9's end-to-end world (support.bindings.gen_26_9.e2e_world), which says what
26.9 changed for them: the timers' four preemption cycles, the status changes handlers make through
the scheduling controller (RESERVED, PREEMPTED, RESCHEDULING and back to PENDING), an agent's
capacity in ``agent_resources``, and slots occupied as prereserved, reserved, then used.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from support.bindings.gen_26_3 import invariants as gen_26_3
from support.bindings.gen_26_3.database.fixtures import ScenarioDatabase
from support.bindings.gen_26_3.invariants import Outcome
from support.bindings.gen_26_9.e2e_world import EndToEndWorld


def run_interleavings(
    database: ScenarioDatabase, run: Callable[[Coroutine], Any], examples: int, steps: int
) -> Outcome:
    return gen_26_3.run_interleavings(database, run, examples, steps, world_class=EndToEndWorld)


__all__ = ["Outcome", "run_interleavings"]
