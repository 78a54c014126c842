"""Where the provisioner placed sessions, and what it recorded when it could not."""

from __future__ import annotations

from support.binding import SchedulerWorld, find
from support.engine.bdd import then
from support.engine.phrases import phrase


def _placement(world: SchedulerWorld, name: str) -> dict:
    return world.repository.assignments_of(world.names.session(name))


@then(phrase('session "{name:Name}" is assigned to agent "{agent:Name}"'))
async def assigned_to(world: SchedulerWorld, name: str, agent: str) -> None:
    placed = sorted(set((await world.placement(name)).values()))
    assert placed == [agent], f"session {name} is assigned to {placed or 'no agent'}"


@then(phrase('session "{name:Name}" is not assigned to any agent'))
async def not_assigned(world: SchedulerWorld, name: str) -> None:
    placed = sorted(set((await world.placement(name)).values()))
    assert not placed, f"session {name} is assigned to {placed}"


@then(phrase('every kernel of session "{name:Name}" is assigned to an agent'))
async def every_kernel_assigned(world: SchedulerWorld, name: str) -> None:
    placed = await world.placement(name)
    kernels = {k.id for k in world.arranged(name).kernel_infos}
    missing = sorted(world.names.of(k) for k in kernels - placed.keys())
    assert kernels and not missing, f"kernels of {name} without an agent: {missing}"


@then(phrase('the kernels of session "{name:Name}" are placed on {count:Agents}'))
async def placed_on_agents(world: SchedulerWorld, name: str, count: int) -> None:
    agents = sorted(set((await world.placement(name)).values()))
    assert len(agents) == count, f"the kernels of {name} are placed on {agents}"


@then(phrase('the scheduling failure recorded for session "{name:Name}" says "{text:Name}"'))
async def failure_says(world: SchedulerWorld, name: str, text: str) -> None:
    recorded = await world.scheduling_failure(name)
    assert recorded is not None, f"no scheduling failure was recorded for {name}"
    assert text in recorded, f"the failure recorded for {name} is {recorded!r}"


@then(phrase('the scheduling failure recorded for session "{name:Name}" is "{text:Name}"'))
async def failure_is(world: SchedulerWorld, name: str, text: str) -> None:
    """The whole message the repository stores as the session's status info, word for word."""
    recorded = await world.scheduling_failure(name)
    assert recorded == text, f"the failure recorded for {name} is {recorded!r}"


@then(phrase('the scheduling failure recorded for session "{name:Name}" is:'))
async def failure_is_text(world: SchedulerWorld, name: str, docstring: str) -> None:
    """The same, for a message of several lines, given as the step's text block."""
    recorded = await world.scheduling_failure(name)
    assert recorded == docstring, f"the failure recorded for {name} is {recorded!r}"


@then(phrase('session "{name:Name}" is placed on an agent of its own or reported as a failure'))
def dedicated_or_failed(world: SchedulerWorld, name: str) -> None:
    bucket, _ = find(world.last_run, world.names.session(name))
    if bucket == "failures":
        return
    agents = set(_placement(world, name).values())
    assert agents, f"session {name} is neither placed nor reported as a failure"
    shared = sorted(a for a in agents if world.repository.agents[a].container_count > 0)
    others = sorted(
        world.names.of(sid)
        for sid in world.repository.sessions
        if sid != world.names.session(name) and agents & set(world.repository.assignments_of(sid).values())
    )
    assert not shared and not others, (
        f"session {name} shares agent(s) {sorted(agents)}: running containers on {shared or 'none'}, "
        f"other sessions placed there: {others or 'none'}"
    )
