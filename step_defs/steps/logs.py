"""Errors the manager only logs, or that a cycle ended with: the Then steps that state them.

Every error the code under test swallows during a scenario fails the scenario unless one of its
Then steps states it (support.engine.swallowed). The steps here state the errors the scenarios expect; the
steps that check how a cycle ended (steps.serving, steps.locks) state theirs too.
"""

from __future__ import annotations

import logging

import pytest

from support.binding import CoordinatorWorld, ServingWorld
from support.engine import swallowed
from support.engine.bdd import then
from support.engine.phrases import phrase

COORDINATOR_LOGGER = "ai.backend.manager.sokovan.scheduler.coordinator"
DEPLOYMENT_EVALUATOR_LOGGER = "ai.backend.manager.sokovan.deployment.strategy.evaluator"


def state(what: str, matches) -> list[swallowed.Swallowed]:
    """Mark the swallowed errors a Then step speaks of; fail if there is none."""
    ledger = swallowed.current()
    found = ledger.state(matches)
    assert found, f"no {what} was logged; errors met: {[str(e) for e in ledger.entries] or 'none'}"
    return found


@then(phrase('the coordinator logs an error that the transition hook of session "{name:Name}" failed'))
def hook_failure_logged(world: CoordinatorWorld, caplog: pytest.LogCaptureFixture, name: str) -> None:
    session_id = str(world.names.session(name))
    wanted = f"Hook failed for session {session_id}"
    errors = [r.getMessage() for r in caplog.records if r.name == COORDINATOR_LOGGER and r.levelno >= logging.ERROR]
    assert any(message.startswith(wanted) for message in errors), f"coordinator errors logged: {errors or 'none'}"
    # The hook's own error about the same session is the same failure.
    state(f"error about session {name!r}", lambda entry: session_id in entry.message)


@then(phrase('the manager logs that deployment "{name:Name}" could not be registered with the app proxy'))
def registration_failure_logged(world: ServingWorld, name: str) -> None:
    logs = world.registration_failure_logs(name)  # the release's: 26.4.16 registers in bulk, per app proxy
    state(f"failed registration of {name!r}", lambda e: any(e.where == w and text in e.message for w, text in logs))


@then(phrase('the coordinator logs that the {handler:Name} handler failed with "{message:Name}"'))
def handler_failure_logged(world: ServingWorld, handler: str, message: str) -> None:
    logs = world.handler_failure_logs(handler)  # the release's: which coordinator logs it, and how
    state(
        f"unexpected error of the {handler} handler saying {message!r}",
        lambda e: any(e.where == where and wanted in e.message for where, wanted in logs) and message in e.message,
    )


@then(
    phrase(
        'the manager logs that evaluating the rolling update of deployment "{name:Name}" failed with '
        '"{message:Name}", once per cycle'
    )
)
def evaluation_failure_logged(world: ServingWorld, name: str, message: str) -> None:
    """The deployment strategy evaluator logs an error for every deployment whose strategy raised,
    and reports it as failed; once for each deploying cycle whose handler was given it."""
    deployment = world.deployment(name)
    wanted = f"deployment {deployment}: unexpected evaluation error"
    found = state(
        f"failed evaluation of {name!r} saying {message!r}",
        lambda e: e.where == DEPLOYMENT_EVALUATOR_LOGGER and wanted in e.message and message in e.message,
    )
    evaluated = [r for r in world.reports if r.handler in world.sub_steps and deployment in r.given]
    assert len(found) == len(evaluated), (
        f"{len(found)} failed evaluation(s) of {name!r} were logged in {len(evaluated)} deploying cycle(s)"
    )


@then("every error met while Valkey was unreachable says that Valkey cannot be reached")
def valkey_outage_errors() -> None:
    ledger = swallowed.current()
    others = [str(e) for e in ledger.unstated() if "the Valkey server cannot be reached" not in e.message]
    state("error about Valkey", "the Valkey server cannot be reached")
    assert not others, f"other errors were met: {others}"
