"""Coordinator cycles (database tier): running one, and how it ended."""

from __future__ import annotations

from support.bdd import given, then, when
from support.coordinator_world import CoordinatorWorld
from support.phrases import phrase

# -- Given -----------------------------------------------------------------------------------------


@given(phrase("a {name:Name} cycle has been requested"))
def cycle_requested(world: CoordinatorWorld, name: str) -> None:
    """Something asked for the cycle (a schedule mark in Valkey), as the post-processors and the
    scheduling controller do."""
    world.valkey.schedule_marks.add(world.schedule_type_of(name).value)


# -- When ------------------------------------------------------------------------------------------


@when(phrase("the {name:Name} promotion runs"))
async def promotion_runs(world: CoordinatorWorld, name: str) -> None:
    world.promotion_spec(name)  # a promotion, not a handler, by that name
    await world.run_cycle(name)


@when(phrase("a {name:Name} cycle runs"))
async def cycle_runs(world: CoordinatorWorld, name: str) -> None:
    await world.run_cycle(name)


@when(phrase("a {name:Name} cycle runs if it has been requested"))
async def requested_cycle_runs(world: CoordinatorWorld, name: str) -> None:
    await world.run_cycle(name, only_if_requested=True)


@when(phrase("a {name:Name} cycle runs {count:d} times"))
async def cycle_runs_repeatedly(world: CoordinatorWorld, name: str, count: int) -> None:
    for _ in range(count):
        cycle = await world.run_cycle(name)
        if cycle.error is not None:
            raise RuntimeError(f"the {name} cycle ended with {cycle.error!r}") from cycle.error


@when(phrase("two {name:Name} cycles run at the same time"))
async def cycles_run_together(world: CoordinatorWorld, name: str) -> None:
    await world.run_cycles_together(name, 2)


# -- Then ------------------------------------------------------------------------------------------


@then("the cycle completes")
def cycle_completes(world: CoordinatorWorld) -> None:
    cycle = world.last_cycle
    assert cycle.error is None, f"the {cycle.schedule_type.value} cycle ended with {cycle.error!r}"
    assert cycle.performed, f"the {cycle.schedule_type.value} cycle did nothing"


@then("both cycles complete")
def both_cycles_complete(world: CoordinatorWorld) -> None:
    last_two = world.cycles[-2:]
    assert len(last_two) == 2, f"{len(world.cycles)} cycle(s) ran"
    for cycle in last_two:
        assert cycle.error is None, f"a {cycle.schedule_type.value} cycle ended with {cycle.error!r}"
        assert cycle.performed, f"a {cycle.schedule_type.value} cycle did nothing"


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


# -- the scheduler's timers ------------------------------------------------------------------------


@when("the manager sets up its scheduler timers")
def timers_set_up(world: CoordinatorWorld) -> None:
    world.timers = {spec.name: spec for spec in world.coordinator.create_task_specs()}


def _timer(world: CoordinatorWorld, name: str, kind: str):
    """The timer of ``kind`` ("process_if_needed" or "process_schedule") for cycle ``name``."""
    schedule_type = world.schedule_type_of(name)
    timer = world.timers.get(f"sokovan_{kind}_{schedule_type.value}")
    if timer is not None:
        event = timer.event_factory()
        assert event.schedule_type == schedule_type.value, f"the {timer.name} timer raises {event!r}"
    return timer


@then(phrase("a {name:Name} cycle runs every {interval:Duration} if it has been requested"))
def runs_on_request(world: CoordinatorWorld, name: str, interval) -> None:
    timer = _timer(world, name, "process_if_needed")
    assert timer is not None, f"no timer runs a {name} cycle on request"
    assert timer.interval == interval.total_seconds(), f"the {timer.name} timer runs every {timer.interval} s"


@then(phrase("a {name:Name} cycle is forced every {interval:Duration}, the first time after {delay:Duration}"))
def forced_every(world: CoordinatorWorld, name: str, interval, delay) -> None:
    timer = _timer(world, name, "process_schedule")
    assert timer is not None, f"no timer forces a {name} cycle"
    assert (timer.interval, timer.initial_delay) == (interval.total_seconds(), delay.total_seconds()), (
        f"the {timer.name} timer runs every {timer.interval} s, the first time after {timer.initial_delay} s"
    )


@then(phrase("a {name:Name} cycle never runs on request"))
def never_on_request(world: CoordinatorWorld, name: str) -> None:
    timer = _timer(world, name, "process_if_needed")
    assert timer is None, f"the {timer.name} timer runs a {name} cycle on request every {timer.interval} s"
