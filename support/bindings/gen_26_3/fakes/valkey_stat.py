"""The Valkey statistics boundary (``ValkeyStatClient``): only the cache the scheduler invalidates."""

from __future__ import annotations

from collections.abc import Sequence

from ai.backend.common.types import AccessKey

from support.bindings.common.fakes.strict import StrictDouble


class FakeValkeyStat(StrictDouble):
    """Remembers whose cached figures (concurrency, occupancy) were invalidated, in order."""

    def __init__(self) -> None:
        self.invalidations: list[tuple[AccessKey, ...]] = []

    async def invalidate_kernel_related_cache(self, access_keys: Sequence[AccessKey]) -> None:
        self.invalidations.append(tuple(access_keys))

    @property
    def invalidated(self) -> set[AccessKey]:
        return {key for batch in self.invalidations for key in batch}
