"""The in-memory scheduler of 26.4.16 (support.bindings.gen_26_3.scheduler_world, with what 26.4
changed):

* the repository double follows 26.4's ``SchedulerRepository`` (``.fakes.scheduler_repository``),
  and the sessions, kernels and images are built by 26.4's factories (``.factories.scheduling``);
* the components come from 26.4's wiring (``.wiring``);
* a scheduling failure is no longer written by the repository: ``allocate_sessions`` stores only
  allocations, and the provisioner's message reaches the schedule-sessions handler's report as the
  failure's ``message``, which the coordinator records in the session's scheduling history.
"""

from __future__ import annotations

from functools import cached_property

from ai.backend.manager.sokovan.scheduler.scheduler import SchedulerComponents

from support.bindings.gen_26_3 import scheduler_world as gen_26_3
from support.bindings.gen_26_3.runs import HandlerRun, Names

from .factories.scheduling import ImageConfigDataFactory, StoredSessionFactory
from .fakes.scheduler_repository import FakeSchedulerRepository
from .outcomes import reported_failure
from .wiring import scheduler_components


class SchedulerWorld(gen_26_3.SchedulerWorld):
    repository_class = FakeSchedulerRepository
    stored_session_factory = StoredSessionFactory
    image_config_factory = ImageConfigDataFactory

    @cached_property
    def components(self) -> SchedulerComponents:
        return scheduler_components(self.boundaries)

    async def scheduling_failure(self, name: str) -> str | None:
        """Why the provisioner last failed to place session ``name``: the message of the latest
        schedule-sessions report of it as a failure (what the coordinator records as its history)."""
        return reported_failure(self.runs, self.names.session(name))

    def __repr__(self) -> str:
        return f"SchedulerWorld({self.scaling_group!r}, 26.4)"


__all__ = ["HandlerRun", "Names", "SchedulerWorld"]
