"""A session's row in the database (database tier): its status, status info and result."""

from __future__ import annotations

from ai.backend.common.types import SessionResult
from ai.backend.manager.data.session.types import SessionStatus

from support.binding import CoordinatorWorld, DatabaseReader, termination_reason
from support.engine.bdd import then
from support.engine.evidence import worked_on
from support.engine.phrases import phrase


async def _session(world: CoordinatorWorld, name: str) -> dict:
    return await DatabaseReader(world.database.engine).session(world.names.session(name))


@then(phrase('session "{name:Name}" is now {status:SessionStatus}'))
async def session_is_now(world: CoordinatorWorld, name: str, status: SessionStatus) -> None:
    row = await _session(world, name)
    assert row["status"] == status, f"session {name} is {row['status'].name}, not {status.name}"
    assert status.name in (row["status_history"] or {}), f"session {name}'s status history lacks {status.name}"


@then(phrase('session "{name:Name}" is still {status:SessionStatus}'))
async def session_is_still(world: CoordinatorWorld, name: str, status: SessionStatus) -> None:
    worked_on(world, world.names.session(name), f"session {name!r}")
    row = await _session(world, name)
    assert row["status"] == status, f"session {name} is {row['status'].name}, not {status.name}"


@then(phrase('session "{name:Name}" is no longer {status:SessionStatus}'))
async def session_no_longer(world: CoordinatorWorld, name: str, status: SessionStatus) -> None:
    row = await _session(world, name)
    assert row["status"] != status, f"session {name} is still {status.name}"


@then(phrase('the result of session "{name:Name}" is {result:Name}'))
async def session_result(world: CoordinatorWorld, name: str, result: str) -> None:
    row = await _session(world, name)
    if result not in SessionResult.__members__:
        raise AssertionError(
            f"Backend.AI has no session result {result}; it knows {', '.join(SessionResult.__members__)}"
        )
    assert row["result"] == SessionResult[result], f"the result of session {name} is {row['result'].name}"


@then(phrase('the status info of session "{name:Name}" is "{info:Name}"'))
async def session_status_info(world: CoordinatorWorld, name: str, info: str) -> None:
    row = await _session(world, name)
    assert row["status_info"] == termination_reason(info), (
        f"the status info of session {name} is {row['status_info']!r}"
    )


@then(phrase('session "{name:Name}" has a termination time'))
async def session_terminated_at(world: CoordinatorWorld, name: str) -> None:
    row = await _session(world, name)
    assert row["terminated_at"] is not None, f"session {name} has no termination time"
