"""Lifecycle invariants under random interleavings (support.bindings.gen_26_3.invariants), in the end-to-end world."""

from __future__ import annotations

import allure
from ai.backend.manager.data.session.types import SessionStatus

from support.binding import EndToEndWorld, Outcome, run_interleavings
from support.engine.bdd import run_on_scenario_loop, then, when
from support.engine.phrases import phrase

STEPS_PER_INTERLEAVING = 12


def _outcome(world: EndToEndWorld) -> Outcome:
    outcome = getattr(world, "interleavings", None)
    if outcome is None:
        raise AssertionError("no interleavings were run in this scenario")
    return outcome


def _held(world: EndToEndWorld, invariant: str) -> None:
    outcome = _outcome(world)
    if outcome.broken is not None and outcome.broken.invariant == invariant:
        raise AssertionError(f"{outcome.broken}\n\nThe shortest interleaving found:\n{outcome.report}")


@when(phrase("{count:d} random interleavings of users, scheduler cycles, agent reports and passing time run"))
def interleavings_run(world: EndToEndWorld, count: int) -> None:
    world.interleavings = run_interleavings(  # type: ignore[attr-defined]
        world.database, run_on_scenario_loop, count, STEPS_PER_INTERLEAVING
    )


@then(phrase("at least {count:d} interleavings ran to their end"))
def enough_interleavings(world: EndToEndWorld, count: int) -> str:
    outcome = _outcome(world)
    figures = _report_figures(outcome)
    assert outcome.broken is None and outcome.examples >= count, (
        f"{outcome.examples} interleavings ran; {outcome.broken or 'none broke an invariant'}\n\n"
        f"How far the interleavings got:\n{figures}"
    )
    return figures


@then(phrase("at least {count:d} of them brought a session to {status:SessionStatus}"))
def enough_reach(world: EndToEndWorld, count: int, status: SessionStatus) -> str:
    """How far the interleavings got. Interleavings in which no session moves cannot break an
    invariant, so the invariants are evidence only when enough interleavings brought a session to
    ``status`` through a status change they checked (a session's first status does not count)."""
    outcome = _outcome(world)
    figures = _report_figures(outcome)
    reached = outcome.reached[status.name]
    assert reached >= count, (
        f"only {reached} of {outcome.examples} interleavings brought a session to {status.name}, "
        f"fewer than {count}\n\nHow far the interleavings got:\n{figures}"
    )
    return figures


def _report_figures(outcome: Outcome) -> str:
    """Print the figures and attach them to the report, once per scenario."""
    figures = outcome.figures()
    if not outcome.figures_reported:
        outcome.figures_reported = True
        print(f"\nHow far the interleavings got:\n{figures}")
        allure.attach(figures, name="How far the interleavings got", attachment_type=allure.attachment_type.TEXT)
    return figures


@then("every status change was one its phase declares")
def declared_only(world: EndToEndWorld) -> None:
    _held(world, "declared")


@then("no session was lost")
def none_lost(world: EndToEndWorld) -> None:
    _held(world, "kept")


@then("no session left TERMINATED or CANCELLED")
def terminal_final(world: EndToEndWorld) -> None:
    _held(world, "final")


@then("no agent's occupied slots went below zero or above its capacity")
def occupancy_bounded(world: EndToEndWorld) -> None:
    _held(world, "occupancy")
