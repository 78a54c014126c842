"""A route's health as the app proxy reports it to Valkey (readiness, and when it was reported).
Written through Backend.AI's own ValkeyScheduleClient, the way app-proxy writes it."""

from __future__ import annotations

from datetime import timedelta

from support.binding import ServingWorld
from support.engine.bdd import given, then
from support.engine.phrases import phrase


@given(phrase('the app proxy reports route "{route:Name}" ready'))
async def reported_ready(world: ServingWorld, route: str) -> None:
    await world.report_readiness(route, True)


@given(phrase('the app proxy reports route "{route:Name}" not ready'))
async def reported_not_ready(world: ServingWorld, route: str) -> None:
    await world.report_readiness(route, False)


@given(phrase('the app proxy last reported route "{route:Name}" ready {age:Duration} ago'))
async def reported_ready_long_ago(world: ServingWorld, route: str, age: timedelta) -> None:
    await world.report_readiness(route, True, age=age)


@given(phrase('the app proxy last reported route "{route:Name}" not ready {age:Duration} ago'))
async def reported_not_ready_long_ago(world: ServingWorld, route: str, age: timedelta) -> None:
    await world.report_readiness(route, False, age=age)


@given(phrase('the replica of route "{route:Name}" fails {count:d} health probes in a row'))
async def probes_failed(world: ServingWorld, route: str, count: int) -> None:
    await world.fail_probes(route, count)


@given(phrase('route "{route:Name}" has a health record but has never been probed'))
async def never_probed(world: ServingWorld, route: str) -> None:
    await world.start_health_record(route)


@given(phrase('there is no health data for route "{route:Name}"'))
def no_health_data(world: ServingWorld, route: str) -> None:
    world.route(route)  # the route exists; Valkey has nothing about it


# -- Then ------------------------------------------------------------------------------------------


@then(phrase('route "{route:Name}" has a health record but no readiness report yet'))
async def awaiting_first_report(world: ServingWorld, route: str) -> None:
    health = await world.valkey.get_route_health_status(str(world.route(route)))
    assert health is not None, f"route {route!r} has no health record"
    assert health.readiness is None, f"route {route!r} already has a readiness report: {health.readiness}"
