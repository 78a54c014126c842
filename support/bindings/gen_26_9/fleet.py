"""The simulated agent fleet (support.bindings.gen_26_3.fleet) as 26.9.6's manager hears it: an agent's
report that a kernel started carries a ``KernelCreationInfo``, no longer a free-form dict."""

from __future__ import annotations

from typing import Any

from ai.backend.common.events.event_types.kernel.types import KernelCreationInfo
from ai.backend.common.types import KernelId

from support.bindings.gen_26_3.fakes.agents import FakeAgent
from support.bindings.gen_26_3.fleet import Report
from support.bindings.gen_26_3.fleet import SimulatedFleet as SimulatedFleet26_3
from support.bindings.gen_26_9.coordinator_world import creation_info


class SimulatedFleet(SimulatedFleet26_3):
    async def creation_info(  # type: ignore[override]
        self, agent: FakeAgent, kernel_id: KernelId, slots: dict[str, Any]
    ) -> KernelCreationInfo:
        return creation_info(await super().creation_info(agent, kernel_id, slots))


__all__ = ["Report", "SimulatedFleet"]
