"""What runs around the deployment and route handlers: which handler was given what, the sessions
routes ask the scheduler for, the scaling group's capacity, and how a cycle ended."""

from __future__ import annotations

from support import swallowed
from support.bdd import given, then
from support.factories.rows import AgentRowFactory, agent_rows
from support.factories.sessions import slots
from support.phrases import phrase
from support.serving_world import ServingWorld

# -- Given -----------------------------------------------------------------------------------------


@given("every agent of the scaling group is fully occupied")
def capacity_exhausted(world: ServingWorld) -> None:
    rows = agent_rows(AgentRowFactory(id="a1", available_slots=slots(4, 8), occupied_slots=slots(4, 8)))
    for row in rows[1:]:
        row.values["used"] = row.values["capacity"]
    world.add_rows(*rows)


@given(phrase('the scheduler refuses new sessions, saying "{reason:Name}"'))
def scheduler_refuses(world: ServingWorld, reason: str) -> None:
    world.scheduling_controller.refusal = reason


@given(phrase('the scheduler cannot change sessions, the database saying "{message:Name}"'))
async def sessions_read_only(world: ServingWorld, message: str) -> None:
    await world.refuse_session_updates(message)


# -- Then: handlers and cycles ---------------------------------------------------------------------


@then(phrase('the {handler:Name} handler was not given deployment "{name:Name}"'))
def not_given_deployment(world: ServingWorld, handler: str, name: str) -> None:
    assert world.deployment(name) not in world.report_of(handler).given, f"the {handler} handler was given {name!r}"


@then(phrase('the {handler:Name} handler was not given route "{route:Name}"'))
def not_given_route(world: ServingWorld, handler: str, route: str) -> None:
    assert world.route(route) not in world.report_of(handler).given, f"the {handler} handler was given {route!r}"


@then(phrase("the {handler:Name} handler is given nothing to do"))
def handler_idle(world: ServingWorld, handler: str) -> None:
    ran = [r for r in world.reports if r.handler == handler]
    assert not ran, f"the {handler} handler was given {ran[-1].given}"


@then(phrase('the cycle ends with the error "{message:Name}"'))
def cycle_error(world: ServingWorld, message: str) -> None:
    error = world.last_cycle.error
    assert error is not None, f"the {world.last_cycle.name} cycle ended normally"
    assert str(error) == message, f"the {world.last_cycle.name} cycle ended with {type(error).__name__}: {error}"
    swallowed.current().state(message)


@then(phrase('the cycle ends with an error saying "{message:Name}"'))
def cycle_error_saying(world: ServingWorld, message: str) -> None:
    error = world.last_cycle.error
    assert error is not None, f"the {world.last_cycle.name} cycle ended normally"
    assert message in str(error), f"the {world.last_cycle.name} cycle ended with {type(error).__name__}: {error}"
    swallowed.current().state(message)


# -- Then: sessions of routes ----------------------------------------------------------------------


async def _requests_for_deployment(world: ServingWorld, name: str) -> list:
    routes = {r["id"] for r in await world.read.routes(world.deployment(name))}
    return [r for r in world.scheduling_controller.requests if r.route_id in routes]


@then(phrase('a session is requested for deployment "{name:Name}"'))
async def session_requested_for_deployment(world: ServingWorld, name: str) -> None:
    assert await _requests_for_deployment(world, name), (
        f"the scheduler was asked for {len(world.scheduling_controller.requests)} session(s), none for {name!r}"
    )


@then(phrase('no session is requested for deployment "{name:Name}"'))
async def no_session_for_deployment(world: ServingWorld, name: str) -> None:
    requests = await _requests_for_deployment(world, name)
    assert not requests, f"{len(requests)} session(s) were requested for {name!r}"


@then(phrase('an inference session is requested for route "{route:Name}" as the owner of deployment "{name:Name}"'))
async def session_requested_for_route(world: ServingWorld, route: str, name: str) -> None:
    request = world.scheduling_controller.request_for_route(world.route(route))
    assert request is not None, f"no session was requested for route {route!r}"
    deployment = await world.read.deployment(world.deployment(name))
    assert request.session_type.name == "INFERENCE", f"the session requested is {request.session_type.name}"
    assert request.user_scope.user_uuid == deployment["session_owner"], "the session is requested for someone else"
    assert request.scaling_group == deployment["resource_group"], f"the session is requested in {request.scaling_group!r}"


@then(phrase('no session is requested for route "{route:Name}"'))
def no_session_for_route(world: ServingWorld, route: str) -> None:
    assert world.scheduling_controller.request_for_route(world.route(route)) is None, f"a session was requested for {route!r}"


@then(phrase('route "{route:Name}" is linked to the session requested for it'))
async def route_linked(world: ServingWorld, route: str) -> None:
    row = await world.read.route(world.route(route))
    assert row["session"] is not None, f"route {route!r} has no session"
    session = await world.read.session(row["session"])
    request = world.scheduling_controller.request_for_route(world.route(route))
    assert request is not None and session["creation_id"] == request.session_creation_id, (
        f"route {route!r} is linked to session {session['name']!r}, not the one requested for it"
    )


@then(phrase('the session requested for route "{route:Name}" is still {status:SessionStatus}'))
async def requested_session_status(world: ServingWorld, route: str, status) -> None:
    row = await world.read.route(world.route(route))
    assert row["session"] is not None, f"route {route!r} has no session"
    session = await world.read.session(row["session"])
    assert session["status"] == status, f"the session of route {route!r} is {session['status'].name}"


@then(phrase('route "{route:Name}" has no session'))
async def route_without_session(world: ServingWorld, route: str) -> None:
    row = await world.read.route(world.route(route))
    assert row["session"] is None, f"route {route!r} is linked to session {row['session']}"


@then(phrase('session "{session:Name}" is marked for termination with reason "{reason:Name}"'))
async def session_marked(world: ServingWorld, session: str, reason: str) -> None:
    row = await world.read.session(world.session(session))
    assert row["status"].name in ("TERMINATING", "CANCELLED"), f"session {session!r} is {row['status'].name}"
    assert row["status_info"] == reason, f"session {session!r} has status info {row['status_info']!r}"
