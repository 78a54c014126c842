"""Reading a handler run on 26.4.16 (support.bindings.gen_26_3.outcomes, with what 26.4 changed):
a handler's report of a session or kernel now gives its reason in one of two fields, never both:
``reason``, a ``KernelLifecycleEventReason`` (e.g. "triggered-by-scheduler", "stale-kernel"), or
``message``, free text (e.g. "not-scheduled-this-cycle", the provisioner's failure message). The
coordinator announces ``reason or message`` as the reason of the status change, so a step's
"reported ... with reason X" reads that.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ai.backend.manager.sokovan.scheduler.results import SessionExecutionResult

from support.bindings.gen_26_3 import outcomes as gen_26_3
from support.bindings.gen_26_3.outcomes import find, kernel_destination, session_destination, summary, took
from support.bindings.gen_26_3.runs import HandlerRun, Names


def stated_reason(entry: Any) -> str | None:
    """The reason a report gives: its event reason, or else its message."""
    return getattr(entry, "reason", None) or getattr(entry, "message", None)


SCHEDULE_SESSIONS = "schedule-sessions"


def reported_failure(runs: Iterable[HandlerRun], session_id: object) -> str | None:
    """The message of the latest schedule-sessions report of the session as a failure (what the
    coordinator records as its scheduling history), or None."""
    message = None
    for run in runs:
        if run.name != SCHEDULE_SESSIONS or not isinstance(run.result, SessionExecutionResult):
            continue
        for failure in run.result.failures:
            if failure.session_id == session_id:
                message = failure.message
    return message


def assert_reported(
    run: HandlerRun, names: Names, name: str, entity_id: object, bucket: str, reason: str | None = None
):
    entry = gen_26_3.assert_reported(run, names, name, entity_id, bucket)
    if reason is not None:
        stated = stated_reason(entry)
        assert stated == reason, f"{name} was reported with reason {stated!r}, not {reason!r}"
    return entry


__all__ = [
    "assert_reported",
    "find",
    "kernel_destination",
    "reported_failure",
    "session_destination",
    "stated_reason",
    "summary",
    "took",
]
