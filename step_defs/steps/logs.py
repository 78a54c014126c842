"""The manager's log (database tier): errors the coordinator reports only by logging them."""

from __future__ import annotations

import logging

import pytest

from support.bdd import then
from support.coordinator_world import CoordinatorWorld
from support.phrases import phrase

COORDINATOR_LOGGER = "ai.backend.manager.sokovan.scheduler.coordinator"


@then(phrase('the coordinator logs an error that the transition hook of session "{name:Name}" failed'))
def hook_failure_logged(world: CoordinatorWorld, caplog: pytest.LogCaptureFixture, name: str) -> None:
    wanted = f"Hook failed for session {world.names.session(name)}"
    errors = [r.getMessage() for r in caplog.records if r.name == COORDINATOR_LOGGER and r.levelno >= logging.ERROR]
    assert any(message.startswith(wanted) for message in errors), f"coordinator errors logged: {errors or 'none'}"
