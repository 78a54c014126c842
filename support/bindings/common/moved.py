"""Backend.AI names that moved or went away between supported releases, found where the installed
release keeps them. Only names whose meaning did not change belong here; a changed meaning belongs
in the binding of the release that changed it.
"""

from __future__ import annotations

from typing import Any

try:  # 26.4.4 moved it into the sokovan package (and added CLEANUP_FORCE_TERMINATED)
    from ai.backend.manager.sokovan.scheduler.types import ScheduleType
except ImportError:  # 26.3.3
    from ai.backend.manager.scheduler.types import ScheduleType  # type: ignore[no-redef, unused-ignore]

try:  # 26.3.3
    from ai.backend.manager.data.deployment.types import DeploymentSubStep
except ImportError:  # renamed in 26.4
    from ai.backend.manager.data.deployment.types import (  # type: ignore[no-redef, attr-defined, unused-ignore]
        DeploymentLifecycleSubStep as DeploymentSubStep,
    )

# The deploying step that rolls a new revision back (26.4 prefixed the sub-step names with DEPLOYING_).
ROLLING_BACK_STEP: Any = getattr(DeploymentSubStep, "ROLLING_BACK", None) or DeploymentSubStep["DEPLOYING_ROLLING_BACK"]

EndpointRouteListUpdatedEvent: Any
try:  # 26.3.3: the route list of an endpoint changed (the app proxy is told through this event)
    from ai.backend.common.events.event_types.model_serving.anycast import EndpointRouteListUpdatedEvent
except ImportError:  # gone in 26.4: the app-proxy sync handler pushes the routes itself
    EndpointRouteListUpdatedEvent = None

try:  # 26.9: the scheduler's data classes moved into views.sokovan (same names and meaning)
    from ai.backend.manager.views.sokovan.image import ImageConfigData
    from ai.backend.manager.views.sokovan.lifecycle import (
        KernelBindingData,
        SessionDataForPull,
        SessionDataForStart,
        SessionsForPullWithImages,
        SessionWithKernels,
    )
    from ai.backend.manager.views.sokovan.result import PromotionSpec
    from ai.backend.manager.views.sokovan.snapshot import SessionDependencySnapshot
except ImportError:  # 26.3.3, 26.4.16
    from ai.backend.manager.sokovan.data import (  # type: ignore[no-redef, assignment, unused-ignore]
        ImageConfigData,
        KernelBindingData,
        PromotionSpec,
        SessionDataForPull,
        SessionDataForStart,
        SessionDependencySnapshot,
        SessionsForPullWithImages,
        SessionWithKernels,
    )

try:  # 26.9: the scheduler repository's session views moved into views.sokovan (same names and fields)
    from ai.backend.manager.views.sokovan.search import SessionWithKernelsAndUserSearchResult
    from ai.backend.manager.views.sokovan.session import SweptSessionInfo, TerminatingKernelData, TerminatingSessionData
except ImportError:  # 26.3.3, 26.4.16
    from ai.backend.manager.repositories.scheduler.types.search import (  # type: ignore[no-redef, assignment, unused-ignore]
        SessionWithKernelsAndUserSearchResult,
    )
    from ai.backend.manager.repositories.scheduler.types.session import (  # type: ignore[no-redef, assignment, unused-ignore]
        SweptSessionInfo,
        TerminatingKernelData,
        TerminatingSessionData,
    )

try:  # 26.9: groups are projects, scaling groups are resource groups (the tables keep their names)
    from ai.backend.manager.models.project.row import ProjectRow as GroupRow
    from ai.backend.manager.models.project.row import association_groups_users
    from ai.backend.manager.models.resource_group.row import ResourceGroupForDomainRow as ScalingGroupForDomainRow
    from ai.backend.manager.models.resource_group.row import ResourceGroupOpts as ScalingGroupOpts
    from ai.backend.manager.models.resource_group.row import ResourceGroupRow as ScalingGroupRow
except ImportError:  # 26.3.3, 26.4.16
    from ai.backend.manager.models.group import GroupRow, association_groups_users  # type: ignore[no-redef, assignment, unused-ignore]
    from ai.backend.manager.models.scaling_group import (  # type: ignore[no-redef, assignment, unused-ignore]
        ScalingGroupForDomainRow,
        ScalingGroupOpts,
        ScalingGroupRow,
    )

try:  # 26.9: the engine helpers moved out of models.utils
    from ai.backend.manager.repositories.db.engine import connect_database, create_async_engine
except ImportError:  # 26.3.3, 26.4.16
    from ai.backend.manager.models.utils import connect_database, create_async_engine  # type: ignore[no-redef, unused-ignore]

IntOrPercent: Any
ReplicaGroupRolloutSpec: Any
try:  # 26.9: a replica group's rollout limits moved into the common deployment schema (same fields)
    from ai.backend.common.schema.deployment import IntOrPercent, ReplicaGroupRolloutSpec  # type: ignore[no-redef, unused-ignore]
except ImportError:  # 26.4.16 keeps them with the deployment types; 26.3.3 has neither (None)
    from ai.backend.manager.data.deployment import types as _deployment_types

    IntOrPercent = getattr(_deployment_types, "IntOrPercent", None)
    ReplicaGroupRolloutSpec = getattr(_deployment_types, "ReplicaGroupRolloutSpec", None)

DeploymentID: Any
DeploymentRevisionID: Any
try:  # 26.9: the identifiers moved into common.data.entity (same names and meaning)
    from ai.backend.common.data.entity.deployment import DeploymentID  # type: ignore[no-redef, import-not-found, unused-ignore]
    from ai.backend.common.data.entity.deployment_revision import DeploymentRevisionID  # type: ignore[no-redef, import-not-found, unused-ignore]
except ImportError:
    try:  # 26.4.16
        from ai.backend.common.identifier.deployment import DeploymentID  # type: ignore[no-redef, import-not-found, unused-ignore]
        from ai.backend.common.identifier.deployment_revision import DeploymentRevisionID  # type: ignore[no-redef, import-not-found, unused-ignore]
    except ImportError:  # 26.3.3: plain UUIDs
        DeploymentID = DeploymentRevisionID = None

__all__ = [
    "ROLLING_BACK_STEP",
    "DeploymentID",
    "DeploymentRevisionID",
    "DeploymentSubStep",
    "EndpointRouteListUpdatedEvent",
    "GroupRow",
    "ImageConfigData",
    "IntOrPercent",
    "KernelBindingData",
    "PromotionSpec",
    "ReplicaGroupRolloutSpec",
    "ScalingGroupForDomainRow",
    "ScalingGroupOpts",
    "ScalingGroupRow",
    "ScheduleType",
    "SessionDataForPull",
    "SessionDataForStart",
    "SessionDependencySnapshot",
    "SessionWithKernels",
    "SessionWithKernelsAndUserSearchResult",
    "SessionsForPullWithImages",
    "SweptSessionInfo",
    "TerminatingKernelData",
    "TerminatingSessionData",
    "association_groups_users",
    "connect_database",
    "create_async_engine",
]
