"""The event bus boundary: an ``EventProducer`` that keeps what was published, in order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ai.backend.common.events.types import AbstractAnycastEvent, AbstractBroadcastEvent

from support.bindings.common.fakes.strict import StrictDouble


@dataclass(frozen=True)
class PublishedEvent:
    delivery: Literal["anycast", "broadcast"]
    event: AbstractAnycastEvent | AbstractBroadcastEvent

    @property
    def name(self) -> str:
        return type(self.event).__name__


class RecordingEventProducer(StrictDouble):
    """Only the methods Sokovan calls; anything else fails loudly."""

    def __init__(self) -> None:
        self.published: list[PublishedEvent] = []

    async def anycast_event(self, event: AbstractAnycastEvent, source_override: Any = None) -> None:
        self.published.append(PublishedEvent("anycast", event))

    async def broadcast_event(self, event: AbstractBroadcastEvent, source_override: Any = None) -> None:
        self.published.append(PublishedEvent("broadcast", event))

    async def broadcast_events_batch(self, events: Sequence[AbstractBroadcastEvent]) -> None:
        self.published.extend(PublishedEvent("broadcast", e) for e in events)

    def of_type[E: AbstractAnycastEvent | AbstractBroadcastEvent](self, kind: type[E]) -> list[E]:
        """The events of exactly the class ``kind`` that were published, in order."""
        if not isinstance(kind, type):
            raise TypeError(f"of_type takes an event class, not {kind!r}")
        return [p.event for p in self.published if type(p.event) is kind]
