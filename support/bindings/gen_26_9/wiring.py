"""Backend.AI's own wiring of the scheduler on 26.9.6 (support.bindings.gen_26_4.wiring, with what 26.9
changed): ``create_default_scheduler_components`` takes the agent selector, which the manager builds
once (``create_agent_selector`` with the configured resource priority) and also gives the
scheduling controller."""

from __future__ import annotations

from typing import Any

from ai.backend.manager.sokovan.scheduler.factory import create_default_scheduler_components
from ai.backend.manager.sokovan.scheduler.provisioner.selectors.pool import create_agent_selector
from ai.backend.manager.sokovan.scheduler.provisioner.selectors.selector import AgentSelector
from ai.backend.manager.sokovan.scheduler.scheduler import SchedulerComponents

from support.bindings.gen_26_3.wiring import Boundaries, coordinator_handlers
from support.bindings.gen_26_4.wiring import scheduler_component_args


def agent_selector(config: Any) -> AgentSelector:
    """The agent selector the manager builds from its configuration."""
    return create_agent_selector(list(config.config.manager.agent_selection_resource_priority))


def scheduler_components(at: Boundaries, selector: AgentSelector) -> SchedulerComponents:
    return create_default_scheduler_components(**scheduler_component_args(at), agent_selector=selector)


__all__ = ["Boundaries", "agent_selector", "coordinator_handlers", "scheduler_components"]
