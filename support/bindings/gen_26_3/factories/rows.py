"""factory-boy factories for rows of Backend.AI's own tables, for the database tier.

Each factory builds a ``Row`` (a table and the values of one row) with defaults that satisfy the
schema's constraints, so a step states only what its sentence says:

    AgentRowFactory.build(id="a1", available_slots=slots(8, 16))
    SchedulingHistoryRowFactory.build(session_id=sid, phase="probe", attempts=4, created_at=then)

``OwnerRows`` is everything a session needs to belong to someone: domain, project (group) and its
resource policy, user and keypair with theirs, and the scaling group open to the domain.
``session_rows`` turns a ``SessionWithKernels`` (support.bindings.gen_26_3.factories.sessions, the same factory the
in-memory tier uses) into its ``sessions``, ``kernels`` and ``resource_allocations`` rows, so both
tiers arrange a session from the same words.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import factory
import sqlalchemy as sa
from ai.backend.common.container_registry import ContainerRegistryType
from ai.backend.common.types import ClusterMode, DefaultForUnspecified, ResourceSlot, SessionResult, SessionTypes
from ai.backend.manager.data.agent.types import AgentStatus
from ai.backend.manager.data.image.types import ImageType
from ai.backend.manager.data.kernel.types import KernelStatus
from ai.backend.manager.data.session.types import SchedulingResult, SessionStatus
from ai.backend.manager.models.agent import AgentRow
from ai.backend.manager.models.container_registry import ContainerRegistryRow
from ai.backend.manager.models.domain import DomainRow
from ai.backend.manager.models.image import ImageRow
from ai.backend.manager.models.kernel import KernelRow
from ai.backend.manager.models.keypair import KeyPairRow
from ai.backend.manager.models.resource_policy import (
    KeyPairResourcePolicyRow,
    ProjectResourcePolicyRow,
    UserResourcePolicyRow,
)
from ai.backend.manager.models.resource_slot.row import AgentResourceRow, ResourceAllocationRow
from ai.backend.manager.models.scheduling_history.row import SessionSchedulingHistoryRow
from ai.backend.manager.models.session import SessionRow
from ai.backend.manager.models.user import UserRole, UserRow

from support.bindings.common.fakes.clock import EPOCH
from support.bindings.common.moved import GroupRow, ScalingGroupForDomainRow, ScalingGroupRow, SessionWithKernels

from .sessions import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_ARCH,
    DEFAULT_DOMAIN,
    DEFAULT_IMAGE,
    DEFAULT_PROJECT,
    DEFAULT_SCALING_GROUP,
    DEFAULT_USER,
    slots,
)

DEFAULT_POLICY = "default"


@dataclass(frozen=True)
class Row:
    """One row to insert: its table and its column values."""

    table: sa.Table
    values: dict[str, Any]

    def insert(self) -> sa.Insert:
        return sa.insert(self.table).values(**self.values)


class RowFactory(factory.Factory[Row]):
    """Builds a ``Row`` of ``Meta.model``'s table instead of an ORM object."""

    class Meta:
        abstract = True

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        return Row(model_class.__table__, kwargs)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls._build(model_class, *args, **kwargs)


# -- owners --------------------------------------------------------------------------------------


class DomainRowFactory(RowFactory):
    class Meta:
        model = DomainRow

    name = DEFAULT_DOMAIN
    is_active = True
    total_resource_slots = factory.LazyFunction(ResourceSlot)
    allowed_vfolder_hosts = factory.LazyFunction(dict)
    allowed_docker_registries = factory.LazyFunction(lambda: ["cr.backend.ai"])


class ProjectResourcePolicyRowFactory(RowFactory):
    class Meta:
        model = ProjectResourcePolicyRow

    name = DEFAULT_POLICY
    max_vfolder_count = 0
    max_quota_scope_size = -1
    max_network_count = 3


class GroupRowFactory(RowFactory):
    class Meta:
        model = GroupRow

    id = DEFAULT_PROJECT
    name = "default"
    domain_name = DEFAULT_DOMAIN
    is_active = True
    total_resource_slots = factory.LazyFunction(ResourceSlot)
    allowed_vfolder_hosts = factory.LazyFunction(dict)
    resource_policy = DEFAULT_POLICY


class UserResourcePolicyRowFactory(RowFactory):
    class Meta:
        model = UserResourcePolicyRow

    name = DEFAULT_POLICY
    max_vfolder_count = 0
    max_quota_scope_size = -1
    max_session_count_per_model_session = 10


class KeyPairResourcePolicyRowFactory(RowFactory):
    class Meta:
        model = KeyPairResourcePolicyRow

    name = DEFAULT_POLICY
    total_resource_slots = factory.LazyFunction(ResourceSlot)  # empty, and unspecified slots unlimited
    default_for_unspecified = DefaultForUnspecified.UNLIMITED
    max_concurrent_sessions = 30
    max_containers_per_session = 1
    idle_timeout = 3600
    max_pending_session_count = None
    max_concurrent_sftp_sessions = 1


class UserRowFactory(RowFactory):
    class Meta:
        model = UserRow

    uuid = DEFAULT_USER
    username = "alice"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    domain_name = DEFAULT_DOMAIN
    role = UserRole.USER
    resource_policy = DEFAULT_POLICY


class KeyPairRowFactory(RowFactory):
    class Meta:
        model = KeyPairRow

    access_key = DEFAULT_ACCESS_KEY
    secret_key = "not-a-secret"
    user_id = "alice@example.com"
    user = DEFAULT_USER
    is_active = True
    is_admin = False
    resource_policy = DEFAULT_POLICY
    rate_limit = 1000


class ScalingGroupRowFactory(RowFactory):
    class Meta:
        model = ScalingGroupRow

    name = DEFAULT_SCALING_GROUP
    is_active = True
    is_public = True
    driver = "static"
    driver_opts = factory.LazyFunction(dict)
    scheduler = "fifo"


class ScalingGroupForDomainRowFactory(RowFactory):
    class Meta:
        model = ScalingGroupForDomainRow

    scaling_group = DEFAULT_SCALING_GROUP
    domain = DEFAULT_DOMAIN


def owner_rows(**scaling_group: Any) -> list[Row | sa.Executable]:
    """Everything a session needs to belong to someone, in foreign-key order; ``scaling_group``
    sets columns of the scaling group (its app proxy, its scheduler options). The user's keypair is
    its main keypair (``users.main_access_key``), as for every user the manager creates; the
    keypair refers to the user, so the user row is written first and then pointed at it."""
    users = UserRow.__table__
    return [
        DomainRowFactory.build(),
        ProjectResourcePolicyRowFactory.build(),
        GroupRowFactory.build(),
        UserResourcePolicyRowFactory.build(),
        KeyPairResourcePolicyRowFactory.build(),
        UserRowFactory.build(),
        KeyPairRowFactory.build(),
        sa.update(users).where(users.c.uuid == DEFAULT_USER).values(main_access_key=DEFAULT_ACCESS_KEY),
        ScalingGroupRowFactory.build(**scaling_group),
        ScalingGroupForDomainRowFactory.build(),
    ]


# -- images --------------------------------------------------------------------------------------


DEFAULT_REGISTRY_ID = uuid.UUID("00000000-0000-4000-8000-0000000000c7")


class ContainerRegistryRowFactory(RowFactory):
    class Meta:
        model = ContainerRegistryRow

    id = DEFAULT_REGISTRY_ID
    url = "https://cr.backend.ai"
    registry_name = "cr.backend.ai"
    type = ContainerRegistryType.DOCKER
    project = "stable"


class ImageRowFactory(RowFactory):
    """An image the registry tables know, as the launcher resolves it (``name`` is the canonical
    reference the kernels carry)."""

    class Meta:
        model = ImageRow

    id = factory.LazyFunction(uuid.uuid4)
    name = DEFAULT_IMAGE
    registry = "cr.backend.ai"
    registry_id = DEFAULT_REGISTRY_ID
    project = "stable"
    image = factory.LazyAttribute(lambda o: o.name.removeprefix(f"{o.registry}/").split(":")[0])
    tag = factory.LazyAttribute(lambda o: o.name.rsplit(":", 1)[1])
    architecture = DEFAULT_ARCH
    config_digest = factory.LazyAttribute(lambda o: "sha256:" + hashlib.sha256(o.name.encode()).hexdigest())
    size_bytes = 1024**3
    type = ImageType.COMPUTE
    labels = factory.LazyFunction(dict)
    resources = factory.LazyFunction(dict)


def image_rows(**image: Any) -> list[Row]:
    """The default image and the registry it comes from."""
    return [ContainerRegistryRowFactory.build(), ImageRowFactory.build(**image)]


# -- agents --------------------------------------------------------------------------------------


class AgentRowFactory(RowFactory):
    class Meta:
        model = AgentRow

    id = factory.Sequence(lambda n: f"agent-{n}")
    status = AgentStatus.ALIVE
    region = "local"
    scaling_group = DEFAULT_SCALING_GROUP
    schedulable = True
    available_slots = factory.LazyFunction(lambda: slots(8, 16))
    occupied_slots = factory.LazyFunction(ResourceSlot)
    addr = factory.LazyAttribute(lambda o: f"tcp://{o.id}:6001")
    version = "26.3.3"
    architecture = DEFAULT_ARCH
    compute_plugins = factory.LazyFunction(dict)


class AgentResourceRowFactory(RowFactory):
    """The normalized capacity of one slot of an agent, and how much of it is in use."""

    class Meta:
        model = AgentResourceRow

    agent_id = "agent-0"
    slot_name = "cpu"
    capacity = Decimal(8)
    used = Decimal(0)


def agent_rows(agent: Row) -> list[Row]:
    """An agent row and one capacity row per slot it offers."""
    return [agent] + [
        AgentResourceRowFactory.build(agent_id=agent.values["id"], slot_name=name, capacity=amount)
        for name, amount in agent.values["available_slots"].items()
    ]


# -- sessions and kernels ------------------------------------------------------------------------


class SessionRowFactory(RowFactory):
    class Meta:
        model = SessionRow

    id = factory.LazyFunction(uuid.uuid4)
    name = factory.Sequence(lambda n: f"session-{n}")
    creation_id = factory.LazyAttribute(lambda o: f"c-{o.name}")
    session_type = SessionTypes.INTERACTIVE
    priority = 10
    cluster_mode = ClusterMode.SINGLE_NODE.value
    cluster_size = 1
    scaling_group_name = DEFAULT_SCALING_GROUP
    target_sgroup_names = factory.LazyAttribute(lambda o: [o.scaling_group_name])
    domain_name = DEFAULT_DOMAIN
    group_id = DEFAULT_PROJECT
    user_uuid = DEFAULT_USER
    access_key = DEFAULT_ACCESS_KEY
    images = factory.LazyFunction(lambda: [DEFAULT_IMAGE])
    occupying_slots = factory.LazyFunction(ResourceSlot)
    requested_slots = factory.LazyFunction(slots)
    vfolder_mounts = factory.LazyFunction(list)
    environ = factory.LazyFunction(dict)
    status = SessionStatus.PENDING
    status_history = factory.LazyFunction(dict)
    result = SessionResult.UNDEFINED


class KernelRowFactory(RowFactory):
    class Meta:
        model = KernelRow

    id = factory.LazyFunction(uuid.uuid4)
    session_id = factory.LazyFunction(uuid.uuid4)
    session_creation_id = None
    session_name = None
    session_type = SessionTypes.INTERACTIVE
    cluster_mode = ClusterMode.SINGLE_NODE.value
    cluster_size = 1
    cluster_role = "main"
    cluster_idx = 0
    local_rank = 0
    cluster_hostname = "main1"
    scaling_group = DEFAULT_SCALING_GROUP
    agent = None
    agent_addr = factory.LazyAttribute(lambda o: f"tcp://{o.agent}:6001" if o.agent else None)
    domain_name = DEFAULT_DOMAIN
    group_id = DEFAULT_PROJECT
    user_uuid = DEFAULT_USER
    access_key = DEFAULT_ACCESS_KEY
    image = DEFAULT_IMAGE
    architecture = DEFAULT_ARCH
    registry = "cr.backend.ai"
    container_id = None
    occupied_slots = factory.LazyFunction(ResourceSlot)
    requested_slots = factory.LazyFunction(slots)
    repl_in_port = 2000
    repl_out_port = 2001
    stdin_port = 2002
    stdout_port = 2003
    status = KernelStatus.PENDING
    status_history = factory.LazyFunction(dict)
    result = SessionResult.UNDEFINED


class ResourceAllocationRowFactory(RowFactory):
    """What a kernel asked of one slot (written at enqueue) and, once it runs, what it uses."""

    class Meta:
        model = ResourceAllocationRow

    kernel_id = factory.LazyFunction(uuid.uuid4)
    slot_name = "cpu"
    requested = Decimal(1)
    used = None
    used_at = None
    free_at = None


def _history_from(status: SessionStatus | KernelStatus, changed: datetime | None) -> dict[str, str]:
    """A row's status history as it starts: when it entered its current status (the session
    factories always set that time)."""
    assert changed is not None, f"no time at which the status {status.name} was entered"
    return {status.name: changed.isoformat()}


def session_rows(sw: SessionWithKernels) -> list[Row]:
    """The rows of a session, its kernels and their requested resources."""
    info = sw.session_info
    rows: list[Row] = [
        SessionRowFactory.build(
            id=info.identity.id,
            name=info.identity.name,
            creation_id=info.identity.creation_id,
            session_type=info.identity.session_type,
            priority=info.identity.priority,
            cluster_mode=info.resource.cluster_mode,
            cluster_size=info.resource.cluster_size,
            scaling_group_name=info.resource.scaling_group_name,
            agent_ids=info.resource.agent_ids,
            domain_name=info.metadata.domain_name,
            group_id=info.metadata.group_id,
            user_uuid=info.metadata.user_uuid,
            access_key=info.metadata.access_key,
            images=info.image.images,
            requested_slots=info.resource.requested_slots,
            status=info.lifecycle.status,
            status_info=info.lifecycle.status_info,
            status_history=_history_from(info.lifecycle.status, info.lifecycle.status_changed),
            created_at=info.lifecycle.created_at,
            starts_at=info.lifecycle.starts_at,
        )
    ]
    for kernel in sw.kernel_infos:
        rows.append(
            KernelRowFactory.build(
                id=kernel.id,
                session_id=info.identity.id,
                session_creation_id=info.identity.creation_id,
                session_name=info.identity.name,
                session_type=info.identity.session_type,
                cluster_mode=kernel.cluster.cluster_mode,
                cluster_size=kernel.cluster.cluster_size,
                cluster_role=kernel.cluster.cluster_role,
                cluster_idx=kernel.cluster.cluster_idx,
                local_rank=kernel.cluster.local_rank,
                cluster_hostname=kernel.cluster.cluster_hostname,
                scaling_group=kernel.resource.scaling_group,
                agent=kernel.resource.agent,
                domain_name=info.metadata.domain_name,
                group_id=info.metadata.group_id,
                user_uuid=info.metadata.user_uuid,
                access_key=info.metadata.access_key,
                image=kernel.image.identifier.canonical if kernel.image.identifier else DEFAULT_IMAGE,
                container_id=kernel.resource.container_id,
                occupied_slots=kernel.resource.occupied_slots,
                requested_slots=kernel.resource.requested_slots,
                status=kernel.lifecycle.status,
                status_changed=kernel.lifecycle.status_changed,
                status_history=_history_from(kernel.lifecycle.status, kernel.lifecycle.status_changed),
                created_at=kernel.lifecycle.created_at,
            )
        )
        for slot_name, amount in kernel.resource.requested_slots.items():
            rows.append(ResourceAllocationRowFactory.build(kernel_id=kernel.id, slot_name=slot_name, requested=amount))
    return rows


class SchedulingHistoryRowFactory(RowFactory):
    """One entry of a session's scheduling history, as the coordinator writes them."""

    class Meta:
        model = SessionSchedulingHistoryRow

    id = factory.LazyFunction(uuid.uuid4)
    session_id = factory.LazyFunction(uuid.uuid4)
    phase = "schedule-sessions"
    from_status = None
    to_status = None
    result = SchedulingResult.NEED_RETRY
    error_code = None
    message = factory.LazyAttribute(lambda o: f"{o.phase} {SchedulingResult(o.result).value.lower()}")
    sub_steps = factory.LazyFunction(list)
    attempts = 1
    created_at = EPOCH
    updated_at = factory.LazyAttribute(lambda o: o.created_at)


__all__ = [
    "AgentResourceRowFactory",
    "AgentRowFactory",
    "ContainerRegistryRowFactory",
    "DomainRowFactory",
    "GroupRowFactory",
    "ImageRowFactory",
    "KernelRowFactory",
    "KeyPairResourcePolicyRowFactory",
    "KeyPairRowFactory",
    "ProjectResourcePolicyRowFactory",
    "ResourceAllocationRowFactory",
    "Row",
    "RowFactory",
    "ScalingGroupForDomainRowFactory",
    "ScalingGroupRowFactory",
    "SchedulingHistoryRowFactory",
    "SessionRowFactory",
    "UserResourcePolicyRowFactory",
    "UserRowFactory",
    "agent_rows",
    "image_rows",
    "owner_rows",
    "session_rows",
]
