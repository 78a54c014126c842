"""Kernels: what a scenario states about them, and what a kernel handler decided about them."""

from __future__ import annotations

from datetime import timedelta

from ai.backend.common.clients.valkey_client.valkey_schedule import HealthCheckStatus
from ai.backend.manager.data.kernel.types import KernelStatus
from ai.backend.manager.data.session.types import SessionStatus

from support.binding import SchedulerWorld, assert_reported, kernel_destination
from support.engine.bdd import given, then
from support.engine.evidence import worked_on
from support.engine.phrases import phrase

# -- Given -----------------------------------------------------------------------------------------


@given(phrase('a RUNNING kernel "{kernel:Name}" on agent "{agent:Name}"'))
def a_running_kernel(world: SchedulerWorld, kernel: str, agent: str) -> None:
    world.add_session(f"session of {kernel}", status=SessionStatus.RUNNING, kernel_names=[kernel], agents=[agent])


@given(phrase('kernel "{kernel:Name}" last reported its statistics {age:Duration} ago'))
def last_statistics(world: SchedulerWorld, kernel: str, age: timedelta) -> None:
    world.amend_kernel(kernel, last_stat_at=world.clock.ago(age))


@given(phrase('kernel "{kernel:Name}" has no container'))
def no_container(world: SchedulerWorld, kernel: str) -> None:
    world.amend_kernel(kernel, container_id=None)


@given(phrase('kernel "{kernel:Name}" is already {status:KernelStatus}'))
def kernel_already(world: SchedulerWorld, kernel: str, status: KernelStatus) -> None:
    world.amend_kernel(kernel, status=status)


@given(phrase('the presence of kernel "{kernel:Name}" is no longer reported'))
def presence_stale(world: SchedulerWorld, kernel: str) -> None:
    last_seen = int(world.clock.ago(timedelta(minutes=5)).timestamp())
    world.valkey.report_presence(world.names.kernel(kernel), HealthCheckStatus.STALE, last_seen)


@given(phrase('the presence of kernel "{kernel:Name}" was never reported'))
def presence_never(world: SchedulerWorld, kernel: str) -> None:
    world.valkey.forget_presence(world.names.kernel(kernel))


# -- Then ------------------------------------------------------------------------------------------


@then(phrase('kernel "{kernel:Name}" is reported as alive'))
def reported_alive(world: SchedulerWorld, kernel: str) -> None:
    assert_reported(world.last_run, world.names, kernel, world.names.kernel(kernel), "successes")


@then(phrase('kernel "{kernel:Name}" is reported as a failure with reason "{reason:Name}"'))
def reported_failure(world: SchedulerWorld, kernel: str, reason: str) -> None:
    assert_reported(world.last_run, world.names, kernel, world.names.kernel(kernel), "failures", reason)


@then(phrase('kernel "{kernel:Name}" moves to {status:KernelStatus}'))
def kernel_moves_to(world: SchedulerWorld, kernel: str, status: KernelStatus) -> None:
    target = kernel_destination(world.last_run, world.names, kernel, world.names.kernel(kernel))
    assert target == status, (
        f"kernel {kernel} {'keeps its status' if target is None else f'moves to {target}'}, not to {status}"
    )


@then(phrase('kernel "{kernel:Name}" stays {status:KernelStatus}'))
async def kernel_stays(world: SchedulerWorld, kernel: str, status: KernelStatus) -> None:
    worked_on(world, world.names.kernel(kernel), f"kernel {kernel!r}")
    target = kernel_destination(world.last_run, world.names, kernel, world.names.kernel(kernel))
    assert target is None, f"kernel {kernel} moves to {target}"
    current = await world.kernel_status(kernel)
    assert current == status, f"kernel {kernel} is {current}, not {status}"
