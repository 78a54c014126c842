"""Coordinator cycles (database tier): running one, and how it ended."""

from __future__ import annotations

from support.bdd import then, when
from support.coordinator_world import CoordinatorWorld
from support.phrases import phrase

# -- When ------------------------------------------------------------------------------------------


@when(phrase("the {name:Name} promotion runs"))
async def promotion_runs(world: CoordinatorWorld, name: str) -> None:
    world.promotion_spec(name)  # a promotion, not a handler, by that name
    await world.run_cycle(name)


@when(phrase("a {name:Name} cycle runs"))
async def cycle_runs(world: CoordinatorWorld, name: str) -> None:
    await world.run_cycle(name)


@when(phrase("a requested {name:Name} cycle runs"))
async def requested_cycle_runs(world: CoordinatorWorld, name: str) -> None:
    await world.run_cycle(name, only_if_requested=True)


# -- Then ------------------------------------------------------------------------------------------


@then("the cycle completes")
def cycle_completes(world: CoordinatorWorld) -> None:
    cycle = world.last_cycle
    assert cycle.error is None, f"the {cycle.schedule_type.value} cycle ended with {cycle.error!r}"
    assert cycle.performed, f"the {cycle.schedule_type.value} cycle did nothing"


@then("the cycle does nothing, as nothing requested it")
def cycle_not_performed(world: CoordinatorWorld) -> None:
    cycle = world.last_cycle
    assert cycle.error is None, f"the {cycle.schedule_type.value} cycle ended with {cycle.error!r}"
    assert cycle.performed is False, f"the {cycle.schedule_type.value} cycle ran"


@then(phrase("the next {name:Name} cycle is requested"))
def next_cycle_requested(world: CoordinatorWorld, name: str) -> None:
    wanted = world.schedule_type_of(name).value
    assert wanted in world.valkey.schedule_marks, f"requested cycles: {sorted(world.valkey.schedule_marks) or 'none'}"


@then("no further cycle is requested")
def no_cycle_requested(world: CoordinatorWorld) -> None:
    assert not world.valkey.schedule_marks, f"requested cycles: {sorted(world.valkey.schedule_marks)}"
