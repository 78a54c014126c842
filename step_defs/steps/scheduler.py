"""The scheduler a scenario runs against, its scaling group, and running one of its handlers."""

from __future__ import annotations

import pytest

from support.bdd import given, when
from support.phrases import phrase
from support.scheduler_world import SchedulerWorld


@pytest.fixture
def world():
    """The scenario's scheduler: real Sokovan handlers and components between in-memory boundaries."""
    scheduler = SchedulerWorld()
    yield scheduler
    refused = scheduler.refused_calls()
    if refused:
        pytest.fail(
            "the code under test called what no double of this tier implements: "
            + ", ".join(refused)
            + " (extend the double, or move the scenario to the database tier)",
            pytrace=False,
        )


@given(phrase('the scaling group "{name:Name}"'))
def scaling_group(world: SchedulerWorld, name: str) -> None:
    if name != world.scaling_group:
        raise NotImplementedError(f"scenarios of this tier run in scaling group {world.scaling_group!r}")


@when(phrase("the {handler:Name} handler runs"))
async def handler_runs(world: SchedulerWorld, handler: str) -> None:
    await world.run_handler(handler)
