"""The clock boundary for waits: Backend.AI's retry policy sleeps between attempts (0.1 s, then
longer). In a scenario those waits pass on the scenario clock instead, instantly, and are kept so
a Then step can say how often something was retried."""

from __future__ import annotations

import asyncio
import contextlib
import types
from collections.abc import Iterator
from datetime import timedelta

from ai.backend.common.resilience.policies import retry

from .clock import FakeClock


@contextlib.contextmanager
def retry_waits_on(clock: FakeClock, waits: list[float]) -> Iterator[None]:
    async def sleep(delay: float, result=None):
        waits.append(delay)
        clock.advance(timedelta(seconds=delay))
        await asyncio.sleep(0)
        return result

    original = retry.asyncio
    retry.asyncio = types.SimpleNamespace(sleep=sleep)  # the retry module's only use of asyncio
    try:
        yield
    finally:
        retry.asyncio = original
