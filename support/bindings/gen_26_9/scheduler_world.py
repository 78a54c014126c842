"""The in-memory scheduler of 26.9.6 (support.bindings.gen_26_3.handler_world, with what 26.9 changed):

* the repository double follows 26.9's ``SchedulerRepository`` (``.fakes.scheduler_repository``), and
  the sessions and kernels are built by 26.9's factories (``.factories``);
* handlers and the repository know the scaling group by its resource-group id (``group_key``), and
  a kernel handler's targets are asked for with the ``KernelSearcher`` the coordinator builds
  (resource-group id equals, kernel status in the handler's targets);
* the components come from 26.9's wiring, with the agent selector the manager builds from its
  configured resource priority (``agent_selector``): a provisioner with three validators
  (dependencies, reserved batch, resource policy), priority-band sequencing, and a selector that
  filters agents before the group's strategy orders them. The group is FIFO with the default
  ``ResourceGroupOpts``: dispersed selection, preemption disabled;
* quotas are the user's, project's and domain's limits and occupancy of the system snapshot (the
  keypair scope was folded into the user's);
* a scheduling failure is the message of the schedule-sessions report, as on 26.4.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property
from typing import Any

from ai.backend.common.data.entity.domain import DomainID
from ai.backend.common.data.entity.project import ProjectID
from ai.backend.common.data.entity.resource_slot import ResourceSlotName
from ai.backend.common.data.entity.user import UserID
from ai.backend.common.data.filter_specs import UUIDEqualMatchSpec
from ai.backend.common.types import ResourceSlot
from ai.backend.manager.models.kernel.searchable_fields import KernelSearchableFields
from ai.backend.manager.models.kernel.searchers import KernelSearcher
from ai.backend.manager.models.specs.pagination import NoPagination
from ai.backend.manager.sokovan.scheduler.handlers.kernel import KernelLifecycleHandler
from ai.backend.manager.sokovan.scheduler.provisioner.selectors.selector import AgentSelector
from ai.backend.manager.sokovan.scheduler.scheduler import SchedulerComponents
from ai.backend.manager.views.sokovan.snapshot import ResourceLimit, UserResourceLimit

from support.bindings.gen_26_3.handler_world import HandlerWorld
from support.bindings.gen_26_3.runs import HandlerRun, Names
from support.bindings.gen_26_4.outcomes import reported_failure

from .factories.scheduling import ImageConfigDataFactory, StoredSessionFactory
from .factories.sessions import domain_id, resource_group_id
from .fakes.scheduler_repository import FakeSchedulerRepository
from .wiring import agent_selector, scheduler_components


class SchedulerWorld(HandlerWorld):
    repository_class = FakeSchedulerRepository
    repository: FakeSchedulerRepository
    stored_session_factory = StoredSessionFactory
    image_config_factory = ImageConfigDataFactory

    @property
    def group_key(self) -> Any:
        return resource_group_id(self.scaling_group)

    def kernel_query(self, handler: KernelLifecycleHandler) -> KernelSearcher:
        fields = KernelSearchableFields.own
        return KernelSearcher(
            pagination=NoPagination(),
            conditions=[
                fields.resource_group_id.filter.equals(UUIDEqualMatchSpec(value=self.group_key, negated=False)),
                fields.status.filter.in_(handler.target_kernel_statuses()),
            ],
        )

    @cached_property
    def agent_selector(self) -> AgentSelector:
        return agent_selector(self.config)

    @cached_property
    def components(self) -> SchedulerComponents:
        return scheduler_components(self.boundaries, self.agent_selector)

    def limit_quota(self, scope: str, name: str, limit: ResourceSlot, used: ResourceSlot) -> None:
        """The ``scope`` (user, project or domain) of the owner of session ``name`` may use ``limit`` in
        total, of which ``used`` is in use."""
        owner = self.arranged(name).session_info.metadata
        repo = self.repository
        slots = {ResourceSlotName(k): Decimal(v) for k, v in limit.items()}
        if scope == "user":
            user = UserID(owner.user_uuid)
            repo.user_limits[user] = UserResourceLimit(slots=slots, max_session_count=None, max_sftp_session_count=None)
            repo.occupancy_by_user[user] = used
        elif scope == "project":
            project = ProjectID(owner.group_id)
            repo.project_limits[project] = ResourceLimit(slots=slots)
            repo.occupancy_by_project[project] = used
        elif scope == "domain":
            domain = DomainID(domain_id(owner.domain_name))
            repo.domain_limits[domain] = ResourceLimit(slots=slots)
            repo.occupancy_by_domain[domain] = used
        else:
            raise ValueError(f"no quota scope {scope!r} in 26.9: user, project or domain (a keypair's is its user's)")

    async def scheduling_failure(self, name: str) -> str | None:
        return reported_failure(self.runs, self.names.session(name))

    def __repr__(self) -> str:
        return f"SchedulerWorld({self.scaling_group!r}, 26.9)"


__all__ = ["HandlerRun", "Names", "SchedulerWorld"]
