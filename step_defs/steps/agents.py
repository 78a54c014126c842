"""Agents: their capacity and health, and what the scheduler asked of them."""

from __future__ import annotations

from ai.backend.common.types import AgentId, ResourceSlot
from ai.backend.manager.data.agent.types import AgentStatus

from support.binding import CoordinatorWorld, SchedulerWorld
from support.engine.bdd import given, then
from support.engine.phrases import phrase

# The agent RPC behind each phrase of "agent ... fails to <action>".
AGENT_CALLS = {
    "create kernels": "create_kernels",
    "destroy kernels": "destroy_kernel",
    "trigger batch execution": "trigger_batch_execution",
}


# -- Given ---------------------------------------------------------------------------------------


@given(phrase('agent "{agent:Name}" with {capacity:Resources}'))
def agent_with(world: SchedulerWorld, agent: str, capacity: ResourceSlot) -> None:
    world.add_agent(agent, capacity)


@given(phrase("agents {agents:Names}, each with {capacity:Resources}"))
def agents_with(world: SchedulerWorld, agents: list[str], capacity: ResourceSlot) -> None:
    for agent in agents:
        world.add_agent(agent, ResourceSlot(capacity))


@given(phrase('agent "{agent:Name}" already runs a container using {used:Resources}'))
def agent_runs_container(world: SchedulerWorld, agent: str, used: ResourceSlot) -> None:
    world.add_running_container(agent, used)


@given(phrase('agent "{agent:Name}" cannot be reached'))
def agent_unreachable(world: SchedulerWorld, agent: str) -> None:
    world.agents[agent].reachable = False


@given(phrase('agent "{agent:Name}" is lost'))
def agent_lost(world: SchedulerWorld | CoordinatorWorld, agent: str) -> None:
    if isinstance(world, CoordinatorWorld):
        world.mark_agent_lost(agent)
        return
    world.repository.agents[AgentId(agent)].status = AgentStatus.LOST
    world.agents[agent].reachable = False


@given(phrase('agent "{agent:Name}" fails to {action:Name}'))
def agent_fails_to(world: SchedulerWorld, agent: str, action: str) -> None:
    world.agents[agent].refused_calls.add(AGENT_CALLS[action])


@given(phrase('agent "{agent:Name}" does not have image "{image:Name}"'))
def agent_lacks_image(world: SchedulerWorld, agent: str, image: str) -> None:
    world.agents[agent].images.discard(image)


@given(phrase('agent "{agent:Name}" has image "{image:Name}"'))
def agent_has_image(world: SchedulerWorld, agent: str, image: str) -> None:
    world.agents[agent].images.add(image)


@given(phrase('agent "{agent:Name}" no longer runs kernel "{kernel:Name}"'))
def agent_no_longer_runs(world: SchedulerWorld, agent: str, kernel: str) -> None:
    world.agents[agent].running_kernels.discard(world.names.kernel(kernel))


# -- Then: images ----------------------------------------------------------------------------------


@then(phrase('agent "{agent:Name}" is asked to check and pull image "{image:Name}"'))
def asked_to_pull(world: SchedulerWorld, agent: str, image: str) -> None:
    asked = [set(r.args[0]) for r in world.agents.requests_to(agent, "check_and_pull")]
    assert any(image in images for images in asked), f"agent {agent} was asked to check and pull {asked or 'nothing'}"


@then(phrase('agent "{agent:Name}" was asked to check and pull images once'))
def asked_to_pull_once(world: SchedulerWorld, agent: str) -> None:
    asked = world.agents.requests_to(agent, "check_and_pull")
    assert len(asked) == 1, f"agent {agent} was asked to check and pull {len(asked)} times"


@then(phrase('agent "{agent:Name}" was asked to check and pull images {count:d} times'))
def asked_to_pull_times(world: SchedulerWorld, agent: str, count: int) -> None:
    asked = world.agents.requests_to(agent, "check_and_pull")
    assert len(asked) == count, f"agent {agent} was asked to check and pull {len(asked)} times"


@then(phrase('agent "{agent:Name}" starts pulling image "{image:Name}"'))
def starts_pulling(world: SchedulerWorld, agent: str, image: str) -> None:
    assert image in world.agents[agent].pulling, (
        f"agent {agent} pulls {sorted(world.agents[agent].pulling) or 'nothing'}"
    )


@then(phrase('agent "{agent:Name}" pulls no image'))
def pulls_nothing(world: SchedulerWorld, agent: str) -> None:
    assert not world.agents[agent].pulling, f"agent {agent} pulls {sorted(world.agents[agent].pulling)}"


# -- Then: kernels on agents -------------------------------------------------------------------


def _kernels_sent(world: SchedulerWorld, agent: str, method: str, session: str, *, succeeded: bool | None = None):
    session_id = world.names.session(session)
    sent = []
    for request in world.agents.requests_to(agent, method):
        if succeeded is not None and request.succeeded != succeeded:
            continue
        if method == "create_kernels" and request.args[0] == session_id:
            sent.extend(request.args[1])
        elif method == "destroy_kernel" and request.args[1] == session_id:
            sent.append(request.args[0])
    return sent


@then(phrase('agent "{agent:Name}" is asked to create {count:Kernels} of session "{session:Name}"'))
def asked_to_create(world: SchedulerWorld, agent: str, count: int, session: str) -> None:
    sent = _kernels_sent(world, agent, "create_kernels", session)
    assert len(sent) == count, f"agent {agent} was asked to create {len(sent)} kernel(s) of session {session}"


@then(phrase('agent "{agent:Name}" is asked to destroy kernel "{kernel:Name}"'))
def asked_to_destroy(world: SchedulerWorld, agent: str, kernel: str) -> None:
    destroyed = [r.args[0] for r in world.agents.requests_to(agent, "destroy_kernel")]
    assert world.names.kernel(kernel) in destroyed, (
        f"agent {agent} was asked to destroy {[world.names.of(k) for k in destroyed] or 'nothing'}"
    )


@then(phrase('agent "{agent:Name}" is asked to destroy kernel "{kernel:Name}", and the request fails'))
def asked_to_destroy_and_fails(world: SchedulerWorld, agent: str, kernel: str) -> None:
    kernel_id = world.names.kernel(kernel)
    outcomes = [r.succeeded for r in world.agents.requests_to(agent, "destroy_kernel") if r.args[0] == kernel_id]
    assert outcomes == [False], f"destroy requests for {kernel} on agent {agent} succeeded: {outcomes or 'none sent'}"


@then(phrase('agent "{agent:Name}" is not asked to destroy kernel "{kernel:Name}"'))
def not_asked_to_destroy(world: SchedulerWorld, agent: str, kernel: str) -> None:
    destroyed = [r.args[0] for r in world.agents.requests_to(agent, "destroy_kernel")]
    assert world.names.kernel(kernel) not in destroyed, f"agent {agent} was asked to destroy {kernel}"


@then(phrase('agent "{agent:Name}" is asked to destroy {count:Kernels} of session "{session:Name}"'))
def asked_to_destroy_some(world: SchedulerWorld, agent: str, count: int, session: str) -> None:
    sent = _kernels_sent(world, agent, "destroy_kernel", session, succeeded=True)
    assert len(sent) == count, f"agent {agent} destroyed {len(sent)} kernel(s) of session {session}"


@then(
    phrase(
        'agent "{agent:Name}" is asked to destroy {count:Kernels} of session "{session:Name}", and the request fails'
    )
)
def asked_to_destroy_some_and_fails(world: SchedulerWorld, agent: str, count: int, session: str) -> None:
    failed = _kernels_sent(world, agent, "destroy_kernel", session, succeeded=False)
    done = _kernels_sent(world, agent, "destroy_kernel", session, succeeded=True)
    assert (len(failed), len(done)) == (count, 0), (
        f"agent {agent}: {len(failed)} failed and {len(done)} succeeded destroy request(s) for session {session}"
    )


def _destroy_requests_for(world: SchedulerWorld, agent: str, session: str) -> list:
    """Every destroy request agent ``agent`` received for its one kernel of session ``session``."""
    session_id = world.names.session(session)
    requests = [r for r in world.agents.requests_to(agent, "destroy_kernel") if r.args[1] == session_id]
    kernels = sorted({world.names.of(r.args[0]) for r in requests})
    assert len(kernels) <= 1, f"agent {agent} was asked to destroy kernels {kernels} of session {session}"
    return requests


@then(phrase('agent "{agent:Name}" has been asked {times:d} times to destroy its kernel of session "{session:Name}"'))
def asked_to_destroy_times(world: SchedulerWorld, agent: str, times: int, session: str) -> None:
    outcomes = [r.succeeded for r in _destroy_requests_for(world, agent, session)]
    assert outcomes == [True] * times, (
        f"agent {agent} received {len(outcomes)} destroy request(s) for session {session}, carried out: {outcomes}"
    )


@then(
    phrase(
        'agent "{agent:Name}" has been asked {times:d} times to destroy its kernel of session "{session:Name}", and every request failed'
    )
)
def asked_to_destroy_times_in_vain(world: SchedulerWorld, agent: str, times: int, session: str) -> None:
    outcomes = [r.succeeded for r in _destroy_requests_for(world, agent, session)]
    assert outcomes == [False] * times, (
        f"agent {agent} received {len(outcomes)} destroy request(s) for session {session}, carried out: {outcomes}"
    )


@then(phrase('agent "{agent:Name}" is asked whether it runs kernel "{kernel:Name}", and the request fails'))
def asked_running_and_fails(world: SchedulerWorld, agent: str, kernel: str) -> None:
    kernel_id = world.names.kernel(kernel)
    outcomes = [r.succeeded for r in world.agents.requests_to(agent, "check_running") if r.args[0] == kernel_id]
    assert outcomes == [False], f"check_running for {kernel} on agent {agent}: {outcomes or 'never asked'}"


def _asked_repeatedly_in_vain(world: SchedulerWorld, agent: str, method: str, kernel: str) -> None:
    kernel_id = world.names.kernel(kernel)
    outcomes = [r.succeeded for r in world.agents.requests_to(agent, method) if r.args[0] == kernel_id]
    assert len(outcomes) >= 2 and not any(outcomes), (
        f"{method} for {kernel} on agent {agent}: {outcomes or 'never asked'}"
    )


@then(
    phrase(
        'agent "{agent:Name}" is asked again and again whether it runs kernel "{kernel:Name}", and every request fails'
    )
)
def asked_running_repeatedly(world: SchedulerWorld, agent: str, kernel: str) -> None:
    _asked_repeatedly_in_vain(world, agent, "check_running", kernel)


@then(
    phrase('agent "{agent:Name}" is asked again and again to destroy kernel "{kernel:Name}", and every request fails')
)
def asked_to_destroy_repeatedly(world: SchedulerWorld, agent: str, kernel: str) -> None:
    _asked_repeatedly_in_vain(world, agent, "destroy_kernel", kernel)


@then(phrase('agent "{agent:Name}" is not asked whether it runs kernel "{kernel:Name}"'))
def not_asked_running(world: SchedulerWorld, agent: str, kernel: str) -> None:
    kernel_id = world.names.kernel(kernel)
    asked = [r for r in world.agents.requests_to(agent, "check_running") if r.args[0] == kernel_id]
    assert not asked, f"agent {agent} was asked {len(asked)} time(s) whether it runs {kernel}"


@then("no agent is contacted")
def no_agent_contacted(world: SchedulerWorld) -> None:
    contacted = sorted({f"{r.agent_id}.{r.method}" for r in world.agents.requests})
    assert not contacted, f"agents were contacted: {', '.join(contacted)}"


@then(phrase('agent "{agent:Name}" is remembered as having failed session "{session:Name}"'))
def remembered_failed(world: SchedulerWorld, agent: str, session: str) -> None:
    failed = world.valkey.failed_agents.get(world.names.session(session), set())
    assert agent in failed, f"agents remembered as failed for {session}: {sorted(failed) or 'none'}"


# -- Then: networks -----------------------------------------------------------------------------


@then(phrase('a local network for session "{session:Name}" is created on agent "{agent:Name}"'))
def local_network(world: SchedulerWorld, session: str, agent: str) -> None:
    expected = f"bai-singlenode-{world.names.session(session)}"
    created = world.agents[agent].local_networks
    assert expected in created, f"agent {agent} created networks {created or 'none'}"
    assert world.repository.network_ids.get(world.names.session(session)) == expected


@then(phrase('an inter-container network is created for session "{session:Name}"'))
def overlay_network(world: SchedulerWorld, session: str) -> None:
    session_id = str(world.names.session(session))
    created = {driver: plugin.created for driver, plugin in world.networks.plugins.items()}
    assert any(session_id in ids for ids in created.values()), f"networks created: {created}"
    assert world.repository.network_ids.get(world.names.session(session)), "the session's network was not recorded"


@then(phrase('no agent is remembered as having failed session "{session:Name}"'))
def none_remembered_failed(world: SchedulerWorld, session: str) -> None:
    failed = world.valkey.failed_agents.get(world.names.session(session), set())
    assert not failed, f"agents remembered as failed for {session}: {sorted(failed)}"


# -- Then: batch jobs ------------------------------------------------------------------------------


def _batch_triggers(world: CoordinatorWorld, agent: str, session: str) -> list:
    session_id = world.names.session(session)
    return [r for r in world.agents.requests_to(agent, "trigger_batch_execution") if r.args[0] == session_id]


@then(
    phrase(
        'agent "{agent:Name}" is asked to trigger batch execution of session "{session:Name}" in kernel "{kernel:Name}"'
    )
)
def asked_to_trigger_batch(world: CoordinatorWorld, agent: str, session: str, kernel: str) -> None:
    kernels = [world.names.of(r.args[1]) for r in _batch_triggers(world, agent, session) if r.succeeded]
    assert kernels == [kernel], (
        f"agent {agent} was asked to run session {session}'s batch job in {kernels or 'no kernel'}"
    )


@then(
    phrase(
        'agent "{agent:Name}" is asked to trigger batch execution of session "{session:Name}", and the request fails'
    )
)
def asked_to_trigger_batch_and_fails(world: CoordinatorWorld, agent: str, session: str) -> None:
    outcomes = [r.succeeded for r in _batch_triggers(world, agent, session)]
    assert outcomes == [False], (
        f"batch triggers for session {session} on agent {agent} succeeded: {outcomes or 'none sent'}"
    )


@then(phrase("no agent is asked to trigger batch execution"))
def no_batch_trigger(world: CoordinatorWorld) -> None:
    sent = [r for r in world.agents.requests if r.method == "trigger_batch_execution"]
    assert not sent, f"{len(sent)} batch trigger(s) were sent"
