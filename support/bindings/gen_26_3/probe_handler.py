"""A purpose-built lifecycle handler that reports failures, for the failure-classification scenarios.

No production handler of 26.3.3 reaches the coordinator's failure buckets (none targets PREPARING,
PULLING or CREATING sessions, and none declares a need-retry transition), so BEP section 6.1 is
specified with this probe. It is an ordinary ``SessionLifecycleHandler``: the real
``ScheduleCoordinator`` queries its sessions, reads their scheduling history, classifies the
failures it reports and applies the transitions it declares, exactly as for a production handler.

The probe takes the sessions in one status and reports every one of them as failed. It declares:
  need retry -> the session stays in its status (so the attempt is recorded)
  expired    -> TERMINATING
  give up    -> PENDING, with its kernels reset to PENDING (rescheduled elsewhere)
"""

from __future__ import annotations

from collections.abc import Sequence

from ai.backend.common.types import AccessKey
from ai.backend.manager.data.kernel.types import KernelStatus
from ai.backend.manager.data.session.types import SessionStatus, StatusTransitions, TransitionStatus
from ai.backend.manager.defs import LockID
from ai.backend.manager.sokovan.scheduler.handlers import SessionLifecycleHandler
from ai.backend.manager.sokovan.scheduler.results import SessionExecutionResult, SessionTransitionInfo

from support.bindings.common.moved import SessionWithKernels

PROBE_ERROR = "PROBE_FAILURE"


class FailingProbeHandler(SessionLifecycleHandler):
    status: SessionStatus = SessionStatus.CREATING

    @classmethod
    def name(cls) -> str:
        return "failing-probe"

    @classmethod
    def target_statuses(cls) -> list[SessionStatus]:
        return [cls.status]

    @classmethod
    def target_kernel_statuses(cls) -> list[KernelStatus] | None:
        return None

    @classmethod
    def status_transitions(cls) -> StatusTransitions:
        return StatusTransitions(
            success=None,
            need_retry=TransitionStatus(session=cls.status),
            expired=TransitionStatus(session=SessionStatus.TERMINATING),
            give_up=TransitionStatus(session=SessionStatus.PENDING, kernel=KernelStatus.PENDING),
        )

    @property
    def lock_id(self) -> LockID | None:
        return None

    async def execute(self, scaling_group: str, sessions: Sequence[SessionWithKernels]) -> SessionExecutionResult:
        result = SessionExecutionResult()
        for session in sessions:
            info = session.session_info
            result.failures.append(
                SessionTransitionInfo(
                    session_id=info.identity.id,
                    from_status=info.lifecycle.status,
                    reason="the probe fails every session",
                    error_code=PROBE_ERROR,
                    creation_id=info.identity.creation_id,
                    access_key=AccessKey(info.metadata.access_key),
                )
            )
        return result


def failing_probe(status: SessionStatus) -> FailingProbeHandler:
    """A probe for the sessions in ``status``."""
    probe_class = type(f"FailingProbe{status.name.title()}", (FailingProbeHandler,), {"status": status})
    return probe_class()
