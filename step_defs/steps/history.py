"""A session's scheduling history (database tier): what the scenario says happened before, and
what the coordinator recorded."""

from __future__ import annotations

from datetime import timedelta

from ai.backend.manager.data.session.types import SchedulingResult, SessionStatus

from support.binding import (
    PROBE_ERROR,
    CoordinatorWorld,
    DatabaseReader,
    FailingProbeHandler,
    HistoryEntry,
    SchedulingHistoryRowFactory,
)
from support.engine.bdd import given, then
from support.engine.evidence import worked_on
from support.engine.phrases import phrase


async def _history(world: CoordinatorWorld, name: str) -> list[HistoryEntry]:
    return await DatabaseReader(world.database.engine).history(world.names.session(name))


# -- Given -----------------------------------------------------------------------------------------


@given(
    phrase(
        'session "{name:Name}" last failed in phase "{phase:Name}" {attempts:d} times in a row, the first time {age:Duration} ago'
    )
)
def failed_before(world: CoordinatorWorld, name: str, phase: str, attempts: int, age: timedelta) -> None:
    """One merged history entry, as the coordinator leaves it after ``attempts`` consecutive
    need-retry failures in ``phase`` (the session staying in its status). The failures carry the
    error code the handler of that phase reports, so that a further identical failure merges into
    this entry, as it would in production."""
    status = world.arranged(name).session_info.lifecycle.status
    world.arrange_rows(
        SchedulingHistoryRowFactory.build(
            session_id=world.names.session(name),
            phase=phase,
            result=SchedulingResult.NEED_RETRY,
            from_status=status,
            to_status=status,
            attempts=attempts,
            created_at=world.clock.ago(age),
            error_code=PROBE_ERROR if phase == FailingProbeHandler.name() else None,
        )
    )


# -- Then ------------------------------------------------------------------------------------------


@then(
    phrase(
        'the scheduling history of session "{name:Name}" ends with "{phase:Name}" {result:Result} '
        "from {source:SessionStatus} to {target:SessionStatus}"
    )
)
async def history_ends_with(
    world: CoordinatorWorld,
    name: str,
    phase: str,
    result: SchedulingResult,
    source: SessionStatus,
    target: SessionStatus,
) -> None:
    history = await _history(world, name)
    assert history, f"nothing is recorded in the scheduling history of session {name}"
    last = history[-1]
    expected = (phase, result.value, source.name, target.name)
    assert (last.phase, last.result, last.from_status, last.to_status) == expected, (
        f"the history of session {name} ends with {last}, not {phase} {result.name} {source.name}->{target.name}"
    )


@then(phrase('the scheduling history of session "{name:Name}" records that "{phase:Name}" skipped it'))
async def history_records_skip(world: CoordinatorWorld, name: str, phase: str) -> None:
    history = await _history(world, name)
    skips = [h for h in history if h.phase == phase and h.result == SchedulingResult.SKIPPED.value]
    assert skips, f"the history of session {name}: {[str(h) for h in history] or 'empty'}"


@then(phrase('the scheduling history of session "{name:Name}" records a {result:Result} of "{phase:Name}"'))
async def history_records_result(world: CoordinatorWorld, name: str, result: SchedulingResult, phase: str) -> None:
    history = await _history(world, name)
    found = [h for h in history if h.phase == phase and h.result == result.value]
    assert found, f"the history of session {name}: {[str(h) for h in history] or 'empty'}"


@then(phrase('the last scheduling record of session "{name:Name}" counts {attempts:d} attempts'))
async def history_attempts(world: CoordinatorWorld, name: str, attempts: int) -> None:
    history = await _history(world, name)
    assert history and history[-1].attempts == attempts, (
        f"the history of session {name}: {[str(h) for h in history] or 'empty'}"
    )


@then(phrase('nothing is recorded in the scheduling history of session "{name:Name}"'))
async def history_empty(world: CoordinatorWorld, name: str) -> None:
    worked_on(world, world.names.session(name), f"session {name!r}")
    history = await _history(world, name)
    assert not history, f"the history of session {name}: {[str(h) for h in history]}"


@then(phrase('session "{name:Name}" went through {path:SessionStatuses}'))
async def went_through(world: CoordinatorWorld, name: str, path: list[SessionStatus]) -> None:
    """The complete, ordered status history the database recorded for the session: the statuses
    its scheduling history moved it through (the first record's from-status, then every to-status
    that changed it)."""
    history = await _history(world, name)
    went = [history[0].from_status] if history else []
    for entry in history:
        if entry.to_status and entry.to_status != went[-1]:
            went.append(entry.to_status)
    assert went == [status.name for status in path], (
        f"session {name} went through {', '.join(map(str, went))}; its history: " + "; ".join(map(str, history))
    )


@then(phrase('session "{name:Name}" has expired in phase "{phase:Name}"'))
async def expired_in(world: CoordinatorWorld, name: str, phase: str) -> None:
    history = await _history(world, name)
    expired = [e for e in history if e.phase == phase and e.result == SchedulingResult.EXPIRED.value]
    assert expired, f"no EXPIRED record of {phase} for session {name}; its history: " + "; ".join(map(str, history))
