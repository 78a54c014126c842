"""The session-creation boundary of the deployment families: Backend.AI's real
``SchedulingController`` with only ``enqueue_session`` replaced.

A route asks the scheduler for a session through ``enqueue_session``; what the scheduler then
does with the request (validation, resource checks, queuing) is the scheduler families' subject,
specified there. Here the request is kept, and answered the way the scheduler answers a valid
one: a PENDING inference session row in the database, whose id is returned. A scenario can make
the scheduler refuse requests.

Everything else, ``mark_sessions_for_termination`` in particular, is the production controller on
the real scheduler repository: a route's session marked for termination really becomes
TERMINATING (or CANCELLED, if it never started) in the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from ai.backend.common.types import SessionId, SessionTypes
from ai.backend.manager.data.session.types import SessionStatus
from ai.backend.manager.repositories.scheduler.types.session_creation import SessionCreationSpec
from ai.backend.manager.sokovan.scheduling_controller.scheduling_controller import (
    SchedulingController,
    SchedulingControllerArgs,
)

from support.factories.rows import Row, SessionRowFactory


class SessionRequestRefused(RuntimeError):
    pass


class SchedulerTakingSessionRequests(SchedulingController):
    def __init__(self, args: SchedulingControllerArgs, write: Callable[[Row], Awaitable[None]]) -> None:
        super().__init__(args)
        self._write = write
        self.requests: list[SessionCreationSpec] = []
        self.refusal: str | None = None  # the reason the scheduler gives when it refuses

    async def enqueue_session(self, session_spec: SessionCreationSpec) -> SessionId:
        self.requests.append(session_spec)
        if self.refusal is not None:
            raise SessionRequestRefused(self.refusal)
        session_id = SessionId(uuid.uuid4())
        scope = session_spec.user_scope
        await self._write(SessionRowFactory(
            id=session_id,
            name=session_spec.session_name,
            creation_id=session_spec.session_creation_id,
            session_type=session_spec.session_type or SessionTypes.INFERENCE,
            scaling_group_name=session_spec.scaling_group,
            target_sgroup_names=[session_spec.scaling_group],
            domain_name=scope.domain_name,
            group_id=scope.group_id,
            user_uuid=scope.user_uuid,
            access_key=session_spec.access_key,
            status=SessionStatus.PENDING,
        ))
        return session_id

    def request_for_route(self, route_id: uuid.UUID) -> SessionCreationSpec | None:
        return next((r for r in self.requests if r.route_id == route_id), None)
