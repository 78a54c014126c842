"""Routes (the replicas of a deployment): arranging them, their states, their history, and what
the route handlers report about them. BEP state words are bound in support.bindings.gen_26_3.vocabulary."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from ai.backend.common.events.event_types.notification import NotificationTriggeredEvent
from ai.backend.manager.data.deployment.types import RouteStatus, RouteTrafficStatus
from ai.backend.manager.data.session.types import SchedulingResult

from support.binding import ServingWorld, StateWord, active_route_statuses, code_state
from support.engine.bdd import given, then
from support.engine.evidence import worked_on
from support.engine.phrases import phrase

# -- Given -----------------------------------------------------------------------------------------


@given(phrase('deployment "{deployment:Name}" has route "{route:Name}" in {state:RouteState}'))
def route_in(world: ServingWorld, deployment: str, route: str, state: StateWord[RouteStatus]) -> None:
    world.add_route(deployment, route, code_state(state))


@given(phrase('deployment "{deployment:Name}" has routes {routes:Names} in {state:RouteState}'))
def routes_in(world: ServingWorld, deployment: str, routes: list[str], state: StateWord[RouteStatus]) -> None:
    for route in routes:
        world.add_route(deployment, route, code_state(state))


@given(phrase('route "{route:Name}" is served by session "{session:Name}", which is {status:SessionStatus}'))
def route_served_by(world: ServingWorld, route: str, session: str, status) -> None:
    world.add_session(session, status)
    world.bind_session(route, session)


@given(phrase('route "{route:Name}" is served by session "{session:Name}", whose kernel has no inference port'))
def route_without_port(world: ServingWorld, route: str, session: str) -> None:
    from ai.backend.manager.data.session.types import SessionStatus

    world.add_session(session, SessionStatus.RUNNING, inference_port=None)
    world.bind_session(route, session)


@given(phrase("the scaling group cleans up routes that are {states:Name}"))
def cleanup_targets(world: ServingWorld, states: str) -> None:
    world.set_scaling_group(route_cleanup_target_statuses=[s.strip() for s in states.replace(" and ", ",").split(",")])


@given(phrase('the traffic ratio of route "{route:Name}" has been changed to {ratio:g}'))
def traffic_ratio_changed(world: ServingWorld, route: str, ratio: float) -> None:
    world.amend_route(route, traffic_ratio=ratio)


@given(phrase('route "{route:Name}" is still serving requests'))
def still_serving(world: ServingWorld, route: str) -> None:
    """All the manager knows of a route's traffic: its row still routes requests to it."""
    world.amend_route(route, traffic_status=RouteTrafficStatus.ACTIVE, traffic_ratio=1.0)


@given(phrase('route "{route:Name}" has been TERMINATING for {duration:Duration}'))
async def terminating_since(world: ServingWorld, route: str, duration: timedelta) -> None:
    """The route history's record of the route entering TERMINATING, ``duration`` ago."""
    await world.terminating_since(route, world.clock.now - duration)


@given("the scaling group cleans up no routes")
def no_cleanup(world: ServingWorld) -> None:
    world.set_scaling_group(route_cleanup_target_statuses=[])


# -- Then: states ----------------------------------------------------------------------------------


async def _assert_status(world: ServingWorld, route: str, state: StateWord[RouteStatus]) -> None:
    actual = await world.route_code(route)
    assert state.code is not None, (
        f"route {route!r} is {actual.name}: {world.release} has no {state.word} route state ({state.note})"
    )
    assert state.matches(actual), f"route {route!r} is {actual.name}, not {state}"


@then(phrase('route "{route:Name}" moves to {state:RouteState}'))
async def route_moves_to(world: ServingWorld, route: str, state: StateWord[RouteStatus]) -> None:
    await _assert_status(world, route, state)


@then(phrase('route "{route:Name}" stays {state:RouteState}'))
async def route_stays(world: ServingWorld, route: str, state: StateWord[RouteStatus]) -> None:
    worked_on(world, world.route(route), f"route {route!r}")
    await _assert_status(world, route, state)


@then(phrase('route "{route:Name}" is now {state:RouteState}'))
async def route_is_now(world: ServingWorld, route: str, state: StateWord[RouteStatus]) -> None:
    await _assert_status(world, route, state)


@then(phrase("routes {routes:Names} move to {state:RouteState}"))
async def routes_move_to(world: ServingWorld, routes: list[str], state: StateWord[RouteStatus]) -> None:
    for route in routes:
        await _assert_status(world, route, state)


@then(phrase("routes {routes:Names} stay {state:RouteState}"))
async def routes_stay(world: ServingWorld, routes: list[str], state: StateWord[RouteStatus]) -> None:
    for route in routes:
        worked_on(world, world.route(route), f"route {route!r}")
        await _assert_status(world, route, state)


@then(phrase('route "{route:Name}" no longer receives traffic'))
async def route_without_traffic(world: ServingWorld, route: str) -> None:
    row = await world.read.route(world.route(route))
    assert (row["traffic_ratio"], row["traffic_status"]) == (0.0, RouteTrafficStatus.INACTIVE), (
        f"route {route!r} has traffic ratio {row['traffic_ratio']} and traffic status {row['traffic_status'].name}"
    )


@then(phrase('route "{route:Name}" still receives traffic'))
async def route_with_traffic(world: ServingWorld, route: str) -> None:
    worked_on(world, world.route(route), f"route {route!r}")
    row = await world.read.route(world.route(route))
    assert row["traffic_status"] == RouteTrafficStatus.ACTIVE and row["traffic_ratio"] > 0, (
        f"route {route!r} has traffic ratio {row['traffic_ratio']} and traffic status {row['traffic_status'].name}"
    )


@then(phrase('the traffic ratio of route "{route:Name}" is still {ratio:g}'))
async def traffic_ratio_kept(world: ServingWorld, route: str, ratio: float) -> None:
    worked_on(world, world.route(route), f"route {route!r}")
    row = await world.read.route(world.route(route))
    assert row["traffic_ratio"] == ratio, f"route {route!r} has traffic ratio {row['traffic_ratio']}"


@then(phrase('deployment "{deployment:Name}" has {count:d} active routes'))
async def active_routes(world: ServingWorld, deployment: str, count: int) -> None:
    routes = await world.read.routes(world.deployment(deployment))
    active = [r for r in routes if r["status"] in active_route_statuses()]
    assert len(active) == count, (
        f"deployment {deployment!r} has routes {[(world.route_name(r['id']), r['status'].name) for r in routes]}"
    )


@then(phrase('{count:d} new routes of deployment "{deployment:Name}" are waiting to be provisioned'))
async def new_routes(world: ServingWorld, count: int, deployment: str) -> None:
    routes = await world.read.routes(world.deployment(deployment))
    arranged = {world.route(name) for name in world.routes_of(deployment)}
    new = [r for r in routes if r["id"] not in arranged]
    assert len(new) == count, f"{len(new)} new route(s) of {deployment!r}: {[r['status'].name for r in new]}"
    for r in new:
        assert (r["status"], r["session"], r["traffic_status"]) == (
            RouteStatus.PROVISIONING,
            None,
            world.new_route_traffic,  # the release's: ACTIVE at once in 26.3.3, once warmed up in 26.4.16
        ), f"a new route is {r['status'].name} with session {r['session']} and traffic {r['traffic_status'].name}"


@then(phrase('a new route of deployment "{deployment:Name}" is waiting to be provisioned'))
async def one_new_route(world: ServingWorld, deployment: str) -> None:
    await new_routes(world, 1, deployment)


@then(phrase('no route of deployment "{deployment:Name}" is created'))
async def no_new_routes(world: ServingWorld, deployment: str) -> None:
    await new_routes(world, 0, deployment)


# -- Then: route history ---------------------------------------------------------------------------


@then(
    phrase(
        'the route history of "{route:Name}" records a {result:Result} of "{phase:Name}" '
        "from {source:RouteState} to {target:RouteState}"
    )
)
async def route_history_records(
    world: ServingWorld,
    route: str,
    result: SchedulingResult,
    phase: str,
    source: StateWord[RouteStatus],
    target: StateWord[RouteStatus],
) -> None:
    history = await world.read.route_history(world.route(route))
    found = [(h.phase, h.result.upper(), (h.from_status or "").upper(), (h.to_status or "").upper()) for h in history]
    assert source.recorded and target.recorded, (
        f"{world.release} has no such route state: {source}, {target}; recorded: {found or 'nothing'}"
    )
    wanted = (phase, result.name, source.recorded, target.recorded)
    assert wanted in found, f"the route history of {route!r} holds {found or 'nothing'}"


@then(phrase('the route history of "{route:Name}" holds one record of "{phase:Name}", made {count:d} times'))
async def route_history_repeated(world: ServingWorld, route: str, phase: str, count: int) -> None:
    history = [h for h in await world.read.route_history(world.route(route)) if h.phase == phase]
    assert len(history) == 1, (
        f"the route history of {route!r} holds {[str(h) for h in history] or 'no record'} of {phase!r}"
    )
    assert history[0].attempts == count, f"the record of {phase!r} was made {history[0].attempts} times"


@then(phrase('the last route history record of "{route:Name}" says "{message:Name}"'))
async def route_history_message(world: ServingWorld, route: str, message: str) -> None:
    history = await world.read.route_history(world.route(route))
    assert history, f"nothing is recorded in the route history of {route!r}"
    assert history[-1].message == message, f"the last record says {history[-1].message!r}"


@then(phrase('the last route history record of "{route:Name}" carries the error code "{code:Name}"'))
async def route_history_error_code(world: ServingWorld, route: str, code: str) -> None:
    history = await world.read.route_history(world.route(route))
    assert history, f"nothing is recorded in the route history of {route!r}"
    assert history[-1].error_code == code, f"the last record carries the error code {history[-1].error_code!r}"


@then(phrase('nothing is recorded in the route history of "{route:Name}"'))
async def no_route_history(world: ServingWorld, route: str) -> None:
    worked_on(world, world.route(route), f"route {route!r}")
    history = await world.read.route_history(world.route(route))
    assert not history, f"the route history of {route!r} holds {[str(h) for h in history]}"


# -- Then: what a route handler reported -----------------------------------------------------------


@then(phrase('route "{route:Name}" is reported as a success'))
def route_success(world: ServingWorld, route: str) -> None:
    assert world.route(route) in world.last_report.successes, _reported(world, route)


@then(phrase("routes {routes:Names} are reported as successes"))
def routes_success(world: ServingWorld, routes: list[str]) -> None:
    for route in routes:
        assert world.route(route) in world.last_report.successes, _reported(world, route)


@then(phrase('route "{route:Name}" is reported as stale'))
def route_stale(world: ServingWorld, route: str) -> None:
    assert world.route(route) in world.last_report.stale, _reported(world, route)


@then(phrase('route "{route:Name}" is reported as a failure with reason "{reason:Name}"'))
def route_failure(world: ServingWorld, route: str, reason: str) -> None:
    error = world.last_report.errors.get(world.route(route))
    assert error is not None, _reported(world, route)
    assert error.reason == reason, f"route {route!r} failed with reason {error.reason!r} ({error.error_detail})"


@then(phrase('the failure of route "{route:Name}" says "{detail:Name}"'))
def route_failure_detail(world: ServingWorld, route: str, detail: str) -> None:
    error = world.last_report.errors.get(world.route(route))
    assert error is not None, _reported(world, route)
    assert error.error_detail == detail, f"the failure of route {route!r} says {error.error_detail!r}"


@then(phrase('the failure of route "{route:Name}" mentions "{detail:Name}"'))
def route_failure_mentions(world: ServingWorld, route: str, detail: str) -> None:
    error = world.last_report.errors.get(world.route(route))
    assert error is not None, _reported(world, route)
    assert detail in (error.error_detail or ""), f"the failure of route {route!r} says {error.error_detail!r}"


@then(phrase('route "{route:Name}" is not reported'))
def route_not_reported(world: ServingWorld, route: str) -> None:
    report, wanted = world.last_report, world.route(route)
    assert wanted in report.given, f"the {report.handler} handler was not given route {route!r}"
    listed = wanted in report.successes or wanted in report.errors or wanted in report.stale
    assert not listed, _reported(world, route)


def _reported(world: ServingWorld, route: str) -> str:
    report, wanted = world.last_report, world.route(route)
    if wanted not in report.given:
        return f"the {report.handler} handler was not given route {route!r}"
    for label, ids in (("a success", report.successes), ("stale", report.stale)):
        if wanted in ids:
            return f"route {route!r} is reported as {label}"
    if wanted in report.errors:
        error = report.errors[wanted]
        return f"route {route!r} is reported as a failure: {error.reason!r} ({error.error_detail})"
    return f"the {report.handler} handler does not report route {route!r}"


# -- Then: warnings about a deployment left without routes -----------------------------------------

SERVING_LOGGERS = "ai.backend.manager.sokovan.deployment"


def _warnings_about(world: ServingWorld, caplog: pytest.LogCaptureFixture, deployment: str) -> list[str]:
    """Warnings the deployment and route coordinators logged, and notifications they sent, that
    name ``deployment``."""
    marks = (deployment, str(world.deployment(deployment)))
    logged = [
        f"{r.levelname}: {r.getMessage()}"
        for r in caplog.records
        if r.name.startswith(SERVING_LOGGERS)
        and r.levelno >= logging.WARNING
        and any(m in r.getMessage() for m in marks)
    ]
    sent = [
        f"notification {e.notification_data}"
        for e in world.events.of_type(NotificationTriggeredEvent)
        if any(str(e.notification_data.get(key)) in marks for key in ("endpoint_name", "endpoint_id"))
    ]
    return logged + sent


@then(phrase('a warning says that deployment "{deployment:Name}" has no route left to serve it'))
def warning_no_route_left(world: ServingWorld, caplog: pytest.LogCaptureFixture, deployment: str) -> None:
    assert _warnings_about(world, caplog, deployment), (
        f"no warning was logged and no notification was sent about deployment {deployment!r}"
    )


@then(phrase('no warning is raised about deployment "{deployment:Name}"'))
def no_warning(world: ServingWorld, caplog: pytest.LogCaptureFixture, deployment: str) -> None:
    warnings = _warnings_about(world, caplog, deployment)
    assert not warnings, f"warnings about deployment {deployment!r}: {warnings}"
