"""The scheduler's distributed locks (database tier): PostgreSQL advisory locks, as the manager's
``pg_advisory`` lock backend takes them, and what each cycle did with them.

A lock is named in a sentence by its Backend.AI name without the ``LOCKID_SOKOVAN_`` prefix:
"target creating" is ``LockID.LOCKID_SOKOVAN_TARGET_CREATING`` (232), the lock of start-sessions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest_asyncio
from ai.backend.manager.defs import LockID

from support.binding import CoordinatorWorld, LockEvent
from support.engine import swallowed
from support.engine.bdd import given, then, when
from support.engine.phrases import phrase


def _lock(name: str) -> LockID:
    key = "LOCKID_SOKOVAN_" + name.upper().replace(" ", "_")
    try:
        return LockID[key]
    except KeyError:
        known = [
            m.name.removeprefix("LOCKID_SOKOVAN_").lower().replace("_", " ")
            for m in LockID
            if m.name.startswith("LOCKID_SOKOVAN_TARGET_")
        ]
        raise KeyError(f"Backend.AI has no scheduler lock {name!r}; it has {', '.join(known)}") from None


def _holds(world: CoordinatorWorld, lock_id: LockID) -> dict[int, list[tuple[int, LockEvent]]]:
    """Per holder (one per cycle that asked), its events with their position on the timeline."""
    holds: dict[int, list[tuple[int, LockEvent]]] = {}
    for position, event in enumerate(world.locks.timeline):
        if event.lock_id == lock_id:
            holds.setdefault(event.holder, []).append((position, event))
    return holds


def _at(events: list[tuple[int, LockEvent]], what: str) -> int:
    """Where on the timeline one holder did ``what``."""
    return next(position for position, event in events if event.what == what)


def _timeline(world: CoordinatorWorld) -> str:
    return ", ".join(f"#{e.holder} {e.what} {int(e.lock_id)}" for e in world.locks.timeline) or "nothing"


@pytest_asyncio.fixture
async def other_managers(coordinator_world: CoordinatorWorld) -> AsyncIterator[CoordinatorWorld]:
    """The scenario's world, with what other managers hold (connections, locks) released at the end."""
    yield coordinator_world
    await coordinator_world.aclose()


# -- Given -----------------------------------------------------------------------------------------


@given(phrase('another manager holds the scheduler lock "{lock:Name}"'))
async def held_by_another_manager(other_managers: CoordinatorWorld, lock: str) -> None:
    await other_managers.hold_lock_elsewhere(_lock(lock))


@given(phrase("the manager waits at most {limit:Duration} for a database lock"))
async def lock_wait_limited(other_managers: CoordinatorWorld, limit: timedelta) -> None:
    await other_managers.limit_lock_wait(int(limit.total_seconds()))


# -- When ------------------------------------------------------------------------------------------


@when(phrase('the other manager releases the scheduler lock "{lock:Name}"'))
async def other_manager_releases(world: CoordinatorWorld, lock: str) -> None:
    held = getattr(world, "held_elsewhere", None)
    assert held is not None and held.lock_id == _lock(lock), f"no other manager holds the lock {lock!r}"
    await held.release()


# -- Then ------------------------------------------------------------------------------------------


@then(phrase('the cycle took the scheduler lock "{lock:Name}" with a lifetime of {lifetime:Duration}, and released it'))
def took_and_released(world: CoordinatorWorld, lock: str, lifetime: timedelta) -> None:
    lock_id = _lock(lock)
    assert [e.lock_id for e in world.locks.timeline] == [lock_id] * 4, f"lock timeline: {_timeline(world)}"
    assert [e.what for e in world.locks.timeline] == ["asked", "acquired", "releasing", "released"], (
        f"lock timeline: {_timeline(world)}"
    )
    lifetimes = {e.lifetime for e in world.locks.timeline}
    assert lifetimes == {lifetime.total_seconds()}, f"the lock was asked for with a lifetime of {lifetimes}"


@then("the cycle took no lock")
def took_no_lock(world: CoordinatorWorld) -> None:
    assert not world.locks.timeline, f"lock timeline: {_timeline(world)}"


@then(phrase('the two cycles held the scheduler lock "{lock:Name}" one after the other'))
def held_one_after_the_other(world: CoordinatorWorld, lock: str) -> None:
    holds = _holds(world, _lock(lock))
    assert len(holds) == 2, f"lock timeline: {_timeline(world)}"
    for events in holds.values():
        whats = [e.what for _, e in events]
        assert whats == ["asked", "acquired", "releasing", "released"], f"lock timeline: {_timeline(world)}"
    first, second = sorted(holds.values(), key=lambda events: _at(events, "acquired"))
    assert _at(first, "releasing") < _at(second, "acquired"), (
        f"the two cycles held the lock at the same time: {_timeline(world)}"
    )


@then(
    phrase('the cycle that got the scheduler lock "{lock:Name}" second had asked for it before the first released it')
)
def second_waited(world: CoordinatorWorld, lock: str) -> None:
    holds = _holds(world, _lock(lock))
    assert len(holds) == 2, f"lock timeline: {_timeline(world)}"
    first, second = sorted(holds.values(), key=lambda events: _at(events, "acquired"))
    assert _at(second, "asked") < _at(first, "releasing"), (
        f"the second cycle only asked after the first released: {_timeline(world)}"
    )


@then(phrase('the cycle ends because the scheduler lock "{lock:Name}" could not be taken in time'))
def lock_timed_out(world: CoordinatorWorld, lock: str) -> None:
    cycle = world.last_cycle
    assert isinstance(cycle.error, TimeoutError), f"the cycle ended with {cycle.error!r} (performed: {cycle.performed})"
    swallowed.current().state(lambda entry: "TimeoutError" in entry.message)
    lock_id = _lock(lock)
    last_hold = max(_holds(world, lock_id).items(), default=(None, []))[1]
    assert [e.what for _, e in last_hold] == ["asked", "failed"], f"lock timeline: {_timeline(world)}"
