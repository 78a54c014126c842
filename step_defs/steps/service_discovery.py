"""The service-discovery backend Prometheus finds model-service routes through: what the manager
registered there, what an earlier sync left there, and whether it answers."""

from __future__ import annotations

from support.binding import ServingWorld
from support.engine.bdd import given, then
from support.engine.phrases import phrase

# -- Given -----------------------------------------------------------------------------------------


@given(
    phrase(
        'service discovery holds route "{route:Name}" of deployment "{deployment:Name}" at "{host:Name}" port {port:d}'
    )
)
def discovery_holds(world: ServingWorld, route: str, deployment: str, host: str, port: int) -> None:
    world.discovery_holds(route, deployment, host, port)


@given("the service-discovery backend is unreachable")
def discovery_unreachable(world: ServingWorld) -> None:
    world.discovery.unreachable = True


# -- Then ------------------------------------------------------------------------------------------


def _held(world: ServingWorld, route: str):
    held = world.discovery.registered
    entry = held.get(str(world.route(route)))
    names = sorted(world.route_name(m.route_id) for m in held.values())
    assert entry is not None, f"service discovery does not hold route {route!r}; it holds {names or 'nothing'}"
    return entry


@then(
    phrase(
        'service discovery holds route "{route:Name}" of deployment "{deployment:Name}" at "{host:Name}" port {port:d}'
    )
)
def discovery_holds_route(world: ServingWorld, route: str, deployment: str, host: str, port: int) -> None:
    entry = _held(world, route)
    found = (entry.model_service_name, entry.host, entry.port, entry.metrics_path)
    assert found == (deployment, *world.kernel_address(host, port), "/metrics"), (
        f"service discovery holds route {route!r} as service {entry.model_service_name!r} at "
        f"{entry.host}:{entry.port}, metrics at {entry.metrics_path!r}"
    )


@then(
    phrase(
        'service discovery labels route "{route:Name}" with the runtime variant, owner and project of deployment "{deployment:Name}"'
    )
)
async def discovery_labels(world: ServingWorld, route: str, deployment: str) -> None:
    entry = _held(world, route)
    wanted = await world.discovery_labels(deployment)
    assert entry.labels == wanted, f"route {route!r} is labelled {entry.labels}"


@then(phrase('service discovery holds route "{route:Name}" with traffic weight {weight:g}'))
def discovery_weight(world: ServingWorld, route: str, weight: float) -> None:
    entry = _held(world, route)
    fields = {**entry.model_dump(exclude={"labels"}), **entry.labels}
    carried = {k: v for k, v in fields.items() if "weight" in k or "traffic" in k}
    assert carried, f"the metadata of route {route!r} carries no traffic weight: {sorted(fields)}"
    assert any(float(v) == weight for v in carried.values()), f"route {route!r} is registered with {carried}"


@then(phrase('service discovery does not hold route "{route:Name}"'))
def discovery_lacks(world: ServingWorld, route: str) -> None:
    held = world.discovery.registered
    assert str(world.route(route)) not in held, (
        f"service discovery holds route {route!r} (of {len(world.discovery.syncs)} sync(s))"
    )


@then(phrase('service discovery no longer holds route "{route:Name}"'))
def discovery_dropped(world: ServingWorld, route: str) -> None:
    discovery_lacks(world, route)


@then(phrase('service discovery still holds route "{route:Name}"'))
def discovery_kept(world: ServingWorld, route: str) -> None:
    _held(world, route)


@then("service discovery is not contacted")
def discovery_untouched(world: ServingWorld) -> None:
    arranged = getattr(world, "discovery_syncs_arranged", 0)
    synced = len(world.discovery.syncs) - arranged
    assert synced == 0, f"the manager synced service discovery {synced} time(s)"
