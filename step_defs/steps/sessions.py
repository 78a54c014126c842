"""Sessions: how a scenario arranges them (status, kernels, placement, priority, owner, timing)."""

from __future__ import annotations

from datetime import timedelta

from ai.backend.common.types import ClusterMode, ResourceSlot, SessionTypes
from ai.backend.manager.data.session.types import SessionStatus

from support.binding import SchedulerWorld, stable_id
from support.engine.bdd import given
from support.engine.phrases import phrase

# -- Given: a session ------------------------------------------------------------------------------


@given(phrase('a {status:SessionStatus} session "{name:Name}"'))
def a_session(world: SchedulerWorld, status: SessionStatus, name: str) -> None:
    world.add_session(name, status=status)


@given(phrase('a {status:SessionStatus} session "{name:Name}" on agent "{agent:Name}"'))
def a_session_on_agent(world: SchedulerWorld, status: SessionStatus, name: str, agent: str) -> None:
    world.add_session(name, status=status, agents=[agent])


@given(phrase('a {status:SessionStatus} session "{name:Name}" requesting {request:Resources}'))
def a_session_requesting(world: SchedulerWorld, status: SessionStatus, name: str, request: ResourceSlot) -> None:
    world.add_session(name, status=status, requested=request)


@given(phrase('a {status:SessionStatus} session "{name:Name}" with priority {priority:d}'))
def a_session_with_priority(world: SchedulerWorld, status: SessionStatus, name: str, priority: int) -> None:
    world.add_session(name, status=status, priority=priority)


@given(
    phrase('a {status:SessionStatus} session "{name:Name}" with priority {priority:d} requesting {request:Resources}')
)
def a_prioritized_session_requesting(
    world: SchedulerWorld, status: SessionStatus, name: str, priority: int, request: ResourceSlot
) -> None:
    world.add_session(name, status=status, priority=priority, requested=request)


@given(phrase("the {status:SessionStatus} sessions {names:Names}, each requesting {request:Resources}"))
def sessions_requesting(world: SchedulerWorld, status: SessionStatus, names: list[str], request: ResourceSlot) -> None:
    for name in names:
        world.add_session(name, status=status, requested=ResourceSlot(request))


@given(phrase('a {status:SessionStatus} private session "{name:Name}" requesting {request:Resources}'))
def a_private_session(world: SchedulerWorld, status: SessionStatus, name: str, request: ResourceSlot) -> None:
    world.add_session(name, status=status, requested=request, private=True)


@given(phrase('a {status:SessionStatus} batch session "{name:Name}" reserved to start {when:Moment}'))
def a_reserved_batch_session(world: SchedulerWorld, status: SessionStatus, name: str, when: timedelta) -> None:
    world.add_session(name, status=status, reserved=True, starts_at=world.clock.later(when))


@given(phrase('a {status:SessionStatus} session "{name:Name}" without kernels'))
def a_session_without_kernels(world: SchedulerWorld, status: SessionStatus, name: str) -> None:
    world.add_session(name, status=status, kernel_count=0)


# -- Given: a session with several or named kernels ----------------------------------------------


@given(
    phrase(
        'a {status:SessionStatus} {mode:ClusterMode} session "{name:Name}" of {count:Kernels}, each requesting {request:Resources}'
    )
)
def a_cluster_session_requesting(
    world: SchedulerWorld, status: SessionStatus, mode: ClusterMode, name: str, count: int, request: ResourceSlot
) -> None:
    world.add_session(name, status=status, cluster_mode=mode, kernel_count=count, requested=request)


@given(
    phrase(
        'a {status:SessionStatus} {mode:ClusterMode} session "{name:Name}" of {count:Kernels} on agent "{agent:Name}"'
    )
)
def a_cluster_session_on_agent(
    world: SchedulerWorld, status: SessionStatus, mode: ClusterMode, name: str, count: int, agent: str
) -> None:
    world.add_session(name, status=status, cluster_mode=mode, kernel_count=count, agents=[agent])


@given(
    phrase('a {status:SessionStatus} {mode:ClusterMode} session "{name:Name}" with kernels on agents {agents:Names}')
)
def a_cluster_session_on_agents(
    world: SchedulerWorld, status: SessionStatus, mode: ClusterMode, name: str, agents: list[str]
) -> None:
    world.add_session(name, status=status, cluster_mode=mode, kernel_count=len(agents), agents=agents)


@given(phrase('a {status:SessionStatus} session "{name:Name}" with kernel "{kernel:Name}" on agent "{agent:Name}"'))
def a_session_with_named_kernel(
    world: SchedulerWorld, status: SessionStatus, name: str, kernel: str, agent: str
) -> None:
    world.add_session(name, status=status, kernel_names=[kernel], agents=[agent])


@given(phrase('a {status:SessionStatus} session "{name:Name}" with kernels {kernels:Names} on agent "{agent:Name}"'))
def a_session_with_named_kernels(
    world: SchedulerWorld, status: SessionStatus, name: str, kernels: list[str], agent: str
) -> None:
    world.add_session(name, status=status, kernel_count=len(kernels), kernel_names=kernels, agents=[agent])


@given(
    phrase('a {status:SessionStatus} session "{name:Name}" whose kernel "{kernel:Name}" was never placed on an agent')
)
def a_session_with_unplaced_kernel(world: SchedulerWorld, status: SessionStatus, name: str, kernel: str) -> None:
    world.add_session(name, status=status, kernel_names=[kernel])


# -- Given: facts about a session ------------------------------------------------------------------


@given(phrase('session "{name:Name}" is designated to agent "{agent:Name}"'))
def designated(world: SchedulerWorld, name: str, agent: str) -> None:
    world.amend_session(name, designated_to=[agent])


@given(phrase('session "{name:Name}" belongs to domain "{domain:Name}"'))
def in_domain(world: SchedulerWorld, name: str, domain: str) -> None:
    world.amend_session(name, domain_name=domain)


@given(phrase('session "{name:Name}" belongs to project "{project:Name}"'))
def in_project(world: SchedulerWorld, name: str, project: str) -> None:
    world.amend_session(name, group_id=stable_id("project", project))


@given(phrase('session "{name:Name}" has been {status:SessionStatus} for {duration:Duration}'))
def in_status_for(world: SchedulerWorld, name: str, status: SessionStatus, duration: timedelta) -> None:
    current = world.arranged(name).session_info.lifecycle.status
    assert current == status, f"session {name} is {current}, not {status}"
    world.amend_session(name, status_changed=world.clock.ago(duration))


@given(phrase('session "{name:Name}" has waited longer than the pending timeout of its scaling group'))
def past_pending_timeout(world: SchedulerWorld, name: str) -> None:
    # Whether a session outlived the timeout is decided by the repository's query on the
    # database clock; this tier states it as a fact (the database tier checks the query).
    world.repository.mark_pending_timed_out(world.names.session(name))


@given(phrase('session "{name:Name}" has waited less than the pending timeout of its scaling group'))
def within_pending_timeout(world: SchedulerWorld, name: str) -> None:
    world.repository.pending_timed_out.discard(world.names.session(name))


# -- Given: sessions of a given type, and their kernels' requests ---------------------------------


@given(
    phrase(
        'a {status:SessionStatus} session "{name:Name}" with kernel "{kernel:Name}" on agent "{agent:Name}" requesting {request:Resources}'
    )
)
def a_session_with_named_kernel_requesting(
    world: SchedulerWorld, status: SessionStatus, name: str, kernel: str, agent: str, request: ResourceSlot
) -> None:
    world.add_session(name, status=status, kernel_names=[kernel], agents=[agent], requested=request)


@given(
    phrase('a {status:SessionStatus} batch session "{name:Name}" with kernel "{kernel:Name}" on agent "{agent:Name}"')
)
def a_batch_session(world: SchedulerWorld, status: SessionStatus, name: str, kernel: str, agent: str) -> None:
    world.add_session(name, status=status, session_type=SessionTypes.BATCH, kernel_names=[kernel], agents=[agent])


@given(
    phrase(
        'a {status:SessionStatus} inference session "{name:Name}" with kernel "{kernel:Name}" on agent "{agent:Name}"'
    )
)
def an_inference_session(world: SchedulerWorld, status: SessionStatus, name: str, kernel: str, agent: str) -> None:
    world.add_session(name, status=status, session_type=SessionTypes.INFERENCE, kernel_names=[kernel], agents=[agent])


@given(phrase('session "{name:Name}" has status info "{info:Name}"'))
def with_status_info(world: SchedulerWorld, name: str, info: str) -> None:
    world.amend_session(name, status_info=info)


@given(phrase('session "{name:Name}" was submitted {age:Duration} ago'))
def submitted_ago(world: SchedulerWorld, name: str, age: timedelta) -> None:
    world.amend_session(name, created_at=world.clock.ago(age))
