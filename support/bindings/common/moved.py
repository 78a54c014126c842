"""Backend.AI names that moved or went away between supported releases, found where the installed
release keeps them. Only names whose meaning did not change belong here; a changed meaning belongs
in the binding of the release that changed it.
"""

from __future__ import annotations

from typing import Any

try:  # 26.4.4 moved it into the sokovan package (and added CLEANUP_FORCE_TERMINATED)
    from ai.backend.manager.sokovan.scheduler.types import ScheduleType
except ImportError:  # 26.3.3
    from ai.backend.manager.scheduler.types import ScheduleType  # type: ignore[no-redef]

try:  # 26.3.3
    from ai.backend.manager.data.deployment.types import DeploymentSubStep
except ImportError:  # renamed in 26.4
    from ai.backend.manager.data.deployment.types import (  # type: ignore[no-redef, attr-defined]
        DeploymentLifecycleSubStep as DeploymentSubStep,
    )

EndpointRouteListUpdatedEvent: Any
try:  # 26.3.3: the route list of an endpoint changed (the app proxy is told through this event)
    from ai.backend.common.events.event_types.model_serving.anycast import EndpointRouteListUpdatedEvent
except ImportError:  # gone in 26.4: the app-proxy sync handler pushes the routes itself
    EndpointRouteListUpdatedEvent = None

__all__ = ["DeploymentSubStep", "EndpointRouteListUpdatedEvent", "ScheduleType"]
