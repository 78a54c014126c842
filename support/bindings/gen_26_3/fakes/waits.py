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

from support.bindings.common.fakes.clock import FakeClock


@contextlib.contextmanager
def retry_waits_on(clock: FakeClock, waits: list[float]) -> Iterator[None]:
    async def sleep(delay: float, result=None):
        waits.append(delay)
        clock.advance(timedelta(seconds=delay))
        await asyncio.sleep(0)
        return result

    original = retry.asyncio
    # A stand-in for the module: sleep is the retry module's only use of asyncio.
    retry.asyncio = types.SimpleNamespace(sleep=sleep)  # type: ignore[assignment]
    try:
        yield
    finally:
        retry.asyncio = original


# The event loop's clock. Backend.AI bounds some waits with ``asyncio.timeout`` (the manager's
# lock_conn_timeout around ``pg_advisory_lock``, say), which reads the running loop's clock. A
# scenario lets such a bound pass at once by moving that clock forward: every timer due within
# the jump fires on the loop's next turn, exactly as if the time had passed. The clock only ever
# moves forward (it stays monotonic), and only the running loop's.
_loop_skews: dict[asyncio.AbstractEventLoop, list[float]] = {}


def advance_loop_clock(seconds: float) -> None:
    """Move the running event loop's clock ``seconds`` forward."""
    loop = asyncio.get_running_loop()
    skew = _loop_skews.get(loop)
    if skew is None:
        skew = _loop_skews[loop] = [0.0]
        real_time = loop.time
        loop.time = lambda: real_time() + skew[0]  # type: ignore[method-assign]
    skew[0] += seconds
