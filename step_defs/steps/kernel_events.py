"""What agents report about kernels (database tier), handled by the coordinator's kernel-event
methods, and the kernel rows that result."""

from __future__ import annotations

from ai.backend.common.events.event_types.kernel.anycast import (
    KernelCancelledAnycastEvent,
    KernelCreatingAnycastEvent,
    KernelPreparingAnycastEvent,
    KernelPullingAnycastEvent,
    KernelStartedAnycastEvent,
    KernelTerminatedAnycastEvent,
)
from ai.backend.common.events.event_types.kernel.types import KernelLifecycleEventReason
from ai.backend.common.types import AgentId
from ai.backend.manager.data.kernel.types import KernelStatus

from support.binding import CoordinatorWorld, DatabaseReader
from support.engine.bdd import then, when
from support.engine.evidence import worked_on
from support.engine.phrases import phrase


def _image_of(world: CoordinatorWorld, name: str) -> str:
    images = world.arranged(name).session_info.image.images
    assert images, f"session {name} has no image"
    return images[0]


@when(phrase('agent "{agent:Name}" reports that it failed to pull the image of session "{name:Name}"'))
async def pull_failed(world: CoordinatorWorld, agent: str, name: str) -> None:
    await world.flush()
    image = _image_of(world, name)
    with world.clock.pinned():
        await world.coordinator.cancel_kernels_for_failed_image(AgentId(agent), image, "manifest unknown")


@when(phrase('agent "{agent:Name}" reports that kernel "{kernel:Name}" terminated'))
async def kernel_terminated(world: CoordinatorWorld, agent: str, kernel: str) -> None:
    await world.flush()
    owner = world.session_of_kernel(kernel)
    event = KernelTerminatedAnycastEvent(
        kernel_id=world.names.kernel(kernel),
        session_id=world.names.session(owner),
        reason=KernelLifecycleEventReason.FAILED_TO_START,
        exit_code=1,
    )
    with world.clock.pinned():
        world.kernel_event_results.append(await world.coordinator.handle_kernel_terminated(event))


@when(phrase('agent "{agent:Name}" reports that kernel "{kernel:Name}" was cancelled'))
async def kernel_cancelled(world: CoordinatorWorld, agent: str, kernel: str) -> None:
    await world.flush()
    owner = world.session_of_kernel(kernel)
    event = KernelCancelledAnycastEvent(
        kernel_id=world.names.kernel(kernel), session_id=world.names.session(owner), reason="failed-to-create"
    )
    with world.clock.pinned():
        world.kernel_event_results.append(await world.coordinator.handle_kernel_cancelled(event))


# -- progress reports of an agent creating a kernel ------------------------------------------------


def _placed_kernel(world: CoordinatorWorld, agent: str, kernel: str):
    """The arranged kernel, which must be on ``agent``: a report comes from the kernel's agent."""
    owner = world.session_of_kernel(kernel)
    arranged = next(k for k in world.arranged(owner).kernel_infos if k.id == world.names.kernel(kernel))
    if arranged.resource.agent != agent:
        raise ValueError(f"kernel {kernel} is on agent {arranged.resource.agent}, not on {agent}")
    return owner, arranged


async def _report(world: CoordinatorWorld, agent: str, kernel: str, event_type, handle, **fields) -> None:
    owner, _ = _placed_kernel(world, agent, kernel)
    await world.flush()
    event = event_type(kernel_id=world.names.kernel(kernel), session_id=world.names.session(owner), **fields)
    with world.clock.pinned():
        world.kernel_event_results.append(await handle(event))


@when(phrase('agent "{agent:Name}" reports that kernel "{kernel:Name}" is preparing'))
async def kernel_preparing(world: CoordinatorWorld, agent: str, kernel: str) -> None:
    await _report(world, agent, kernel, KernelPreparingAnycastEvent, world.coordinator.handle_kernel_preparing)


@when(phrase('agent "{agent:Name}" reports that kernel "{kernel:Name}" is pulling its image'))
async def kernel_pulling(world: CoordinatorWorld, agent: str, kernel: str) -> None:
    await _report(
        world,
        agent,
        kernel,
        KernelPullingAnycastEvent,
        world.coordinator.handle_kernel_pulling,
        reason="pulling-image",
    )


@when(phrase('agent "{agent:Name}" reports that kernel "{kernel:Name}" is being created'))
async def kernel_creating(world: CoordinatorWorld, agent: str, kernel: str) -> None:
    await _report(
        world,
        agent,
        kernel,
        KernelCreatingAnycastEvent,
        world.coordinator.handle_kernel_creating,
        reason="creating-container",
    )


@when(phrase('agent "{agent:Name}" reports that kernel "{kernel:Name}" is running'))
async def kernel_running(world: CoordinatorWorld, agent: str, kernel: str) -> None:
    _placed_kernel(world, agent, kernel)
    await _report(
        world,
        agent,
        kernel,
        KernelStartedAnycastEvent,
        world.coordinator.handle_kernel_running,
        reason="new-container-started",
        creation_info=world.kernel_creation_info(kernel),
    )


@when(phrase('agent "{agent:Name}" reports that it started pulling the image of session "{name:Name}"'))
async def image_pull_started(world: CoordinatorWorld, agent: str, name: str) -> None:
    await world.flush()
    image = _image_of(world, name)
    with world.clock.pinned():
        await world.coordinator.update_kernels_to_pulling_for_image(AgentId(agent), image)


@when(phrase('agent "{agent:Name}" reports that it has the image of session "{name:Name}"'))
async def image_ready(world: CoordinatorWorld, agent: str, name: str) -> None:
    await world.flush()
    image = _image_of(world, name)
    with world.clock.pinned():
        await world.coordinator.update_kernels_to_prepared_for_image(AgentId(agent), image)


# -- Then: the kernel rows -------------------------------------------------------------------------


async def _kernel(world: CoordinatorWorld, kernel: str) -> dict:
    return await DatabaseReader(world.database.engine).kernel(world.names.kernel(kernel))


@then(phrase('kernel "{kernel:Name}" is still {status:KernelStatus}'))
async def kernel_is_still(world: CoordinatorWorld, kernel: str, status: KernelStatus) -> None:
    worked_on(world, world.names.kernel(kernel), f"kernel {kernel!r}")
    row = await _kernel(world, kernel)
    assert row["status"] == status, f"kernel {kernel} is {row['status'].name}, not {status.name}"
    assert list(row["status_history"] or {}) == [status.name], (
        f"kernel {kernel} went through {list(row['status_history'] or {})}"
    )


@then(phrase('kernel "{kernel:Name}" runs in the container its agent reported'))
async def kernel_in_container(world: CoordinatorWorld, kernel: str) -> None:
    row = await _kernel(world, kernel)
    expected = f"container-{world.names.kernel(kernel).hex[:12]}"
    assert row["container_id"] == expected, f"kernel {kernel}'s container is {row['container_id']!r}"


@then(phrase('kernel "{kernel:Name}" is now {status:KernelStatus}'))
async def kernel_is_now(world: CoordinatorWorld, kernel: str, status: KernelStatus) -> None:
    row = await DatabaseReader(world.database.engine).kernel(world.names.kernel(kernel))
    assert row["status"] == status, f"kernel {kernel} is {row['status'].name}, not {status.name}"


@then(phrase('kernel "{kernel:Name}" is now {status:KernelStatus} with status info starting "{prefix:Name}"'))
async def kernel_is_now_because(world: CoordinatorWorld, kernel: str, status: KernelStatus, prefix: str) -> None:
    row = await DatabaseReader(world.database.engine).kernel(world.names.kernel(kernel))
    assert row["status"] == status, f"kernel {kernel} is {row['status'].name}, not {status.name}"
    assert (row["status_info"] or "").startswith(prefix), f"kernel {kernel}'s status info is {row['status_info']!r}"
