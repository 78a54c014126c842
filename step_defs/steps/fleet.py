"""The simulated agent fleet and the passing of time (end-to-end scenarios, support.bindings.gen_26_3.e2e_world)."""

from __future__ import annotations

from datetime import timedelta

from ai.backend.manager.data.session.types import SessionStatus

from support.binding import DatabaseReader, EndToEndWorld
from support.engine.bdd import given, then, when
from support.engine.phrases import phrase

# -- Given: how agents behave ------------------------------------------------------------------------


@given(phrase('agent "{agent:Name}" fails every image pull'))
def agent_fails_pulls(world: EndToEndWorld, agent: str) -> None:
    world.fleet.behaviour_of(agent).pull_fails = True


@given(phrase('agent "{agent:Name}" takes requests and never answers them'))
def agent_hangs(world: EndToEndWorld, agent: str) -> None:
    world.fleet.behaviour_of(agent).hangs = True


@given(phrase('agent "{agent:Name}" is slow to start kernels'))
def agent_slow(world: EndToEndWorld, agent: str) -> None:
    """It creates the kernels it is asked for, but its reports on them wait until it catches up."""
    world.fleet.behaviour_of(agent).slow_kernels = True


@when(phrase('agent "{agent:Name}" catches up with its reports'))
def agent_catches_up(world: EndToEndWorld, agent: str) -> None:
    world.fleet.release(agent)


RUN_LIMIT = 300  # ticks: ten minutes of the scheduler's time
MINUTES_LIMIT = 30

# -- When: time passes --------------------------------------------------------------------------


async def _status(world: EndToEndWorld, name: str) -> SessionStatus:
    row = await DatabaseReader(world.database.engine).session(world.names.session(name))
    return row["status"]


@when(phrase('the scheduler runs until session "{name:Name}" is {status:SessionStatus}'))
async def run_until_status(world: EndToEndWorld, name: str, status: SessionStatus) -> None:
    async def reached() -> bool:
        return await _status(world, name) == status

    await world.run_until(reached, limit=RUN_LIMIT)


@when(phrase('the scheduler runs until session "{name:Name}" is {status:SessionStatus}, a minute at a time'))
async def run_until_status_by_minutes(world: EndToEndWorld, name: str, status: SessionStatus) -> None:
    """As above, with a minute between ticks: only what is due every minute happens (the long timers)."""

    async def reached() -> bool:
        return await _status(world, name) == status

    await world.run_until(reached, limit=MINUTES_LIMIT, between=timedelta(minutes=1))


@when(phrase("{count:d} scheduler ticks pass"))
async def ticks_pass(world: EndToEndWorld, count: int) -> None:
    for _ in range(count):
        await world.tick()


@when(phrase("{duration:Duration} pass"))
async def time_passes(world: EndToEndWorld, duration: timedelta) -> None:
    """Time moves on by ``duration`` at once, and then the scheduler ticks once."""
    world.clock.advance(duration)
    await world.tick()


@when("Valkey becomes unreachable")
def valkey_down(world: EndToEndWorld) -> None:
    world.valkey_store.down = True


@when("Valkey is reachable again")
def valkey_back(world: EndToEndWorld) -> None:
    world.valkey_store.down = False


@when(phrase('agent "{agent:Name}" loses kernel "{kernel:Name}"'))
def agent_loses_kernel(world: EndToEndWorld, agent: str, kernel: str) -> None:
    """The kernel's container is gone; the agent says nothing, and no longer reports it present."""
    world.fleet.lose_kernel(agent, world.names.kernel(kernel))


@when(phrase('agent "{agent:Name}" disappears'))
async def agent_disappears(world: EndToEndWorld, agent: str) -> None:
    await world.agent_disappears(agent)


# -- Then --------------------------------------------------------------------------------------------


@then(phrase("no scheduler cycle ended with an error"))
def no_cycle_errors(world: EndToEndWorld) -> None:
    assert not world.cycle_errors, "cycles ended with errors: " + "; ".join(
        f"{t.value}: {e!r}" for t, e in world.cycle_errors
    )
