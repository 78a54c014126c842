"""The in-memory Valkey store (support.bindings.common.fakes.valkey_store) as 26.4.16's Valkey clients
reach it: they no longer hold one Glide client, they take a connection for each command
(``async with self._client.client() as conn``). The store is its own connection. Besides, the
clients of 26.4.16 remove members from a set (``SREM``: the force-terminated sessions the cleanup
cycle has dealt with).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager

from support.bindings.common.fakes.valkey_store import InMemoryValkey, _bytes, _key


class InMemoryValkeyPerCommand(InMemoryValkey):
    @property
    def client(self) -> Callable[[], AbstractAsyncContextManager[InMemoryValkey]]:  # type: ignore[override]
        return self._connection

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[InMemoryValkey]:
        yield self

    async def srem(self, key: str | bytes, members: Sequence[str | bytes]) -> int:
        self._reach()
        stored = self.sets.get(_key(key), set())
        removed = {_bytes(m) for m in members} & stored
        stored -= removed
        return len(removed)


__all__ = ["InMemoryValkeyPerCommand"]
