"""The in-memory ``SchedulerRepository`` of 26.4.16 (support.bindings.gen_26_3.fakes.scheduler_repository,
with what 26.4 changed in the repository's interface and data types):

* images are known by id: ``image_configs`` of the pull and start queries are keyed by
  ``ImageConfigData.id`` and matched on each kernel's ``image_id`` (``KernelBindingData.image_id``),
  as the launcher looks them up;
* ``allocate_sessions`` returns the ids of the sessions it allocated (no ``ScheduledSessionData``);
  it still stores no failure: 26.4 leaves recording a failure to the coordinator's history;
* ``TerminatingSessionData.status_info`` is a ``KernelLifecycleEventReason``: a stored text that
  names no reason reads as ``UNKNOWN``, as the database source maps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from ai.backend.common.events.event_types.kernel.types import KernelLifecycleEventReason
from ai.backend.common.types import SessionId
from ai.backend.manager.data.kernel.types import KernelInfo
from ai.backend.manager.sokovan.data import AllocationBatch, ImageConfigData, SessionDataForPull, SessionDataForStart

from support.bindings.common.fakes.clock import FakeClock
from support.bindings.gen_26_3.fakes import scheduler_repository as gen_26_3
from support.bindings.gen_26_3.fakes.stored import StoredAgent, StoredSession, StoredUser
from support.bindings.gen_26_3.fakes.tables import status_info_reason


class FakeSchedulerRepository(gen_26_3.FakeSchedulerRepository):
    """Stands in for 26.4.16's ``SchedulerRepository``; any method not defined here fails loudly."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock)
        self.images_by_id: dict[UUID, ImageConfigData] = {}

    def add_image(self, image: ImageConfigData) -> None:
        super().add_image(image)
        self.images_by_id[image.id] = image

    async def allocate_sessions(self, allocation_batch: AllocationBatch) -> list[SessionId]:  # type: ignore[override]
        scheduled = await super().allocate_sessions(allocation_batch)
        return [s.session_id for s in scheduled]

    @staticmethod
    def _status_info(stored: StoredSession) -> KernelLifecycleEventReason:
        return status_info_reason(stored)

    @staticmethod
    def _binding_fields(kernel: KernelInfo) -> dict[str, Any]:
        return {**gen_26_3.FakeSchedulerRepository._binding_fields(kernel), "image_id": kernel.image.image_id}

    def _images_of(  # type: ignore[override]
        self, sessions: Sequence[SessionDataForPull | SessionDataForStart]
    ) -> dict[UUID, ImageConfigData]:
        return {
            k.image_id: self.images_by_id[k.image_id]
            for s in sessions
            for k in s.kernels
            if k.image_id is not None and k.image_id in self.images_by_id
        }


__all__ = ["FakeSchedulerRepository", "StoredAgent", "StoredSession", "StoredUser"]
