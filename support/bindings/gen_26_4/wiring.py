"""Backend.AI's own wiring of the scheduler on 26.4.16 (support.bindings.gen_26_3.wiring, with what
26.4 changed): ``create_default_scheduler_components`` no longer takes the deployment repository or
the event producer (the transition hooks no longer touch routes or announce events themselves).
``Boundaries.deployment_repository`` and ``Boundaries.events`` stay, unused by this call.
"""

from __future__ import annotations

from typing import Any

from ai.backend.manager.sokovan.scheduler.factory import create_default_scheduler_components
from ai.backend.manager.sokovan.scheduler.scheduler import SchedulerComponents

from support.bindings.gen_26_3.wiring import Boundaries, coordinator_handlers


def scheduler_component_args(at: Boundaries) -> dict[str, Any]:
    """What ``create_default_scheduler_components`` is given (a later release adds to it)."""
    return {
        "repository": at.repository,
        "fair_share_repository": at.fair_share_repository,
        "config_provider": at.config,
        "agent_client_pool": at.agents,
        "network_plugin_ctx": at.networks,
        "valkey_schedule": at.valkey,
    }


def scheduler_components(at: Boundaries) -> SchedulerComponents:
    return create_default_scheduler_components(**scheduler_component_args(at))


__all__ = ["Boundaries", "coordinator_handlers", "scheduler_component_args", "scheduler_components"]
