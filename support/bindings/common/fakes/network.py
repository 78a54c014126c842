"""The container-network boundary: network plugins (Docker Swarm overlay in production)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CreatedNetwork:
    network_id: str
    options: dict[str, Any] = field(default_factory=dict)


class RecordingNetworkPlugin:
    """An inter-container network plugin that records the networks it was asked to create."""

    def __init__(self, driver: str) -> None:
        self.driver = driver
        self.created: list[str] = []

    async def create_network(self, *, identifier: str, **_: Any) -> CreatedNetwork:
        self.created.append(identifier)
        return CreatedNetwork(network_id=f"{self.driver}-{identifier}", options={"mode": self.driver})


class FakeNetworkPlugins:
    """Stands in for ``NetworkPluginContext``: the launcher reads only ``plugins``."""

    def __init__(self, *drivers: str) -> None:
        self.plugins: dict[str, RecordingNetworkPlugin] = {d: RecordingNetworkPlugin(d) for d in drivers}
