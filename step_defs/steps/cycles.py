"""Coordinator cycles (database tier): running one, and how it ended. The same sentences drive the
scheduler's coordinator (support.bindings.gen_26_3.coordinator_world) and the deployment and route coordinators
(support.bindings.gen_26_3.serving_world); each world knows which coordinator runs the cycle it is asked for."""

from __future__ import annotations

from support.binding import CoordinatorWorld
from support.engine.bdd import given, then, when
from support.engine.phrases import phrase

# -- Given -----------------------------------------------------------------------------------------


@given(phrase("a {name:Name} cycle has been requested"))
async def cycle_requested(world: CoordinatorWorld, name: str) -> None:
    """Something asked for the cycle (a mark in Valkey), as post-processors and controllers do."""
    await world.request_cycle(name)


# -- When ------------------------------------------------------------------------------------------


@when(phrase("the {name:Name} promotion runs"))
async def promotion_runs(world: CoordinatorWorld, name: str) -> None:
    world.promotion_spec(name)  # a promotion, not a handler, by that name
    await world.run_cycle(name)


@when(phrase("a {name:Name} cycle runs"))
async def cycle_runs(world: CoordinatorWorld, name: str) -> None:
    await world.run_cycle(name)


@when(phrase("an {name:Name} cycle runs"))
async def cycle_runs_an(world: CoordinatorWorld, name: str) -> None:
    """The same, for names read with "an" (an evict-routes cycle)."""
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


@when(phrase("a {name:Name} cycle runs every {interval:Duration} for {duration:Duration}"))
async def cycle_runs_periodically(world: CoordinatorWorld, name: str, interval, duration) -> None:
    """A timer's cadence: a cycle now, then one every ``interval`` while ``duration`` has not
    passed yet, the clock moving on between them (every 30 seconds for 1 minute: 3 cycles)."""
    elapsed = interval * 0
    while True:
        cycle = await world.run_cycle(name)
        if cycle.error is not None:
            raise RuntimeError(f"the {name} cycle ended with {cycle.error!r}") from cycle.error
        if elapsed + interval > duration:
            return
        world.clock.advance(interval)
        elapsed += interval


@when(phrase("two {name:Name} cycles run at the same time"))
async def cycles_run_together(world: CoordinatorWorld, name: str) -> None:
    await world.run_cycles_together(name, 2)


# -- Then ------------------------------------------------------------------------------------------


@then("the cycle completes")
def cycle_completes(world: CoordinatorWorld) -> None:
    cycle = world.last_cycle
    assert cycle.error is None, f"the {cycle.name} cycle ended with {cycle.error!r}"
    assert cycle.performed, f"the {cycle.name} cycle did nothing"


@then("both cycles complete")
def both_cycles_complete(world: CoordinatorWorld) -> None:
    last_two = world.cycles[-2:]
    assert len(last_two) == 2, f"{len(world.cycles)} cycle(s) ran"
    for cycle in last_two:
        assert cycle.error is None, f"a {cycle.name} cycle ended with {cycle.error!r}"
        assert cycle.performed, f"a {cycle.name} cycle did nothing"


@then("the cycle does nothing, as nothing requested it")
def cycle_not_performed(world: CoordinatorWorld) -> None:
    cycle = world.last_cycle
    assert cycle.error is None, f"the {cycle.name} cycle ended with {cycle.error!r}"
    assert cycle.performed is False, f"the {cycle.name} cycle ran"
    cycle.idle_stated = True


@then(phrase('the {name:Name} promotion looked for sessions to promote and did not select session "{session:Name}"'))
def promotion_passed_over(world: CoordinatorWorld, name: str, session: str) -> None:
    """A positive proof that the promotion did its work: its query ran in the last cycle, to the
    end, and its answer left the session out."""
    world.promotion_spec(name)  # a promotion by that name
    cycle = world.last_cycle
    assert cycle.schedule_type == world.schedule_type_of(name), f"the last cycle was {cycle.name}, not {name}"
    assert cycle.error is None, f"the {cycle.name} cycle ended with {cycle.error!r}"
    queries = [s for s in cycle.selections if s.query == "sessions for the promotion"]
    assert queries, (
        f"the {name} promotion did not query sessions (selections: {[str(s) for s in cycle.selections] or 'none'})"
    )
    selected = {world.names.of(i) for q in queries for i in q.selected}
    assert world.names.session(session) not in set().union(*(q.selected for q in queries)), (
        f"the {name} promotion selected session {session!r} (it selected {sorted(selected)})"
    )


@then(phrase("the next {name:Name} cycle is requested"))
async def next_cycle_requested(world: CoordinatorWorld, name: str) -> None:
    assert await world.is_requested(name), f"requested cycles: {world.requested_cycles() or 'none'}"


@then("no further cycle is requested")
def no_cycle_requested(world: CoordinatorWorld) -> None:
    assert not world.requested_cycles(), f"requested cycles: {world.requested_cycles()}"


# -- the coordinators' timers ----------------------------------------------------------------------


@when("the manager sets up its scheduler timers")
def timers_set_up(world: CoordinatorWorld) -> None:
    world.set_up_timers()


@when("the manager sets up its deployment and route timers")
def serving_timers_set_up(world: CoordinatorWorld) -> None:
    world.set_up_timers()


def _timer(world: CoordinatorWorld, name: str, kind: str):
    """The timer of ``kind`` ("process_if_needed" or "process_schedule") for cycle ``name``."""
    return world.timer(name, kind)


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


@then(phrase("an {name:Name} cycle is forced every {interval:Duration}, the first time after {delay:Duration}"))
def an_forced_every(world: CoordinatorWorld, name: str, interval, delay) -> None:
    """The same, for names read with "an" (an evict-routes cycle)."""
    forced_every(world, name, interval, delay)


@then(phrase("an {name:Name} cycle never runs on request"))
def an_never_on_request(world: CoordinatorWorld, name: str) -> None:
    never_on_request(world, name)
