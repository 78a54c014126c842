"""Model-serving endpoints (database tier): which endpoint an inference session serves, the route
store the app proxy reads, and what the scheduler refreshed in it."""

from __future__ import annotations

from support.binding import CoordinatorWorld
from support.engine.bdd import given, then
from support.engine.phrases import phrase


@given(phrase('session "{name:Name}" serves endpoint "{endpoint:Name}"'))
def serves_endpoint(world: CoordinatorWorld, name: str, endpoint: str) -> None:
    world.serve_endpoint(endpoint, name)


@given("the route store of the app proxy cannot be written")
def route_store_down(world: CoordinatorWorld) -> None:
    world.deployments.route_store_down = True


@then(phrase('the routes of endpoint "{endpoint:Name}" are refreshed'))
def routes_refreshed(world: CoordinatorWorld, endpoint: str) -> None:
    endpoint_id = world.endpoint(endpoint)
    refreshed = world.deployments.route_refreshes
    assert endpoint_id in refreshed, f"routes were refreshed for {refreshed or 'no endpoint'}"


@then("no routes are refreshed")
def no_routes_refreshed(world: CoordinatorWorld) -> None:
    refreshed = world.deployments.route_refreshes
    assert not refreshed, f"routes were refreshed for {len(refreshed)} endpoint(s)"
