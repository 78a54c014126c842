"""Model serving end to end (support.bindings.gen_26_3.serving_e2e_world): deployments created and scaled by their
owner, converging through the deployment, route and scheduler coordinators."""

from __future__ import annotations

from ai.backend.manager.data.session.types import SessionStatus

from support.binding import ServingEndToEndWorld, code_state, deployment_state, route_state
from support.engine.bdd import given, then, when
from support.engine.phrases import phrase

CONVERGE_LIMIT = 300  # ticks: ten minutes of the system's time


async def _serving(world: ServingEndToEndWorld, name: str) -> tuple[list[dict], dict]:
    """The deployment's routes that are in service, and the status of every route's session."""
    routes = await world.serving.read.routes(world.deployment_id(name))
    statuses = {}
    for route in routes:
        if route["session"] is not None:
            statuses[route["session"]] = (await world.serving.read.session(route["session"]))["status"]
    return routes, statuses


def _converged(world: ServingEndToEndWorld, routes: list[dict], statuses: dict, count: int) -> bool:
    """The BEP's "serves with N replicas": N routes RUNNING, each with a RUNNING session, every other
    route TERMINATED with its session ended (the route words as the release's vocabulary binds them)."""
    running, terminated = route_state("RUNNING"), route_state("TERMINATED")
    serving = [r for r in routes if running.matches(world.serving.route_code_of(r))]
    others = [r for r in routes if not running.matches(world.serving.route_code_of(r))]
    return (
        len(serving) == count
        and all(statuses.get(r["session"]) == SessionStatus.RUNNING for r in serving)
        and all(terminated.matches(world.serving.route_code_of(r)) for r in others)
        and all(statuses.get(r["session"]) in (SessionStatus.TERMINATED, SessionStatus.CANCELLED, None) for r in others)
    )


def _describe(world: ServingEndToEndWorld, routes: list[dict], statuses: dict) -> str:
    return "; ".join(
        f"route {world.serving.route_code_of(r).name} with session {getattr(statuses.get(r['session']), 'name', '-')}"
        for r in routes
    )


@given(phrase('a user creates deployment "{name:Name}" with {count:Replicas}'))
async def deployment_created(world: ServingEndToEndWorld, name: str, count: int) -> None:
    await world.create_deployment(name, count)


@when(phrase('the owner scales deployment "{name:Name}" to {count:Replicas}'))
async def scaled(world: ServingEndToEndWorld, name: str, count: int) -> None:
    await world.set_replicas(name, count)


@when(phrase('the system runs until deployment "{name:Name}" serves with {count:Replicas}'))
async def runs_until_serving(world: ServingEndToEndWorld, name: str, count: int) -> None:
    async def done() -> bool:
        routes, statuses = await _serving(world, name)
        deployment = await world.serving.read.deployment(world.deployment_id(name))
        return deployment["lifecycle_stage"] == code_state(deployment_state("READY")) and _converged(
            world, routes, statuses, count
        )

    try:
        await world.run_until(done, limit=CONVERGE_LIMIT)
    except AssertionError as error:
        routes, statuses = await _serving(world, name)
        raise AssertionError(f"{error}; deployment {name}: {_describe(world, routes, statuses)}") from None


@then(phrase('deployment "{name:Name}" serves with {count:Replicas}, each a RUNNING route whose session is RUNNING'))
async def serves_with(world: ServingEndToEndWorld, name: str, count: int) -> None:
    routes, statuses = await _serving(world, name)
    assert _converged(world, routes, statuses, count), f"deployment {name}: {_describe(world, routes, statuses)}"


@then(phrase('deployment "{name:Name}" has had {count:d} sessions, every one of them RUNNING or ended'))
async def sessions_had(world: ServingEndToEndWorld, name: str, count: int) -> None:
    sessions = await world.serving.new_sessions_of_deployment(name)
    assert len(sessions) == count, (
        f"deployment {name} has had {len(sessions)} sessions: {[s['name'] for s in sessions]}"
    )
    stuck = [
        s["status"].name
        for s in sessions
        if s["status"] not in (SessionStatus.RUNNING, SessionStatus.TERMINATED, SessionStatus.CANCELLED)
    ]
    assert not stuck, f"sessions of deployment {name} are still {stuck}"
