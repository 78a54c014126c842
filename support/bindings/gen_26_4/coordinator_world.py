"""One scenario's scheduler on the database tier, on 26.4.16 (support.bindings.gen_26_3.coordinator_world,
with what 26.4 changed):

* sessions and their rows come from the 26.4 factories (image ids, the handler policy in the
  session's options, requests without zero slots); a scenario may give a handler a phase timeout
  in a session's options (``time_out_handler``), the only time limit 26.4.16 has;
* the scheduler components are built by 26.4's wiring;
* why the provisioner last failed to place a session is no longer written to the session's status
  info: the coordinator records the provisioner's message in the session's scheduling history
  (a schedule-sessions entry that needs a retry), which is where it is read here.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from ai.backend.manager.models.scheduling_history.row import SessionSchedulingHistoryRow

from support.bindings.gen_26_3.coordinator_world import CoordinatorWorld as CoordinatorWorld26_3
from support.bindings.gen_26_4.factories.rows import image_rows, session_rows
from support.bindings.gen_26_4.factories.sessions import SessionWithKernelsFactory
from support.bindings.gen_26_4.wiring import scheduler_components

SCHEDULE_SESSIONS = "schedule-sessions"


class CoordinatorWorld(CoordinatorWorld26_3):
    session_factory = SessionWithKernelsFactory
    rows_of_session = staticmethod(session_rows)
    rows_of_images = staticmethod(image_rows)
    wire_components = staticmethod(scheduler_components)

    def time_out_handler(self, name: str, handler: str, timeout: timedelta) -> None:
        """The options of session ``name`` give ``handler`` a phase timeout of ``timeout``
        (``sessions.options``: ``handler_options.by_handler``), as an operator may set one."""
        spec = self._spec(name)
        options = dict(spec.factory_args.get("session_info_options") or {})
        timeouts = {**(options.get("phase_timeouts") or {}), handler: int(timeout.total_seconds())}
        self.amend_session(name, session_info_options={**options, "phase_timeouts": timeouts})

    async def scheduling_failure(self, name: str) -> str | None:
        """Why the provisioner last failed to place session ``name``: the message of its latest
        schedule-sessions entry in the scheduling history."""
        history = SessionSchedulingHistoryRow.__table__
        query = (
            sa.select(history.c.message)
            .where(history.c.session_id == self.names.session(name), history.c.phase == SCHEDULE_SESSIONS)
            .order_by(history.c.updated_at.desc(), history.c.id.desc())
            .limit(1)
        )
        async with self.database.engine.connect() as conn:
            return (await conn.execute(query)).scalar_one_or_none()


__all__ = ["CoordinatorWorld"]
