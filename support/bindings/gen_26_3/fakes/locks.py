"""The distributed-lock boundary (a PostgreSQL advisory lock in production), in memory.

``InMemoryLockFactory(lock_id, lifetime)`` has the shape of the manager's ``DistributedLockFactory``
and gives real mutual exclusion between coroutines of one event loop; it records who held which
lock, in order.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from ai.backend.common.lock import AbstractDistributedLock
from ai.backend.manager.defs import LockID


@dataclass(frozen=True)
class LockUse:
    lock_id: LockID
    lifetime: float | None


class InMemoryLock(AbstractDistributedLock):
    def __init__(self, factory: InMemoryLockFactory, lock_id: LockID, lifetime: float | None) -> None:
        super().__init__(lifetime=lifetime)
        self._factory = factory
        self._lock_id = lock_id

    async def __aenter__(self) -> Any:
        await self._factory.mutex(self._lock_id).acquire()
        self._factory.acquired.append(LockUse(self._lock_id, self._lifetime))
        return self

    async def __aexit__(self, *exc_info: object) -> bool | None:
        self._factory.mutex(self._lock_id).release()
        return None


class InMemoryLockFactory:
    def __init__(self) -> None:
        self._mutexes: dict[LockID, asyncio.Lock] = {}
        self.acquired: list[LockUse] = []

    def mutex(self, lock_id: LockID) -> asyncio.Lock:
        return self._mutexes.setdefault(lock_id, asyncio.Lock())

    def __call__(self, lock_id: LockID, lifetime_hint: float | None) -> InMemoryLock:
        return InMemoryLock(self, lock_id, lifetime_hint)
