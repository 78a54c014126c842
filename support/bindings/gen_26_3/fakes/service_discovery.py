"""The service-discovery boundary (the etcd or Redis registry Prometheus scrapes): keeps every
sync the manager sends, and can be made unreachable."""

from __future__ import annotations

from collections.abc import Sequence

from ai.backend.common.service_discovery.service_discovery import ModelServiceMetadata

from support.bindings.common.fakes.strict import StrictDouble


class DiscoveryUnreachable(ConnectionError):
    pass


class RecordingServiceDiscovery(StrictDouble):
    def __init__(self) -> None:
        self.syncs: list[list[ModelServiceMetadata]] = []
        self.unreachable = False

    async def sync_model_service_routes(self, routes: Sequence[ModelServiceMetadata]) -> None:
        if self.unreachable:
            raise DiscoveryUnreachable("the service-discovery backend does not answer")
        self.syncs.append(list(routes))

    @property
    def registered(self) -> dict[str, ModelServiceMetadata]:
        """What the backend holds after the last sync (a sync replaces the full set)."""
        return {str(m.route_id): m for m in (self.syncs[-1] if self.syncs else [])}
