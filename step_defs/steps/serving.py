"""What runs around the deployment and route handlers: which handler was given what, the sessions
routes ask the scheduler for, the scaling group's capacity, and how a cycle ended."""

from __future__ import annotations

from decimal import Decimal

from ai.backend.common.types import SessionTypes, VFolderUsageMode
from ai.backend.manager.data.kernel.types import KernelStatus

from support.binding import AgentRowFactory, ServingWorld, agent_rows, slots, termination_reason
from support.engine import swallowed
from support.engine.bdd import given, then
from support.engine.phrases import phrase

# -- Given -----------------------------------------------------------------------------------------


@given("every agent of the scaling group is fully occupied")
def capacity_exhausted(world: ServingWorld) -> None:
    rows = agent_rows(AgentRowFactory.build(id="a1", available_slots=slots(4, 8), occupied_slots=slots(4, 8)))
    for row in rows[1:]:
        row.values["used"] = row.values["capacity"]
    world.add_rows(*rows)


@given("the scaling group does not accept inference sessions")
def no_inference_sessions(world: ServingWorld) -> None:
    world.set_scaling_group(allowed_session_types=[SessionTypes.INTERACTIVE, SessionTypes.BATCH])


@given(phrase("the storage proxy answers every request for a folder's mount path with HTTP {status:d}"))
def storage_proxy_fails(world: ServingWorld, status: int) -> None:
    world.storage_proxy.mount_error = status


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
    """The handler was never called. The schedule coordinator's handlers (database tier) are
    recorded too: there, a cycle that finds nothing for a handler in a scaling group does not call it."""
    if isinstance(world, ServingWorld):
        world.handler(handler)  # a handler 26.3.3 has
        ran = [r.given for r in world.reports if r.handler == handler]
    else:
        world.schedule_type_of(handler)  # a handler 26.3.3 has
        ran = [
            [getattr(getattr(item, "session_info", None), "identity", item) for item in r.given]
            for r in world.runs
            if r.handler.name() == handler
        ]
        ran = [[getattr(item, "name", item) for item in given] for given in ran]
    assert not ran, f"the {handler} handler was given {ran[-1]}"


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
# A session request the scheduler accepts is a session row it enqueued (PENDING, with its kernels);
# a refused request leaves no row, only the route's failure. So "a session is requested" reads the
# sessions in the database that the scenario did not arrange.


@then(phrase('a session is requested for deployment "{name:Name}"'))
async def session_requested_for_deployment(world: ServingWorld, name: str) -> None:
    new = await world.new_sessions()
    assert await world.new_sessions_of_deployment(name), (
        f"the scheduler holds {len(new)} new session(s), none for deployment {name!r}: {[r['name'] for r in new]}"
    )


@then(phrase('no session is requested for deployment "{name:Name}"'))
async def no_session_for_deployment(world: ServingWorld, name: str) -> None:
    sessions = await world.new_sessions_of_deployment(name)
    assert not sessions, f"the scheduler holds sessions for deployment {name!r}: {[r['name'] for r in sessions]}"


async def _session_of(world: ServingWorld, route: str) -> dict:
    row = await world.read.route(world.route(route))
    assert row["session"] is not None, f"route {route!r} has no session"
    return await world.read.session(row["session"])


@then(
    phrase(
        'route "{route:Name}" is served by a new {status:SessionStatus} inference session of the owner of deployment "{name:Name}"'
    )
)
async def served_by_new_session(world: ServingWorld, route: str, status, name: str) -> None:
    session = await _session_of(world, route)
    assert session["id"] not in world.names.sessions.values(), f"route {route!r} is served by an arranged session"
    deployment = await world.read.deployment(world.deployment(name))
    owner_keys = await world.read.access_keys_of(deployment["session_owner"])
    found = {
        "status": session["status"],
        "type": session["session_type"],
        "user": session["user_uuid"],
        "project": session["group_id"],
        "domain": session["domain_name"],
        "scaling group": session["scaling_group_name"],
    }
    wanted = {
        "status": status,
        "type": SessionTypes.INFERENCE,
        "user": deployment["session_owner"],
        "project": deployment["project"],
        "domain": deployment["domain"],
        "scaling group": deployment["resource_group"],
    }
    assert found == wanted, f"the session of route {route!r} is {found}, not {wanted}"
    assert session["access_key"] in owner_keys, (
        f"the session runs on access key {session['access_key']}, not the owner's {owner_keys}"
    )


@then(
    phrase(
        'the session of route "{route:Name}" has one PENDING kernel of the image of deployment "{name:Name}", asking for {resources:Resources}'
    )
)
async def session_kernel(world: ServingWorld, route: str, name: str, resources) -> None:
    session = await _session_of(world, route)
    image = await world.read.image(await world.deployment_image(name))
    kernels = await world.read.kernels_of(session["id"])
    assert len(kernels) == 1, f"the session of route {route!r} has {len(kernels)} kernels"
    kernel = kernels[0]
    assert kernel["status"] == KernelStatus.PENDING, f"its kernel is {kernel['status'].name}"
    assert (kernel["image"], session["images"]) == (image["name"], [image["name"]]), (
        f"its kernel runs {kernel['image']!r} (session images {session['images']}), not {image['name']!r}"
    )
    # 26.3.3 writes every slot type the manager knows, at zero for those not asked for.
    wanted = _asked(resources)
    # A release that keeps the requested amounts only in resource_allocations (26.9.6) has no such columns.
    if "requested_slots" in kernel:
        assert _asked(kernel["requested_slots"]) == wanted, f"its kernel asks for {kernel['requested_slots']}"
    if "requested_slots" in session:
        assert _asked(session["requested_slots"]) == wanted, f"the session asks for {session['requested_slots']}"
    allocations = _asked({a["slot_name"]: a["requested"] for a in await world.read.allocations(kernel["id"])})
    assert allocations == wanted, f"the resources recorded as requested by its kernel are {allocations}"


def _asked(slots) -> dict[str, Decimal]:
    """The slots asked for, as plain amounts (ResourceSlot's own comparison adds missing keys to
    both sides, at zero)."""
    return {str(name): Decimal(amount) for name, amount in dict(slots).items() if Decimal(amount) != 0}


@then(
    phrase(
        'the session of route "{route:Name}" mounts the model folder of deployment "{name:Name}" at "{path:Name}", where the storage proxy keeps it'
    )
)
async def session_mounts_model(world: ServingWorld, route: str, name: str, path: str) -> None:
    session = await _session_of(world, route)
    folder = world.model_folder(name).values
    mounts = [m for m in session["vfolder_mounts"] or [] if m.vfid.folder_id == folder["id"]]
    assert len(mounts) == 1, (
        f"the session of route {route!r} mounts {[m.name for m in session['vfolder_mounts'] or []]}"
    )
    mount = mounts[0]
    asked = [r.body for r in world.storage_proxy.mount_requests() if r.body and r.body.get("vfid") == str(mount.vfid)]
    assert asked, f"the storage proxy was not asked where folder {folder['name']!r} is"
    assert all(r.token == world.storage_proxy.secret for r in world.storage_proxy.mount_requests()), (
        "a request lacked the proxy's token"
    )
    expected_host_path = world.storage_proxy.path_of(str(mount.vfid))
    found = (mount.name, mount.usage_mode, str(mount.kernel_path), str(mount.host_path))
    wanted = (folder["name"], VFolderUsageMode.MODEL, path, expected_host_path)
    assert found == wanted, f"the model folder is mounted as {found}, not {wanted}"


@then(phrase("routes {routes:Names} are each served by a session of their own"))
async def sessions_of_their_own(world: ServingWorld, routes: list[str]) -> None:
    sessions = [(await world.read.route(world.route(route)))["session"] for route in routes]
    assert None not in sessions, f"routes without a session: {[r for r, s in zip(routes, sessions) if s is None]}"
    assert len(set(sessions)) == len(routes), f"the routes share sessions: {dict(zip(routes, sessions))}"


@then(phrase('the storage proxy is asked where the model folder of deployment "{name:Name}" is kept'))
def storage_asked(world: ServingWorld, name: str) -> None:
    folder = world.model_folder(name).values["id"]
    asked = [r for r in world.storage_proxy.mount_requests() if r.body and folder.hex in str(r.body.get("vfid"))]
    assert asked, (
        f"the storage proxy was asked about {[r.body for r in world.storage_proxy.mount_requests()] or 'nothing'}"
    )
    assert all(r.token == world.storage_proxy.secret for r in asked), (
        "a request came without the storage proxy's secret"
    )


@then(phrase('no session is requested for route "{route:Name}"'))
async def no_session_for_route(world: ServingWorld, route: str) -> None:
    sessions = await world.new_sessions_of_route(route)
    assert not sessions, f"the scheduler holds sessions for route {route!r}: {[r['name'] for r in sessions]}"


@then(phrase('the session requested for route "{route:Name}" is still {status:SessionStatus}'))
async def requested_session_status(world: ServingWorld, route: str, status) -> None:
    session = await _session_of(world, route)
    assert session["id"] not in world.names.sessions.values(), f"route {route!r} is served by an arranged session"
    assert session["status"] == status, f"the session of route {route!r} is {session['status'].name}"


@then(phrase('route "{route:Name}" has no session'))
async def route_without_session(world: ServingWorld, route: str) -> None:
    row = await world.read.route(world.route(route))
    assert row["session"] is None, f"route {route!r} is linked to session {row['session']}"


@then(phrase('session "{session:Name}" is marked for termination with reason "{reason:Name}"'))
async def session_marked(world: ServingWorld, session: str, reason: str) -> None:
    row = await world.read.session(world.session(session))
    assert row["status"].name in ("TERMINATING", "CANCELLED"), f"session {session!r} is {row['status'].name}"
    assert row["status_info"] == termination_reason(reason), (
        f"session {session!r} has status info {row['status_info']!r}"
    )
