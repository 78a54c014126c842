"""One scenario's scheduler on the database tier, on 26.9.6 (support.bindings.gen_26_4.coordinator_world,
with what 26.9 changed):

* sessions come from 26.9's factories (resource groups by id, slot amounts kept beside the kernel
  data, support.bindings.gen_26_9.factories.sessions) and are written as 26.9.6's schema keeps them,
  with owners and agents of that schema (support.bindings.gen_26_9.factories.rows);
* the real ``SchedulerRepository`` takes the reconcile-ops provider (real: it is SQL on the same
  engine), the Valkey schedule client (the double: the repository now reads the agents sessions
  failed on itself), and the storage manager and RBAC permission check, which only enqueueing uses
  (each refuses every call here);
* the agent selector is built once, as the manager builds it (``create_agent_selector`` with the
  configured resource priority), and given to both the provisioner and the scheduling controller;
* the coordinator runs each handler per resource group id (what a handler was given is recorded
  as before: the wrapper passes the id through);
* a user's limit is the resource policy of the user's default keypair (``keypairs.is_default``;
  ``users.main_access_key`` is gone);
* an agent's report that a kernel started carries a ``KernelCreationInfo`` (the container, its
  ports, and the devices it uses), no longer a free-form dict.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from ai.backend.common.events.event_types.kernel.types import KernelCreationInfo, ServicePortInfo, UsedDevices
from ai.backend.common.types import ContainerId, DeviceId, DeviceName, SlotName
from ai.backend.manager.models.keypair import KeyPairRow
from ai.backend.manager.repositories.ops.v2.reconciler.provider import ReconcileOpsProvider
from ai.backend.manager.sokovan.scheduler.provisioner.selectors.selector import AgentSelector
from ai.backend.manager.sokovan.scheduler.scheduler import SchedulerComponents

from support.bindings.gen_26_3.coordinator_world import SchedulerRepositoryOnScenarioClock
from support.bindings.gen_26_3.database.fixtures import ScenarioDatabase
from support.bindings.gen_26_3.fakes import Unused
from support.bindings.gen_26_4.coordinator_world import CoordinatorWorld as CoordinatorWorld26_4
from support.bindings.gen_26_9.factories.rows import AgentRowFactory, agent_rows, owner_rows, session_rows
from support.bindings.gen_26_9.factories.sessions import SessionWithKernelsFactory
from support.bindings.gen_26_9.wiring import agent_selector, scheduler_components


def creation_info(reported: dict[str, Any]) -> KernelCreationInfo:
    """What an agent reports of a kernel it started (26.3's free-form dict: its container, its
    allocations by device, its address, the service ports it lists), as 26.9's ``KernelCreationInfo``."""
    allocations = {
        DeviceName(device): {
            SlotName(slot): {DeviceId(unit): Decimal(amount) for unit, amount in units.items()}
            for slot, units in slots.items()
        }
        for device, slots in reported["resource_spec"]["allocations"].items()
    }
    return KernelCreationInfo(
        container_id=ContainerId(reported["container_id"]),
        kernel_host=reported["kernel_host"],
        repl_in_port=reported["repl_in_port"],
        repl_out_port=reported["repl_out_port"],
        service_ports=[ServicePortInfo.model_validate(port) for port in reported.get("service_ports", [])],
        used_devices=UsedDevices.from_allocations(allocations, attached_devices={}),
    )


def scheduler_repository(
    database: ScenarioDatabase,
    *,
    valkey_stat: Any,
    valkey_schedule: Any,
    config: Any,
    storage_manager: Any,
    permission_check: Any,
    clock: Any,
) -> SchedulerRepositoryOnScenarioClock:
    """26.9.6's ``SchedulerRepository`` (on the scenario clock) with its reconcile-ops provider on the
    scenario's engine; the storage manager and the permission check serve enqueueing only."""
    return SchedulerRepositoryOnScenarioClock(
        db=database.engine,
        reconcile_ops_provider=ReconcileOpsProvider(database.engine),
        valkey_stat=valkey_stat,
        valkey_schedule=valkey_schedule,
        config_provider=config,
        storage_manager=storage_manager,
        permission_check=permission_check,
        clock=clock,
    )


class CoordinatorWorld(CoordinatorWorld26_4):
    session_factory = SessionWithKernelsFactory
    rows_of_session = staticmethod(session_rows)
    rows_of_owners = staticmethod(owner_rows)
    agent_factory = AgentRowFactory
    rows_of_agent = staticmethod(agent_rows)

    def _repository(self, database: ScenarioDatabase) -> SchedulerRepositoryOnScenarioClock:
        self._unused["permission check"] = Unused("permission check")
        return scheduler_repository(
            database,
            valkey_stat=self.valkey_stat,
            valkey_schedule=self.valkey,
            config=self.config,
            storage_manager=self._unused["storage manager"],
            permission_check=self._unused["permission check"],
            clock=self.clock,
        )

    @cached_property
    def agent_selector(self) -> AgentSelector:
        return agent_selector(self.config)

    @cached_property
    def components(self) -> SchedulerComponents:
        return scheduler_components(self.boundaries, self.agent_selector)

    def _keypair_of_user(self, user: uuid.UUID) -> sa.Select:
        keypairs = KeyPairRow.__table__
        return sa.select(keypairs.c.access_key).where(keypairs.c.user == user, keypairs.c.is_default)

    def kernel_creation_info(self, kernel_name: str) -> KernelCreationInfo:
        return creation_info(super().kernel_creation_info(kernel_name))

    def _scheduling_controller_args(self) -> dict[str, Any]:
        return {**super()._scheduling_controller_args(), "agent_selector": self.agent_selector}


__all__ = ["CoordinatorWorld", "creation_info", "scheduler_repository"]
