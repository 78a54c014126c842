"""The in-memory scheduler of 26.3.3 (support.bindings.gen_26_3.handler_world, with 26.3's repository
double and the quotas it keeps: keypair, user, project and domain).

The components come from Backend.AI's own wiring, ``create_default_scheduler_components`` (real
``SessionProvisioner`` with its nine validators, its sequencers and agent selectors, and
``RepositoryAllocator``; real ``SessionLauncher`` and ``SessionTerminator``) and
``create_coordinator_handlers`` (the handlers the ``ScheduleCoordinator`` runs in production).
The provisioner picks the sequencer and the agent selector named by the scaling group: the
scaling group here is FIFO with 26.3.3's default ``agent_selection_strategy``, dispersed. (The
concentrated selector that ``create_default_scheduler_components`` passes as the provisioner's
default selector is stored and never used.)
"""

from __future__ import annotations

from ai.backend.common.types import AccessKey, ResourceSlot

from support.bindings.gen_26_3.factories.scheduling import KeyPairResourcePolicyFactory, UserResourcePolicyFactory
from support.bindings.gen_26_3.fakes.scheduler_repository import FakeSchedulerRepository
from support.bindings.gen_26_3.handler_world import HandlerWorld
from support.bindings.gen_26_3.runs import Handler, HandlerRun, Names


class SchedulerWorld(HandlerWorld):
    """The in-memory scheduler of 26.3.3: 26.3's repository double, with its keypair, user, project and
    domain quotas."""

    repository_class: type[FakeSchedulerRepository] = FakeSchedulerRepository
    repository: FakeSchedulerRepository

    def limit_quota(self, scope: str, name: str, limit: ResourceSlot, used: ResourceSlot) -> None:
        """The ``scope`` (keypair, user, project or domain) of the owner of session ``name`` may use
        ``limit`` in total, of which ``used`` is in use."""
        owner = self.arranged(name).session_info.metadata
        repo = self.repository
        if scope == "keypair":
            key = AccessKey(owner.access_key)
            repo.policies.keypair_policies[key] = KeyPairResourcePolicyFactory.build(total_resource_slots=limit)
            repo.occupancy_by_keypair[key] = used
        elif scope == "user":
            repo.policies.user_policies[owner.user_uuid] = UserResourcePolicyFactory.build(total_resource_slots=limit)
            repo.occupancy_by_user[owner.user_uuid] = used
        elif scope == "project":
            repo.policies.group_limits[owner.group_id] = limit
            repo.occupancy_by_project[owner.group_id] = used
        elif scope == "domain":
            repo.policies.domain_limits[owner.domain_name] = limit
            repo.occupancy_by_domain[owner.domain_name] = used
        else:
            raise ValueError(f"no quota scope {scope!r}: keypair, user, project or domain")


__all__ = ["Handler", "HandlerRun", "Names", "SchedulerWorld"]
