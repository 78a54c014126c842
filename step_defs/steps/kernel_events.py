"""What agents report about kernels (database tier), handled by the coordinator's kernel-event
methods, and the kernel rows that result."""

from __future__ import annotations

from ai.backend.common.events.event_types.kernel.anycast import (
    KernelCancelledAnycastEvent,
    KernelTerminatedAnycastEvent,
)
from ai.backend.common.events.event_types.kernel.types import KernelLifecycleEventReason
from ai.backend.common.types import AgentId
from ai.backend.manager.data.kernel.types import KernelStatus

from support.bdd import then, when
from support.coordinator_world import CoordinatorWorld
from support.database.reads import DatabaseReader
from support.phrases import phrase


@when(phrase('agent "{agent:Name}" reports that it failed to pull the image of session "{name:Name}"'))
async def pull_failed(world: CoordinatorWorld, agent: str, name: str) -> None:
    await world.flush()
    image = world.arranged(name).session_info.image.images[0]
    with world.clock.pinned():
        await world.coordinator.cancel_kernels_for_failed_image(AgentId(agent), image, "manifest unknown")


@when(phrase('agent "{agent:Name}" reports that kernel "{kernel:Name}" terminated'))
async def kernel_terminated(world: CoordinatorWorld, agent: str, kernel: str) -> None:
    await world.flush()
    owner = world.session_of_kernel(kernel)
    event = KernelTerminatedAnycastEvent(
        kernel_id=world.names.kernel(kernel), session_id=world.names.session(owner), reason=KernelLifecycleEventReason.FAILED_TO_START, exit_code=1
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


@then(phrase('kernel "{kernel:Name}" is now {status:KernelStatus}'))
async def kernel_is_now(world: CoordinatorWorld, kernel: str, status: KernelStatus) -> None:
    row = await DatabaseReader(world.database.engine).kernel(world.names.kernel(kernel))
    assert row["status"] == status, f"kernel {kernel} is {row['status'].name}, not {status.name}"


@then(phrase('kernel "{kernel:Name}" is now {status:KernelStatus} with status info starting "{prefix:Name}"'))
async def kernel_is_now_because(world: CoordinatorWorld, kernel: str, status: KernelStatus, prefix: str) -> None:
    row = await DatabaseReader(world.database.engine).kernel(world.names.kernel(kernel))
    assert row["status"] == status, f"kernel {kernel} is {row['status'].name}, not {status.name}"
    assert (row["status_info"] or "").startswith(prefix), f"kernel {kernel}'s status info is {row['status_info']!r}"
