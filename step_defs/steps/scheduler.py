"""The scheduler a scenario runs against, its scaling group, and running one of its handlers.

Scenarios of features tagged ``@database`` run on the database tier (support.bindings.gen_26_3.coordinator_world:
the real coordinator and repository on PostgreSQL); the others on the in-memory tier
(support.bindings.gen_26_3.scheduler_world). Features tagged ``@deployment`` or ``@route`` run against the
deployment and route coordinators on PostgreSQL (support.bindings.gen_26_3.serving_world). Steps shared by the
tiers use the ``world`` fixture, which is whichever world the scenario runs on.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import pytest_asyncio

from support.binding import (
    CoordinatorWorld,
    EndToEndWorld,
    SchedulerWorld,
    ServingEndToEndWorld,
    ServingWorld,
    client_pool_for_the_run,
)
from support.engine.bdd import given, when
from support.engine.phrases import phrase


def _fail_on_refusals(scheduler: SchedulerWorld | CoordinatorWorld | ServingWorld) -> None:
    refused = scheduler.refused_calls()
    if refused:
        pytest.fail(
            "the code under test called what no double of this tier implements: "
            + ", ".join(refused)
            + " (extend the double, or move the scenario to the database tier)",
            pytrace=False,
        )


@pytest_asyncio.fixture
async def coordinator_world(database):
    """The real coordinator and scheduler repository on the scenario's own database."""
    scheduler = CoordinatorWorld(database)
    await scheduler.start()
    yield scheduler
    _fail_on_refusals(scheduler)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def http_client_pool():
    """Backend.AI's HTTP client pool, one for the run as the manager keeps one for its life."""
    async with client_pool_for_the_run() as pool:
        yield pool


@pytest_asyncio.fixture
async def serving_world(database, http_client_pool):
    """The real deployment and route coordinators and repository on the scenario's own database."""
    serving = ServingWorld(database, http_client_pool)
    await serving.start()
    try:
        yield serving
    finally:
        await serving.aclose()
    _fail_on_refusals(serving)


@pytest_asyncio.fixture
async def e2e_world(request: pytest.FixtureRequest, database, http_client_pool):
    """The database tier's coordinator driven tick by tick, with a simulated agent fleet (and, for
    model serving, the deployment and route coordinators on the same database)."""
    serving = request.node.get_closest_marker("deployment") is not None
    if serving:
        scheduler: EndToEndWorld = ServingEndToEndWorld(database, http_client_pool)
    else:
        scheduler = EndToEndWorld(database)
    await scheduler.start()
    try:
        yield scheduler
    finally:
        await scheduler.aclose()
    _fail_on_refusals(scheduler)


@pytest.fixture
def world(request: pytest.FixtureRequest):
    """The scenario's scheduler, on the tier its feature asks for."""
    if request.node.get_closest_marker("e2e"):
        yield request.getfixturevalue("e2e_world")
        return
    if request.node.get_closest_marker("deployment") or request.node.get_closest_marker("route"):
        yield request.getfixturevalue("serving_world")
        return
    if request.node.get_closest_marker("database"):
        yield request.getfixturevalue("coordinator_world")
        return
    scheduler = SchedulerWorld()
    yield scheduler
    _fail_on_refusals(scheduler)


@given(phrase('the scaling group "{name:Name}"'))
def scaling_group(world: SchedulerWorld | CoordinatorWorld, name: str) -> None:
    if name != world.scaling_group:
        raise NotImplementedError(f"scenarios of this tier run in scaling group {world.scaling_group!r}")


@when(phrase("the {handler:Name} handler runs"))
async def handler_runs(world: SchedulerWorld, handler: str) -> None:
    await world.run_handler(handler)


@given(phrase('the pending timeout of the scaling group "{name:Name}" is {timeout:Duration}'))
def pending_timeout(world: CoordinatorWorld, name: str, timeout: timedelta) -> None:
    scaling_group(world, name)
    world.time_out_pending_sessions_after(timeout)
