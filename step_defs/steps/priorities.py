"""Session priorities: what the scheduler asks the database to change, and what the database then holds."""

from __future__ import annotations

from support.binding import CoordinatorWorld, DatabaseReader, SchedulerWorld
from support.engine.bdd import then
from support.engine.phrases import phrase


@then(phrase('the priority of session "{name:Name}" is to be lowered by {amount:d}, to no less than {floor:d}'))
def priority_lowered(world: SchedulerWorld, name: str, amount: int, floor: int) -> None:
    session_id = world.names.session(name)
    asked = [(r.amount, r.floor) for r in world.repository.priority_requests if session_id in r.session_ids]
    assert asked == [(amount, floor)], f"requests to lower the priority of {name}: {asked or 'none'}"


@then("no session priority is to be changed")
def no_priority_change(world: SchedulerWorld) -> None:
    requests = world.repository.priority_requests
    assert not requests, f"priority changes were requested: {requests}"


@then(phrase('the priority of session "{name:Name}" is now {priority:d}'))
async def priority_is_now(world: CoordinatorWorld, name: str, priority: int) -> None:
    row = await DatabaseReader(world.database.engine).session(world.names.session(name))
    assert row["priority"] == priority, f"the priority of session {name} is {row['priority']}, not {priority}"
