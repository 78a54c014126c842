"""What users do (end-to-end scenarios): create sessions as the API does, and terminate them."""

from __future__ import annotations

from ai.backend.common.types import ClusterMode, ResourceSlot

from support.binding import EndToEndWorld
from support.engine.bdd import given, when
from support.engine.phrases import phrase


@given(phrase('a user creates session "{name:Name}" requesting {request:Resources}'))
@when(phrase('a user creates session "{name:Name}" requesting {request:Resources}'))
async def user_creates_session(world: EndToEndWorld, name: str, request: ResourceSlot) -> None:
    await world.create_session(name, requested=request)


@given(phrase('a user creates session "{name:Name}" with priority {priority:d} requesting {request:Resources}'))
async def user_creates_prioritized_session(
    world: EndToEndWorld, name: str, priority: int, request: ResourceSlot
) -> None:
    await world.create_session(name, requested=request, priority=priority)


@given(phrase("a user creates the sessions {names:Names} in this order, each requesting {request:Resources}"))
async def user_creates_sessions(world: EndToEndWorld, names: list[str], request: ResourceSlot) -> None:
    for name in names:
        await world.create_session(name, requested=ResourceSlot(request))


@given(
    phrase(
        'a user creates {mode:ClusterMode} session "{name:Name}" of {count:d} kernels, each requesting {request:Resources}'
    )
)
async def user_creates_cluster_session(
    world: EndToEndWorld, mode: ClusterMode, name: str, count: int, request: ResourceSlot
) -> None:
    await world.create_session(name, requested=request, cluster_mode=mode, kernel_count=count)


@when(phrase('the user terminates session "{name:Name}"'))
async def user_terminates(world: EndToEndWorld, name: str) -> None:
    await world.terminate_session(name)
