"""The clock boundary: one fixed "now" for a scenario, shared by the database and the wall clock."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import time_machine

# Every scenario starts at the same instant, so a run never depends on when it happens.
EPOCH = datetime(2026, 11, 24, 9, 0, 0, tzinfo=UTC)


class FakeClock:
    """The scenario's "now": what the repository reports as the database time, and what
    ``datetime.now()`` returns inside Sokovan code while ``pinned()`` is active.

    Some Sokovan code reads the wall clock directly (the reserved-batch validator calls
    ``datetime.now(tzutc())``); pinning the process clock is how that boundary is faked.
    Monotonic time, which asyncio runs on, is left alone.
    """

    def __init__(self, now: datetime = EPOCH) -> None:
        if now.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware time")
        self._now = now

    @property
    def now(self) -> datetime:
        return self._now

    def ago(self, delta: timedelta) -> datetime:
        return self._now - delta

    def later(self, delta: timedelta) -> datetime:
        return self._now + delta

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    @contextlib.contextmanager
    def pinned(self) -> Iterator[None]:
        with time_machine.travel(self._now, tick=False):
            yield

    def __repr__(self) -> str:
        return f"FakeClock({self._now.isoformat()})"
