"""Doubles for what crosses a process boundary; one boundary per module."""

from support.bindings.common.fakes.clock import EPOCH, FakeClock
from support.bindings.common.fakes.network import FakeNetworkPlugins
from support.bindings.common.fakes.strict import NotInDouble, StrictDouble
from support.bindings.common.fakes.unused import Unused

from .agents import AgentRequest, FakeAgent, FakeAgentPool
from .config import StaticConfigProvider, default_manager_config
from .events import PublishedEvent, RecordingEventProducer
from .locks import InMemoryLockFactory, LockUse
from .scheduler_repository import (
    FakeSchedulerRepository,
    PriorityRequest,
    StoredAgent,
    StoredSession,
    StoredUser,
)
from .valkey_schedule import FakeValkeySchedule

__all__ = [
    "EPOCH",
    "AgentRequest",
    "FakeAgent",
    "FakeAgentPool",
    "FakeClock",
    "FakeNetworkPlugins",
    "FakeSchedulerRepository",
    "FakeValkeySchedule",
    "InMemoryLockFactory",
    "LockUse",
    "NotInDouble",
    "PriorityRequest",
    "PublishedEvent",
    "RecordingEventProducer",
    "StaticConfigProvider",
    "StoredAgent",
    "StoredSession",
    "StoredUser",
    "StrictDouble",
    "Unused",
    "default_manager_config",
]
