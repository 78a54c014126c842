"""Events the manager published (database tier): scheduling broadcasts and anycasts."""

from __future__ import annotations

from ai.backend.common.events.event_types.session.broadcast import SchedulingBroadcastEvent
from ai.backend.manager.data.session.types import SessionStatus

from support.binding import CoordinatorWorld
from support.bindings.common.moved import EndpointRouteListUpdatedEvent
from support.engine.bdd import then
from support.engine.phrases import phrase


def _scheduling_events(world: CoordinatorWorld, name: str) -> list[SchedulingBroadcastEvent]:
    session_id = world.names.session(name)
    return [e for e in world.events.of_type(SchedulingBroadcastEvent) if e.session_id == session_id]


@then(
    phrase(
        'a {status:SessionStatus} scheduling event is broadcast for session "{name:Name}" with reason "{reason:Name}"'
    )
)
def scheduling_event(world: CoordinatorWorld, status: SessionStatus, name: str, reason: str) -> None:
    events = _scheduling_events(world, name)
    seen = [(e.status_transition, e.reason) for e in events]
    assert (str(status), reason) in seen, f"scheduling events for session {name}: {seen or 'none'}"


@then(phrase('no scheduling event is broadcast for session "{name:Name}"'))
def no_scheduling_event(world: CoordinatorWorld, name: str) -> None:
    events = _scheduling_events(world, name)
    assert not events, f"scheduling events for session {name}: {[(e.status_transition, e.reason) for e in events]}"


def _route_list_updates(world: CoordinatorWorld) -> list:
    """The route-list updates the app proxy was given: those the scheduler announced for it, and the
    routes the manager pushed to the app proxy's server itself (each with the ``endpoint_id`` it
    concerns). A release without the scheduler's event (26.4: the route handlers push routes to the
    app proxy themselves) has the scheduler announce none."""
    app_proxy = getattr(world, "app_proxy", None)
    pushed = [r for r in getattr(app_proxy, "requests", []) if r.method.endswith("ROUTES")]
    if EndpointRouteListUpdatedEvent is None:
        return pushed
    return [*world.events.of_type(EndpointRouteListUpdatedEvent), *pushed]


@then(phrase('the app proxy is told that the routes of endpoint "{endpoint:Name}" changed'))
def routes_changed_event(world: CoordinatorWorld, endpoint: str) -> None:
    endpoint_id = world.endpoint(endpoint)
    told = [e.endpoint_id for e in _route_list_updates(world)]
    assert endpoint_id in told, f"route-list updates were sent for {told or 'no endpoint'}"


@then("the app proxy is told nothing")
def no_route_event(world: CoordinatorWorld) -> None:
    told = _route_list_updates(world)
    assert not told, f"{len(told)} route-list update(s) were sent"


@then(phrase('scheduling events are broadcast for session "{name:Name}" in this order: {path:SessionStatuses}'))
def scheduling_events_in_order(world: CoordinatorWorld, name: str, path: list[SessionStatus]) -> None:
    seen = [e.status_transition for e in _scheduling_events(world, name)]
    assert seen == [str(status) for status in path], f"scheduling events for session {name}: {seen or 'none'}"
