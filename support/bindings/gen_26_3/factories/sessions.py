"""factory-boy factories for Backend.AI's session and kernel data classes.

``SessionWithKernelsFactory`` is the one scenarios use: a session with its kernels, consistent with
each other (same IDs, owner, scaling group, status family). A step sets only what its sentence says:

    SessionWithKernelsFactory.build(name="s1", status=SessionStatus.PREPARED, agents=["a1"])
    SessionWithKernelsFactory.build(name="s1", cluster=True, agents=["a1", "a2"])     # multi-node, 2 kernels
    SessionWithKernelsFactory.build(name="train", gpu=True)                          # asks for a GPU
    SessionWithKernelsFactory.build(name="sftp", private=True)                        # SYSTEM (private) type
    SessionWithKernelsFactory.build(name="nightly", reserved=True)                    # batch, starts in an hour

Kernel data alone: ``KernelInfoFactory.build(of_session=info, index=0, stale=True)``.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import factory
from ai.backend.common.types import (
    ClusterMode,
    KernelId,
    ResourceSlot,
    SessionId,
    SessionResult,
    SessionTypes,
)
from ai.backend.manager.data.image.types import ImageIdentifier
from ai.backend.manager.data.kernel.types import (
    ClusterConfig,
    ImageInfo,
    KernelInfo,
    KernelStatus,
    LifecycleStatus,
    Metadata,
    Metrics,
    NetworkConfig,
    RelatedSessionInfo,
    ResourceInfo,
    RuntimeConfig,
    UserPermission,
)
from ai.backend.manager.data.session.types import (
    ImageSpec,
    MountSpec,
    ResourceSpec,
    SessionExecution,
    SessionIdentity,
    SessionInfo,
    SessionLifecycle,
    SessionMetadata,
    SessionMetrics,
    SessionNetwork,
    SessionStatus,
)
from ai.backend.manager.defs import DEFAULT_ROLE
from ai.backend.manager.models.network import NetworkType

from support.bindings.common.fakes.clock import EPOCH
from support.bindings.common.moved import SessionWithKernels
from support.bindings.gen_26_3.fakes.config import KNOWN_SLOT_TYPES

GiB = 1024**3
DEFAULT_IMAGE = "cr.backend.ai/stable/python:3.13-ubuntu24.04"
DEFAULT_ARCH = "x86_64"
DEFAULT_SCALING_GROUP = "default"
DEFAULT_DOMAIN = "default"
DEFAULT_ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
DEFAULT_USER = uuid.UUID("00000000-0000-4000-8000-00000000a11c")  # "alice"
DEFAULT_PROJECT = uuid.UUID("00000000-0000-4000-8000-0000000000b0")
_IDS = uuid.UUID("5a0b0c4e-1033-4000-8000-000000000000")

# The kernel status that goes with each session status, for sessions at rest in that status.
KERNEL_STATUS_OF = {
    SessionStatus.PENDING: KernelStatus.PENDING,
    SessionStatus.DEPRIORITIZING: KernelStatus.PENDING,
    SessionStatus.SCHEDULED: KernelStatus.SCHEDULED,
    SessionStatus.PREPARING: KernelStatus.PREPARING,
    SessionStatus.PULLING: KernelStatus.PULLING,
    SessionStatus.PREPARED: KernelStatus.PREPARED,
    SessionStatus.CREATING: KernelStatus.CREATING,
    SessionStatus.RUNNING: KernelStatus.RUNNING,
    SessionStatus.TERMINATING: KernelStatus.TERMINATING,
    SessionStatus.TERMINATED: KernelStatus.TERMINATED,
    SessionStatus.CANCELLED: KernelStatus.CANCELLED,
    SessionStatus.RESTARTING: KernelStatus.RESTARTING,
    SessionStatus.ERROR: KernelStatus.ERROR,
}
_WITH_CONTAINER = {KernelStatus.RUNNING, KernelStatus.TERMINATING}


def stable_id(kind: str, name: str) -> uuid.UUID:
    """The same name always gives the same ID, so runs are reproducible."""
    return uuid.uuid5(_IDS, f"{kind}:{name}")


def slots(cpu: float = 1, mem_gib: float = 1, gpu: float = 0) -> ResourceSlot:
    slot = ResourceSlot({"cpu": Decimal(str(cpu)), "mem": Decimal(int(Decimal(str(mem_gib)) * GiB))})
    if gpu:
        slot["cuda.device"] = Decimal(str(gpu))
    return slot


GPU_REQUEST = slots(cpu=4, mem_gib=8, gpu=1)


def reported_by_agent(requested: ResourceSlot) -> ResourceSlot:
    """What a kernel occupies once its agent has started it: the agent's report of what it
    allocated (``KernelCreationInfo.get_resource_allocations``). The agent drops the slot types a
    request carries at 0 (its resource stage ignores those it does not have), so they are absent."""
    return ResourceSlot({name: amount for name, amount in requested.items() if amount})


def per_kernel(requested: ResourceSlot | None) -> ResourceSlot:
    """Each kernel's request, shaped as production stores it: the given slots, or 1 CPU and 1 GiB,
    plus every other slot type the installation knows at 0.

    The scheduling controller builds a request with ``ResourceSlot.from_user_input(resources,
    known_slot_types)``, which fills each known slot the user left out with 0; the zeros reach the
    sessions and kernels rows and the scheduler (the dispersed agent selector counts them, see
    ``count_unutilized_capabilities``). A slot type the installation does not know is refused here,
    as the controller refuses it."""
    return ResourceSlot.from_user_input(requested if requested else slots(), KNOWN_SLOT_TYPES)


def image_info_fields(o) -> dict[str, Any]:
    """The fields of a kernel's ``ImageInfo`` (``o``: a ``KernelInfoFactory`` resolver): the
    session's first image, from the default registry."""
    return {
        "identifier": ImageIdentifier(o.of_session.image.images[0], DEFAULT_ARCH),
        "registry": "cr.backend.ai",
        "tag": None,
        "architecture": DEFAULT_ARCH,
    }


def resource_spec_fields(o) -> dict[str, Any]:
    """The fields of a session's ``ResourceSpec`` (``o``: a ``SessionInfoFactory`` resolver): its
    request is the sum of its kernels' (each shaped by ``o.shape``)."""
    return {
        "cluster_mode": str(o.cluster_mode.value),
        "cluster_size": o.cluster_size,
        "occupying_slots": ResourceSlot(),
        "requested_slots": sum((o.shape(o.requested) for _ in range(o.cluster_size)), ResourceSlot()),
        "scaling_group_name": o.scaling_group,
        "target_sgroup_names": [o.scaling_group],
        "agent_ids": o.agent_ids,
    }


def resource_info_fields(o) -> dict[str, Any]:
    """The fields of a kernel's ``ResourceInfo`` (``o``: a ``KernelInfoFactory`` resolver): what it
    asks for and, once on an agent, what the agent reports it occupies."""
    return {
        "scaling_group": o.of_session.resource.scaling_group_name,
        "agent": o.agent,
        "agent_addr": f"tcp://{o.agent}:6001" if o.agent else None,
        "container_id": o.container_id,
        "occupied_slots": reported_by_agent(o.shape(o.requested)) if o.agent else ResourceSlot(),
        "requested_slots": o.shape(o.requested),
        "occupied_shares": {},
        "attached_devices": {},
        "resource_opts": {},
    }


class SessionInfoFactory(factory.Factory[SessionInfo]):
    """``SessionInfo``: every nested part filled from a handful of flat parameters."""

    class Meta:
        model = SessionInfo

    class Params:
        id = factory.LazyAttribute(lambda o: SessionId(stable_id("session", o.name)))
        name = factory.Sequence(lambda n: f"session-{n}")
        session_type = SessionTypes.INTERACTIVE
        priority = 10
        status = SessionStatus.PENDING
        status_changed = EPOCH
        created_at = EPOCH
        starts_at = None
        status_info = None
        cluster_mode = ClusterMode.SINGLE_NODE
        cluster_size = 1
        requested = None  # per kernel; see per_kernel()
        shape = per_kernel  # how a release stores each kernel's request
        scaling_group = DEFAULT_SCALING_GROUP
        agent_ids = None
        access_key = DEFAULT_ACCESS_KEY
        user_uuid = DEFAULT_USER
        group_id = DEFAULT_PROJECT
        domain_name = DEFAULT_DOMAIN
        image_name = DEFAULT_IMAGE

    identity = factory.LazyAttribute(lambda o: SessionIdentity(o.id, f"c-{o.name}", o.name, o.session_type, o.priority))
    metadata = factory.LazyAttribute(
        lambda o: SessionMetadata(
            name=o.name,
            domain_name=o.domain_name,
            group_id=o.group_id,
            user_uuid=o.user_uuid,
            access_key=o.access_key,
            session_type=o.session_type,
            priority=o.priority,
            created_at=o.created_at,
            tag=None,
        )
    )
    resource = factory.LazyAttribute(lambda o: ResourceSpec(**resource_spec_fields(o)))
    image = factory.LazyAttribute(lambda o: ImageSpec(images=[o.image_name], tag=None))
    mounts = factory.LazyFunction(lambda: MountSpec(vfolder_mounts=[]))
    execution = factory.LazyFunction(
        lambda: SessionExecution(
            environ={}, bootstrap_script=None, startup_command=None, use_host_network=False, callback_url=None
        )
    )
    lifecycle = factory.LazyAttribute(
        lambda o: SessionLifecycle(
            status=o.status,
            result=SessionResult.UNDEFINED,
            created_at=o.created_at,
            terminated_at=None,
            starts_at=o.starts_at,
            status_changed=o.status_changed,
            batch_timeout=None,
            status_info=o.status_info,
            status_data={},
            status_history={},
        )
    )
    metrics = factory.LazyFunction(lambda: SessionMetrics(num_queries=0, last_stat=None))
    network = factory.LazyFunction(lambda: SessionNetwork(network_type=NetworkType.VOLATILE, network_id=None))


class KernelInfoFactory(factory.Factory[KernelInfo]):
    """``KernelInfo`` of one kernel of ``of_session`` (a ``SessionInfo``)."""

    class Meta:
        model = KernelInfo

    class Params:
        of_session = factory.SubFactory(SessionInfoFactory)
        index = 0
        name = factory.LazyAttribute(lambda o: f"{o.of_session.identity.name}/{o.index}")
        status = factory.LazyAttribute(lambda o: KERNEL_STATUS_OF[o.of_session.lifecycle.status])
        status_changed = EPOCH
        agent = None
        container_id = factory.LazyAttribute(
            lambda o: f"container-{o.name}" if o.agent and o.status in _WITH_CONTAINER else None
        )
        requested = None  # see per_kernel()
        shape = per_kernel  # how a release stores the kernel's request
        last_stat_at = EPOCH
        stale = factory.Trait(
            status=KernelStatus.RUNNING,
            last_stat_at=factory.LazyAttribute(lambda o: EPOCH - timedelta(minutes=10)),
        )

    id = factory.LazyAttribute(lambda o: KernelId(stable_id("kernel", o.name)))
    session = factory.LazyAttribute(
        lambda o: RelatedSessionInfo(
            session_id=str(o.of_session.identity.id),
            creation_id=o.of_session.identity.creation_id,
            name=o.of_session.identity.name,
            session_type=o.of_session.identity.session_type,
        )
    )
    user_permission = factory.LazyAttribute(
        lambda o: UserPermission(
            user_uuid=o.of_session.metadata.user_uuid,
            access_key=o.of_session.metadata.access_key,
            domain_name=o.of_session.metadata.domain_name,
            group_id=o.of_session.metadata.group_id,
            uid=None,
            main_gid=None,
            gids=None,
        )
    )
    image = factory.LazyAttribute(lambda o: ImageInfo(**image_info_fields(o)))
    network = factory.LazyFunction(
        lambda: NetworkConfig(
            kernel_host=None,
            repl_in_port=2000,
            repl_out_port=2001,
            stdin_port=2002,
            stdout_port=2003,
            service_ports=[],
            preopen_ports=[],
            use_host_network=False,
        )
    )
    cluster = factory.LazyAttribute(
        lambda o: ClusterConfig(
            cluster_mode=o.of_session.resource.cluster_mode,
            cluster_size=o.of_session.resource.cluster_size,
            cluster_role=DEFAULT_ROLE if o.index == 0 else "sub",
            cluster_idx=o.index,
            local_rank=o.index,
            cluster_hostname=f"{DEFAULT_ROLE}1" if o.index == 0 else f"sub{o.index}",
        )
    )
    resource = factory.LazyAttribute(lambda o: ResourceInfo(**resource_info_fields(o)))
    runtime = factory.LazyFunction(
        lambda: RuntimeConfig(
            environ=[], mounts=None, mount_map=None, vfolder_mounts=[], bootstrap_script=None, startup_command=None
        )
    )
    lifecycle = factory.LazyAttribute(
        lambda o: LifecycleStatus(
            status=o.status,
            result=SessionResult.UNDEFINED,
            created_at=o.of_session.lifecycle.created_at,
            terminated_at=None,
            starts_at=None,
            status_changed=o.status_changed,
            status_info=None,
            status_data={},
            status_history={},
            last_seen=o.last_stat_at,
            last_observed_at=None,
        )
    )
    metrics = factory.LazyAttribute(
        lambda o: Metrics(num_queries=0, last_stat={"collected_at": o.last_stat_at.isoformat()}, container_log=None)
    )
    metadata = factory.LazyFunction(lambda: Metadata(callback_url=None, internal_data=None))


def _kernels(o) -> list[KernelInfo]:
    agents = list(o.agents or [])
    if agents and len(agents) not in (1, o.kernel_count):
        raise ValueError(f"{o.kernel_count} kernels cannot be spread over agents {agents}")
    names = list(o.kernel_names or [f"{o.name}/{i}" for i in range(o.kernel_count)])
    if len(names) != o.kernel_count:
        raise ValueError(f"{o.kernel_count} kernels but names {names}")
    overrides = o.kernel_overrides or {}
    kernels = []
    for i, name in enumerate(names):
        fields = {
            "of_session": o.session_info,
            "index": i,
            "name": name,
            "agent": (agents[i] if len(agents) > 1 else agents[0]) if agents else None,
            "requested": o.requested,
            "status_changed": o.status_changed,
        }
        fields.update(overrides.get(name, {}))
        kernels.append(o.kernel_info_factory.build(**fields))
    return kernels


class SessionWithKernelsFactory(factory.Factory[SessionWithKernels]):
    """A session and its kernels, as the scheduler's handlers receive them."""

    class Meta:
        model = SessionWithKernels

    class Params:
        name = factory.Sequence(lambda n: f"session-{n}")
        status = SessionStatus.PENDING
        status_changed = EPOCH
        created_at = EPOCH
        session_type = SessionTypes.INTERACTIVE
        priority = 10
        starts_at = None
        status_info = None
        cluster_mode = ClusterMode.SINGLE_NODE
        kernel_count = 1
        kernel_names = None  # default "<session name>/<index>"
        kernel_overrides = None  # kernel name -> KernelInfoFactory parameters
        requested = None  # per kernel; see per_kernel()
        agents = None  # one agent for all kernels, or one per kernel
        image = DEFAULT_IMAGE
        scaling_group = DEFAULT_SCALING_GROUP
        access_key = DEFAULT_ACCESS_KEY
        user_uuid = DEFAULT_USER
        group_id = DEFAULT_PROJECT
        domain_name = DEFAULT_DOMAIN
        # The factories of the parts, which a later release's binding replaces.
        session_info_factory = SessionInfoFactory
        kernel_info_factory = KernelInfoFactory
        session_info_options = factory.LazyFunction(dict)  # more parameters of a later release's session_info_factory

        cluster = factory.Trait(cluster_mode=ClusterMode.MULTI_NODE, kernel_count=2)
        gpu = factory.Trait(requested=GPU_REQUEST)
        private = factory.Trait(session_type=SessionTypes.SYSTEM)
        reserved = factory.Trait(
            session_type=SessionTypes.BATCH,
            starts_at=factory.LazyFunction(lambda: EPOCH + timedelta(hours=1)),
        )

    session_info = factory.LazyAttribute(
        lambda o: o.session_info_factory.build(
            name=o.name,
            status=o.status,
            status_changed=o.status_changed,
            created_at=o.created_at,
            session_type=o.session_type,
            priority=o.priority,
            starts_at=o.starts_at,
            status_info=o.status_info,
            cluster_mode=o.cluster_mode,
            cluster_size=o.kernel_count,
            requested=o.requested,
            scaling_group=o.scaling_group,
            agent_ids=sorted(set(o.agents)) if o.agents else None,
            access_key=o.access_key,
            user_uuid=o.user_uuid,
            group_id=o.group_id,
            domain_name=o.domain_name,
            image_name=o.image,
            **o.session_info_options,
        )
    )
    kernel_infos = factory.LazyAttribute(_kernels)
    phase_attempts = 0
    phase_started_at = None


__all__ = [
    "DEFAULT_ACCESS_KEY",
    "DEFAULT_ARCH",
    "DEFAULT_DOMAIN",
    "DEFAULT_IMAGE",
    "DEFAULT_PROJECT",
    "DEFAULT_SCALING_GROUP",
    "DEFAULT_USER",
    "KERNEL_STATUS_OF",
    "GiB",
    "KernelInfoFactory",
    "SessionInfoFactory",
    "SessionWithKernelsFactory",
    "image_info_fields",
    "per_kernel",
    "resource_info_fields",
    "resource_spec_fields",
    "slots",
    "stable_id",
]
