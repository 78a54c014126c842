"""Doubles for what crosses a process boundary; one boundary per module.

The in-memory scheduler repository (.scheduler_repository) is imported from its module: it is
built on the repository's data classes, which a later release replaced, while the other doubles
here serve every release."""

from support.bindings.common.fakes.clock import EPOCH, FakeClock
from support.bindings.common.fakes.network import FakeNetworkPlugins
from support.bindings.common.fakes.strict import NotInDouble, StrictDouble
from support.bindings.common.fakes.unused import Unused

from .agents import AgentRequest, FakeAgent, FakeAgentPool
from .config import StaticConfigProvider, default_manager_config
from .events import PublishedEvent, RecordingEventProducer
from .locks import InMemoryLockFactory, LockUse
from .valkey_schedule import FakeValkeySchedule

__all__ = [
    "EPOCH",
    "AgentRequest",
    "FakeAgent",
    "FakeAgentPool",
    "FakeClock",
    "FakeNetworkPlugins",
    "FakeValkeySchedule",
    "InMemoryLockFactory",
    "LockUse",
    "NotInDouble",
    "PublishedEvent",
    "RecordingEventProducer",
    "StaticConfigProvider",
    "StrictDouble",
    "Unused",
    "default_manager_config",
]
