"""Resources (database tier): what agents have in use, kernels' allocations, and the cached figures."""

from __future__ import annotations

import sqlalchemy as sa
from ai.backend.common.types import ResourceSlot
from ai.backend.manager.models.resource_slot.row import AgentResourceRow, ResourceAllocationRow

from support.binding import CoordinatorWorld, DatabaseReader
from support.engine.bdd import given, then
from support.engine.phrases import phrase


@given(phrase('the resources of session "{name:Name}" are in use on its agents'))
async def session_resources_in_use(world: CoordinatorWorld, name: str) -> None:
    """What the RUNNING transition recorded: each placed kernel's allocation used on its agent.
    The session is written now, so this comes after everything else said about it."""
    await world.flush()
    allocations, agent_resources = ResourceAllocationRow.__table__, AgentResourceRow.__table__
    statements: list[sa.Update] = []
    for kernel in world.arranged(name).kernel_infos:
        agent = kernel.resource.agent
        if agent is None:
            raise ValueError(f"a kernel of session {name} is on no agent, so nothing of it can be in use")
        for slot_name, amount in kernel.resource.occupied_slots.items():
            statements.append(
                sa.update(allocations)
                .where(allocations.c.kernel_id == kernel.id, allocations.c.slot_name == slot_name)
                .values(used=amount, used_at=world.clock.now)
            )
            statements.append(
                sa.update(agent_resources)
                .where(agent_resources.c.agent_id == agent, agent_resources.c.slot_name == slot_name)
                .values(used=agent_resources.c.used + amount)
            )
    await world.write(*statements)


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
