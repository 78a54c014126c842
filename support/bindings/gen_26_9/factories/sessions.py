"""The session and kernel data factories of 26.9.6 (support.bindings.gen_26_4.factories.sessions, with
what 26.9 changed):

* scaling groups are resource groups, known by id: ``ResourceSpec.resource_group_name`` and
  ``ResourceInfo.resource_group``/``resource_group_id`` (``resource_group_id(name)``, the id the
  resource-group rows carry too);
* sessions and kernels no longer carry slot amounts (``requested_slots``, ``occupying_slots``,
  ``occupied_slots`` are gone): a kernel's request lives in the ``resource_allocations`` table and
  reaches the scheduler through the repository. The scenario's arrangement of them is kept on the
  kernel's ``ArrangedResourceInfo``, which the in-memory repository stores as its tables and strips
  from what it hands the scheduler.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from typing import Any

import factory
from ai.backend.common.data.entity.resource_group import ResourceGroupID
from ai.backend.common.types import ResourceSlot
from ai.backend.manager.data.kernel.types import KernelInfo, ResourceInfo
from ai.backend.manager.data.session.types import ResourceSpec

from support.bindings.gen_26_3.factories.sessions import reported_by_agent, stable_id
from support.bindings.gen_26_4.factories import sessions as gen_26_4


def resource_group_id(name: str) -> ResourceGroupID:
    """The id of the resource (scaling) group ``name``."""
    return ResourceGroupID(stable_id("resource-group", name))


def domain_id(name: str) -> uuid.UUID:
    """The id of the domain ``name``."""
    return stable_id("domain", name)


@dataclass
class ArrangedResourceInfo(ResourceInfo):
    """A kernel's ``ResourceInfo`` with the slot amounts the scenario arranged for it: what it requests
    and, once on an agent, what it occupies there (26.9 keeps both in ``resource_allocations``)."""

    requested_slots: ResourceSlot = field(default_factory=ResourceSlot)
    occupied_slots: ResourceSlot = field(default_factory=ResourceSlot)


def stored_kernel(kernel: KernelInfo) -> KernelInfo:
    """The kernel as 26.9's repository reads it: its ``ResourceInfo`` without the arranged amounts."""
    resource = kernel.resource
    if type(resource) is ResourceInfo:
        return kernel
    plain = ResourceInfo(**{f.name: getattr(resource, f.name) for f in fields(ResourceInfo)})
    return KernelInfo(**{**{f.name: getattr(kernel, f.name) for f in fields(KernelInfo)}, "resource": plain})


def requested_slots(kernel: KernelInfo) -> ResourceSlot:
    """What the scenario arranged kernel ``kernel`` to request."""
    return getattr(kernel.resource, "requested_slots", ResourceSlot())


def occupied_slots(kernel: KernelInfo) -> ResourceSlot:
    """What the scenario arranged kernel ``kernel`` to occupy on its agent."""
    return getattr(kernel.resource, "occupied_slots", ResourceSlot())


def _resource_spec(o: Any) -> ResourceSpec:
    return ResourceSpec(
        cluster_mode=str(o.cluster_mode.value),
        cluster_size=o.cluster_size,
        resource_group_name=o.scaling_group,
        target_sgroup_names=[o.scaling_group],
        agent_ids=o.agent_ids,
    )


class SessionInfoFactory(gen_26_4.SessionInfoFactory):
    resource = factory.LazyAttribute(_resource_spec)


def _resource_info(o: Any) -> ArrangedResourceInfo:
    group = o.of_session.resource.resource_group_name
    return ArrangedResourceInfo(
        resource_group=group,
        resource_group_id=resource_group_id(group),
        agent=o.agent,
        agent_addr=f"tcp://{o.agent}:6001" if o.agent else None,
        container_id=o.container_id,
        occupied_shares={},
        attached_devices={},
        resource_opts={},
        requested_slots=o.shape(o.requested),
        occupied_slots=reported_by_agent(o.shape(o.requested)) if o.agent else ResourceSlot(),
    )


class KernelInfoFactory(gen_26_4.KernelInfoFactory):
    class Params:
        of_session = factory.SubFactory(SessionInfoFactory)

    resource = factory.LazyAttribute(_resource_info)


class SessionWithKernelsFactory(gen_26_4.SessionWithKernelsFactory):
    class Params:
        session_info_factory = SessionInfoFactory
        kernel_info_factory = KernelInfoFactory

    class Meta:
        exclude = ("phase_attempts", "phase_started_at")  # gone in 26.9: the coordinator fills last_phase

    last_phase = None


__all__ = [
    "ArrangedResourceInfo",
    "KernelInfoFactory",
    "SessionInfoFactory",
    "SessionWithKernelsFactory",
    "domain_id",
    "occupied_slots",
    "requested_slots",
    "resource_group_id",
    "stored_kernel",
]
