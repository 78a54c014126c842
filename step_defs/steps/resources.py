"""Resources (database tier): what agents have in use, kernels' allocations, and the cached figures."""

from __future__ import annotations

from ai.backend.common.types import ResourceSlot

from support.bdd import then
from support.coordinator_world import CoordinatorWorld
from support.database.reads import DatabaseReader
from support.phrases import phrase


@then(phrase('agent "{agent:Name}" has {used:Resources} in use'))
async def agent_has_in_use(world: CoordinatorWorld, agent: str, used: ResourceSlot) -> None:
    in_use = await DatabaseReader(world.database.engine).agent_in_use(agent)
    expected = {name: amount for name, amount in used.items() if amount}
    assert in_use == expected, f"agent {agent} has {in_use or 'nothing'} in use"


@then(phrase('agent "{agent:Name}" has nothing in use'))
async def agent_has_nothing_in_use(world: CoordinatorWorld, agent: str) -> None:
    in_use = await DatabaseReader(world.database.engine).agent_in_use(agent)
    assert not in_use, f"agent {agent} has {in_use} in use"


@then(phrase('the cached resource figures of the owner of session "{name:Name}" are refreshed'))
def owner_cache_refreshed(world: CoordinatorWorld, name: str) -> None:
    owner = world.arranged(name).session_info.metadata.access_key
    assert owner in world.valkey_stat.invalidated, f"invalidated: {sorted(world.valkey_stat.invalidated) or 'nothing'}"
