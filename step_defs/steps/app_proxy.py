"""The app proxy a scaling group routes inference traffic through (an HTTP server on 127.0.0.1):
what it is asked to register and unregister, and how it answers."""

from __future__ import annotations

from support.binding import ServingWorld
from support.engine import swallowed
from support.engine.bdd import given, then
from support.engine.phrases import phrase


@given("the scaling group has no app proxy")
def no_app_proxy(world: ServingWorld) -> None:
    world.proxy_registered = False


@given(phrase("the app proxy refuses to register endpoints with HTTP {status:d}"))
def proxy_refuses_registration(world: ServingWorld, status: int) -> None:
    world.app_proxy.registration_error = status


@given(phrase("the app proxy refuses to unregister endpoints with HTTP {status:d}"))
def proxy_refuses_deletion(world: ServingWorld, status: int) -> None:
    world.app_proxy.deletion_error = status


@given("the app proxy cannot be reached")
async def proxy_unreachable(world: ServingWorld) -> None:
    """The scaling group keeps the proxy's address, but nothing listens there any more."""
    await world.app_proxy.stop()


@given(phrase('deployment "{name:Name}" is registered with the app proxy'))
def proxy_has_endpoint(world: ServingWorld, name: str) -> None:
    deployment_id = world.deployment(name)
    world.app_proxy.endpoints[deployment_id] = world.app_proxy.url_of(deployment_id)


@then(phrase('the app proxy is asked to register deployment "{name:Name}"'))
def proxy_registration(world: ServingWorld, name: str) -> None:
    requests = world.app_proxy.requests_for(world.deployment(name), "POST")
    assert requests, (
        f"the app proxy got {[(r.method, r.endpoint_id) for r in world.app_proxy.requests] or 'no request'}"
    )
    body = requests[-1].body or {}
    assert body.get("service_name") == name, f"the registration names the service {body.get('service_name')!r}"
    assert requests[-1].token == world.app_proxy.token, (
        "the registration does not carry the scaling group's app-proxy token"
    )


@then(phrase('the app proxy is asked {count:d} times to register deployment "{name:Name}"'))
def proxy_registration_count(world: ServingWorld, count: int, name: str) -> None:
    requests = world.app_proxy.requests_for(world.deployment(name), "POST")
    assert len(requests) == count, f"the app proxy was asked {len(requests)} times"


@then(phrase('the address the app proxy gave is stored as the URL of deployment "{name:Name}"'))
async def url_stored(world: ServingWorld, name: str) -> None:
    deployment_id = world.deployment(name)
    row = await world.read.deployment(deployment_id)
    assert row["url"] == world.app_proxy.url_of(deployment_id), f"deployment {name!r} has URL {row['url']!r}"


@then(phrase('deployment "{name:Name}" has no URL'))
async def no_url(world: ServingWorld, name: str) -> None:
    row = await world.read.deployment(world.deployment(name))
    assert row["url"] is None, f"deployment {name!r} has URL {row['url']!r}"


@then(phrase('the app proxy is asked to unregister deployment "{name:Name}"'))
def proxy_deletion(world: ServingWorld, name: str) -> None:
    requests = world.app_proxy.requests_for(world.deployment(name), "DELETE")
    assert requests, (
        f"the app proxy got {[(r.method, r.endpoint_id) for r in world.app_proxy.requests] or 'no request'}"
    )


@then(phrase('the app proxy still routes to deployment "{name:Name}"'))
def proxy_keeps_endpoint(world: ServingWorld, name: str) -> None:
    assert world.deployment(name) in world.app_proxy.endpoints, f"the app proxy no longer has deployment {name!r}"


@then(phrase('the app proxy no longer routes to deployment "{name:Name}"'))
def proxy_dropped_endpoint(world: ServingWorld, name: str) -> None:
    assert world.deployment(name) not in world.app_proxy.endpoints, f"the app proxy still has deployment {name!r}"


@then("the app proxy is not contacted")
def proxy_not_contacted(world: ServingWorld) -> None:
    assert not world.app_proxy.requests, (
        f"the app proxy got {[(r.method, r.endpoint_id) for r in world.app_proxy.requests]}"
    )


@then(phrase('deployment "{name:Name}" is reported as a failure because the app proxy answered {status:d}'))
def failure_from_proxy(world: ServingWorld, name: str, status: int) -> None:
    error = world.last_report.errors.get(world.deployment(name))
    assert error is not None, f"deployment {name!r} is not reported as a failure"
    assert error.error_detail == "Failed to register endpoint", f"the failure is {error.error_detail!r}"
    assert error.reason.startswith(f"{status}, "), f"the failure's reason is {error.reason!r}"
    # The executor logs the failed registration it reports; this step states it.
    swallowed.current().state(f"Failed to register endpoint for deployment {world.deployment(name)}: {status}, ")
