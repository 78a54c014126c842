"""factory-boy factories for the rows every in-memory scheduler repository keeps: sessions with their
designation, agents, users, and the images the launcher resolves."""

from __future__ import annotations

import hashlib

import factory
from ai.backend.common.types import AgentId, ResourceSlot
from ai.backend.manager.data.agent.types import AgentStatus

from support.bindings.common.moved import ImageConfigData
from support.bindings.gen_26_3.fakes.stored import StoredAgent, StoredSession, StoredUser

from .sessions import DEFAULT_ARCH, DEFAULT_IMAGE, DEFAULT_SCALING_GROUP, DEFAULT_USER, SessionWithKernelsFactory, slots


class StoredSessionFactory(factory.Factory[StoredSession]):
    """A session row as the repository keeps it: ``SessionWithKernels`` plus the columns that
    ``SessionInfo`` does not carry (designated agents, preemptibility).

        StoredSessionFactory.build(session__name="s1", designated_to=["a2"])
    """

    class Meta:
        model = StoredSession

    class Params:
        designated_to = None  # agent names

    session = factory.SubFactory(SessionWithKernelsFactory)
    designated_agent_ids = factory.LazyAttribute(
        lambda o: [AgentId(a) for a in o.designated_to] if o.designated_to else None
    )
    is_preemptible = True


class StoredAgentFactory(factory.Factory[StoredAgent]):
    """An agent row: capacity, architecture, status, and what already runs on it.

    StoredAgentFactory.build(id="a1", available_slots=slots(cpu=4, mem_gib=8))
    StoredAgentFactory.build(id="g1", gpu=True)        # 8 CPUs, 32 GiB, 2 GPUs
    StoredAgentFactory.build(id="a1", lost=True)       # status LOST
    """

    class Meta:
        model = StoredAgent

    class Params:
        gpu = factory.Trait(available_slots=factory.LazyFunction(lambda: slots(cpu=8, mem_gib=32, gpu=2)))
        lost = factory.Trait(status=AgentStatus.LOST)

    id = factory.Sequence(lambda n: AgentId(f"agent-{n}"))
    scaling_group = DEFAULT_SCALING_GROUP
    available_slots = factory.LazyFunction(lambda: slots(cpu=8, mem_gib=16))
    architecture = DEFAULT_ARCH
    status = AgentStatus.ALIVE
    schedulable = True
    occupied_slots = factory.LazyFunction(ResourceSlot)
    container_count = 0


class StoredUserFactory(factory.Factory[StoredUser]):
    class Meta:
        model = StoredUser

    uuid = DEFAULT_USER
    username = "alice"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    vfolder_count = 0
    max_vfolder_count = None


class ImageConfigDataFactory(factory.Factory[ImageConfigData]):
    """An image as the image registry tables resolve it for the launcher."""

    class Meta:
        model = ImageConfigData

    canonical = DEFAULT_IMAGE
    architecture = DEFAULT_ARCH
    project = "stable"
    is_local = False
    digest = factory.LazyAttribute(lambda o: "sha256:" + hashlib.sha256(o.canonical.encode()).hexdigest())
    labels = factory.LazyFunction(dict)
    registry_name = "cr.backend.ai"
    registry_url = "https://cr.backend.ai"
    registry_username = None
    registry_password = None


__all__ = ["ImageConfigDataFactory", "StoredAgentFactory", "StoredSessionFactory", "StoredUserFactory"]
