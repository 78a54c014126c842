"""The production lock, watched: Backend.AI's ``PgAdvisoryLock`` with a record of its use.

``WatchedAdvisoryLocks(engine)`` has the shape of the manager's ``DistributedLockFactory`` with the
``pg_advisory`` backend (``lambda lock_id, lifetime: PgAdvisoryLock(db, lock_id)``): every lock it
hands out is a real session-level PostgreSQL advisory lock. It only adds a timeline of what each
holder did (asked, acquired, released, failed), so a scenario can state who waited for whom.

``HeldElsewhere`` is another manager process holding a lock on its own database connection.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import asyncpg
from ai.backend.common.lock import AbstractDistributedLock
from ai.backend.manager.defs import LockID
from ai.backend.manager.models.utils import ExtendedAsyncSAEngine
from ai.backend.manager.pglock import PgAdvisoryLock


@dataclass(frozen=True)
class LockEvent:
    holder: int  # which lock object (one per cycle that asked)
    lock_id: LockID
    what: str  # "asked", "acquired", "releasing", "released", "failed"
    lifetime: float | None = None


class WatchedLock(AbstractDistributedLock):
    def __init__(self, locks: WatchedAdvisoryLocks, lock_id: LockID, lifetime: float | None) -> None:
        super().__init__(lifetime=lifetime)
        self._locks = locks
        self._lock_id = lock_id
        self._holder = next(locks._holders)
        self._real = PgAdvisoryLock(locks.engine, lock_id)

    def _note(self, what: str) -> None:
        self._locks.timeline.append(LockEvent(self._holder, self._lock_id, what, self._lifetime))

    async def __aenter__(self) -> Any:
        self._note("asked")
        try:
            await self._real.__aenter__()
        except BaseException:
            self._note("failed")
            raise
        self._note("acquired")
        return self

    async def __aexit__(self, *exc_info: object) -> bool | None:
        # "releasing" comes before the unlock reaches the server, "released" after the lock's
        # connection went back to the pool: a waiting holder may be granted the lock in between.
        self._note("releasing")
        try:
            return await self._real.__aexit__(*exc_info)
        finally:
            self._note("released")


class WatchedAdvisoryLocks:
    def __init__(self, engine: ExtendedAsyncSAEngine) -> None:
        self.engine = engine
        self.timeline: list[LockEvent] = []
        self._holders = itertools.count(1)

    def __call__(self, lock_id: LockID, lifetime_hint: float | None) -> WatchedLock:
        return WatchedLock(self, lock_id, lifetime_hint)

    def events(self, lock_id: LockID | None = None) -> list[LockEvent]:
        return [e for e in self.timeline if lock_id is None or e.lock_id == lock_id]


class HeldElsewhere:
    """A session-level advisory lock held on a connection of its own, like another manager's."""

    def __init__(self, dsn: str, lock_id: LockID) -> None:
        self._dsn = dsn
        self.lock_id = lock_id
        self._conn: asyncpg.Connection | None = None

    async def acquire(self) -> None:
        self._conn = await asyncpg.connect(self._dsn)
        await self._conn.execute(f"SELECT pg_advisory_lock({int(self.lock_id)})")

    @property
    def backend_pid(self) -> int | None:
        """The PostgreSQL backend holding the lock, while it is held."""
        return None if self._conn is None else self._conn.get_server_pid()

    async def release(self) -> None:
        if self._conn is not None:
            await self._conn.close()  # a session-level lock ends with its connection
            self._conn = None
