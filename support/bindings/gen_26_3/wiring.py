"""Backend.AI's own wiring of the scheduler, shared by both tiers.

``create_default_scheduler_components`` builds the provisioner (validators, sequencer, agent
selector, allocator), launcher, terminator and hook registry; ``create_coordinator_handlers`` the
lifecycle handlers, promotion specs, kernel handlers and observers the ``ScheduleCoordinator`` runs.
A tier supplies only what sits at its boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ai.backend.manager.sokovan.scheduler.factory import (
    CoordinatorHandlers,
    CoordinatorHandlersArgs,
    create_coordinator_handlers,
    create_default_scheduler_components,
)
from ai.backend.manager.sokovan.scheduler.scheduler import SchedulerComponents


@dataclass(frozen=True)
class Boundaries:
    """What a tier puts where the scheduler leaves its process: real or double."""

    repository: Any
    deployment_repository: Any
    fair_share_repository: Any
    config: Any
    agents: Any
    networks: Any
    events: Any
    valkey: Any


def scheduler_components(at: Boundaries) -> SchedulerComponents:
    return create_default_scheduler_components(
        repository=at.repository,
        deployment_repository=at.deployment_repository,
        fair_share_repository=at.fair_share_repository,
        config_provider=at.config,
        agent_client_pool=at.agents,
        network_plugin_ctx=at.networks,
        event_producer=at.events,
        valkey_schedule=at.valkey,
    )


def coordinator_handlers(
    at: Boundaries,
    components: SchedulerComponents,
    *,
    scheduling_controller: Any,
    fair_share_aggregator: Any,
    fair_share_calculator: Any,
    resource_usage_repository: Any,
) -> CoordinatorHandlers:
    return create_coordinator_handlers(
        CoordinatorHandlersArgs(
            provisioner=components.provisioner,
            launcher=components.launcher,
            terminator=components.terminator,
            repository=at.repository,
            valkey_schedule=at.valkey,
            scheduling_controller=scheduling_controller,
            fair_share_aggregator=fair_share_aggregator,
            fair_share_calculator=fair_share_calculator,
            resource_usage_repository=resource_usage_repository,
            fair_share_repository=at.fair_share_repository,
        )
    )
