"""Reading a handler run: where a session or kernel was reported, and where that takes it.

A handler reports each session (or kernel) it was given in one of its result lists; it also
declares, per outcome, the status its reports lead to (``status_transitions()``), which the
coordinator applies. "Session s1 moves to PREPARING" therefore means: s1 was reported as a
success and the handler's success transition takes a session to PREPARING. Failures are
classified by the coordinator (retry, expiry, giving up) before any transition, so a move after
a failure is not decided here; the message says so.
"""

from __future__ import annotations

from ai.backend.manager.data.kernel.types import KernelStatus
from ai.backend.manager.data.session.types import SessionStatus
from ai.backend.manager.sokovan.scheduler.handlers import SessionLifecycleHandler
from ai.backend.manager.sokovan.scheduler.handlers.kernel import KernelLifecycleHandler

from support.bindings.common.selections import Took, ids_of
from support.bindings.gen_26_3.runs import HandlerRun, Names

SESSION_BUCKETS = {"successes": "a success", "failures": "a failure", "skipped": "skipped"}
KERNEL_BUCKETS = {"successes": "alive (a success)", "failures": "a failure"}


def _buckets(run: HandlerRun) -> dict[str, str]:
    return KERNEL_BUCKETS if isinstance(run.handler, KernelLifecycleHandler) else SESSION_BUCKETS


def _entry_id(entry) -> object:
    return getattr(entry, "session_id", None) or getattr(entry, "kernel_id", None)


def find(run: HandlerRun, entity_id: object):
    """``(bucket, entry)`` for the entity, or ``(None, None)`` when the run did not report it."""
    for bucket in _buckets(run):
        for entry in getattr(run.result, bucket):
            if _entry_id(entry) == entity_id:
                return bucket, entry
    return None, None


def took(run: HandlerRun) -> Took:
    """The run as evidence of what its handler was given and how it reported each subject."""

    def reported(subject: object) -> str | None:
        bucket, _ = find(run, subject)
        return _buckets(run)[bucket] if bucket else None

    return Took(run.name, ids_of(run.given), reported)


def summary(run: HandlerRun, names: Names) -> str:
    parts = []
    for bucket in _buckets(run):
        entries = getattr(run.result, bucket)
        listed = ", ".join(f"{names.of(_entry_id(e))}" + (f" ({e.reason})" if e.reason else "") for e in entries)
        parts.append(f"{bucket}: {listed or '-'}")
    given = ", ".join(names.of(_given_id(g)) for g in run.given) or "nothing"
    return f"{run.name} was given {given}; it reported {'; '.join(parts)}"


def _given_id(given) -> object:
    info = getattr(given, "session_info", None)
    return info.identity.id if info is not None else given.id


def assert_reported(
    run: HandlerRun, names: Names, name: str, entity_id: object, bucket: str, reason: str | None = None
):
    found, entry = find(run, entity_id)
    wanted = _buckets(run)[bucket]
    assert found == bucket, f"{name} was expected to be reported as {wanted}. {summary(run, names)}"
    if reason is not None:
        assert entry.reason == reason, f"{name} was reported with reason {entry.reason!r}, not {reason!r}"
    return entry


def session_destination(run: HandlerRun, names: Names, name: str, session_id: object) -> SessionStatus:
    """The status a session reported by this run moves to, or an AssertionError saying why none."""
    bucket, _ = find(run, session_id)
    if bucket == "successes":
        assert isinstance(run.handler, SessionLifecycleHandler), f"{run.name} reports kernels, not sessions"
        target = run.handler.status_transitions().success
        if target is None or target.session is None:
            raise AssertionError(
                f"{name} was reported as a success, but {run.name} declares no status change for a success"
            )
        return target.session
    if bucket == "failures":
        raise AssertionError(
            f"{name} was reported as a failure; the status it moves to is decided by the coordinator's failure "
            f"classification, not by {run.name}. {summary(run, names)}"
        )
    if bucket == "skipped":
        raise AssertionError(f"{name} was skipped, which keeps its status. {summary(run, names)}")
    raise AssertionError(f"{name} was not reported, so nothing moves it. {summary(run, names)}")


def kernel_destination(run: HandlerRun, names: Names, name: str, kernel_id: object) -> KernelStatus | None:
    """The status a kernel reported by this run moves to; None when its outcome changes nothing."""
    bucket, _ = find(run, kernel_id)
    if bucket in ("failures", "successes"):
        assert isinstance(run.handler, KernelLifecycleHandler), f"{run.name} reports sessions, not kernels"
        transitions = run.handler.status_transitions()
        return transitions.failure if bucket == "failures" else transitions.success
    raise AssertionError(f"{name} was not reported. {summary(run, names)}")
