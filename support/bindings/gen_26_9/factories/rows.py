"""The rows of the database tier on 26.9.6 (support.bindings.gen_26_4.factories.rows, with what 26.9
changed in the schema):

* domains, resource (scaling) groups and agents are referred to by id: ``domain_id`` on users,
  sessions and ``sgroups_for_domains``, ``resource_group_id`` on sessions, kernels, agents and
  ``sgroups_for_domains`` (which no longer names them), ``agent_uuid`` on ``agent_resources``.
  The ids are stable (``domain_id(name)``, ``resource_group_id(name)``, ``agent_uuid(name)``),
  so every row states them without a lookup;
* slot amounts live only in the resource tables: ``agent_resources`` (an agent's capacity, and what
  is in use) and ``resource_allocations`` (what a kernel requested, and uses). The agents, sessions
  and kernels rows no longer carry any: an arranged agent keeps its capacity beside its row
  (``ArrangedAgent``), and a kernel's request is the one the scenario arranged for it
  (support.bindings.gen_26_9.factories.sessions);
* a keypair no longer names its user's e-mail (``keypairs.user_id``); the user's default keypair is
  marked on the keypair (``keypairs.is_default``), as ``users.main_access_key`` is gone; its secret
  key column takes a ``SecretValue`` (here a legacy plaintext one);
* a reserved batch session's start time is ``sessions.requested_starts_at``; ``starts_at`` is now
  when it actually started.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from typing import Any

import factory
import sqlalchemy as sa
from ai.backend.common.types import ResourceSlot
from ai.backend.manager.models.agent import AgentRow
from ai.backend.manager.models.kernel import KernelRow
from ai.backend.manager.models.session import SessionRow
from ai.backend.manager.secret.types import SecretValue

from support.bindings.common.moved import SessionWithKernels
from support.bindings.gen_26_3.factories import rows as gen_26_3
from support.bindings.gen_26_3.factories.rows import AgentResourceRowFactory, Row
from support.bindings.gen_26_3.factories.sessions import stable_id
from support.bindings.gen_26_4.factories import rows as gen_26_4

from .sessions import domain_id, occupied_slots, requested_slots, resource_group_id


def agent_uuid(name: str) -> uuid.UUID:
    """The row id (``agents.uuid``) of the agent ``name``."""
    return stable_id("agent", name)


# -- owners --------------------------------------------------------------------------------------


class DomainRowFactory(gen_26_3.DomainRowFactory):
    id = factory.LazyAttribute(lambda o: domain_id(o.name))


class UserRowFactory(gen_26_3.UserRowFactory):
    domain_id = factory.LazyAttribute(lambda o: domain_id(o.domain_name))


class KeyPairRowFactory(gen_26_3.KeyPairRowFactory):
    """A keypair of a user (not its default one unless ``is_default``; owner_rows' keypair is)."""

    class Meta:
        exclude = ("user_id",)  # gone: the keypair refers to its user by uuid only

    is_default = False  # only a user's default keypair is marked (owner_rows': what users.main_access_key named)

    @classmethod
    def _build(cls, model_class: Any, *args: Any, **kwargs: Any) -> Row:
        """A secret column takes parsed values only: a plaintext secret key is a legacy ``SecretValue``."""
        if isinstance(kwargs.get("secret_key"), str):
            kwargs["secret_key"] = SecretValue(kwargs["secret_key"])
        return super()._build(model_class, *args, **kwargs)


class ScalingGroupRowFactory(gen_26_3.ScalingGroupRowFactory):
    id = factory.LazyAttribute(lambda o: resource_group_id(o.name))


class ScalingGroupForDomainRowFactory(gen_26_3.ScalingGroupForDomainRowFactory):
    class Meta:
        exclude = ("scaling_group", "domain")  # the names are gone; the ids say which

    resource_group_id = factory.LazyAttribute(lambda o: resource_group_id(o.scaling_group))
    domain_id = factory.LazyAttribute(lambda o: domain_id(o.domain))


class OwnerKeyPairRowFactory(KeyPairRowFactory):
    is_default = True  # the owner's one keypair is its default keypair


_OWNER_FACTORIES: dict[sa.Table, Any] = {
    f._meta.model.__table__: f
    for f in (
        DomainRowFactory,
        UserRowFactory,
        OwnerKeyPairRowFactory,
        ScalingGroupRowFactory,
        ScalingGroupForDomainRowFactory,
    )
}


def owner_rows(**scaling_group: Any) -> list[Row | sa.Executable]:
    """26.3's owners (support.bindings.gen_26_3.factories.rows.owner_rows), each row built again by
    the 26.9 factory of its table; no user is pointed at a main keypair any more (the keypair is
    the user's default one)."""
    rows: list[Row | sa.Executable] = []
    for row in gen_26_3.owner_rows(**scaling_group):
        if isinstance(row, Row):
            factory_of_table = _OWNER_FACTORIES.get(row.table)
            rows.append(row if factory_of_table is None else factory_of_table.build(**row.values))
        # else: the update of users.main_access_key, a column 26.9 no longer has
    return rows


# -- agents --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArrangedAgent(Row):
    """An agent's row and, beside it, the capacity it offers and what of it is in use (26.9 keeps
    both in ``agent_resources``, one row per slot: ``agent_rows``)."""

    capacity: ResourceSlot = field(default_factory=ResourceSlot)
    in_use: ResourceSlot = field(default_factory=ResourceSlot)


class AgentRowFactory(gen_26_3.AgentRowFactory):
    uuid = factory.LazyAttribute(lambda o: agent_uuid(o.id))
    resource_group_id = factory.LazyAttribute(lambda o: resource_group_id(o.scaling_group))
    version = "26.9.6"

    @classmethod
    def _build(cls, model_class: Any, *args: Any, **kwargs: Any) -> ArrangedAgent:
        capacity, in_use = ResourceSlot(kwargs.pop("available_slots")), ResourceSlot(kwargs.pop("occupied_slots"))
        return ArrangedAgent(AgentRow.__table__, kwargs, capacity=capacity, in_use=in_use)


def agent_rows(agent: Row) -> list[Row]:
    """An agent row and one ``agent_resources`` row per slot it offers: its capacity and what of it
    is in use."""
    assert isinstance(agent, ArrangedAgent), f"not an agent of 26.9's AgentRowFactory: {agent!r}"
    return [agent] + [
        AgentResourceRowFactory.build(
            agent_id=agent.values["id"],
            agent_uuid=agent.values["uuid"],
            slot_name=name,
            capacity=amount,
            used=agent.in_use.get(name, 0),
        )
        for name, amount in agent.capacity.items()
    ]


# -- sessions and kernels ------------------------------------------------------------------------


@dataclass(frozen=True)
class _SessionResourceAsBefore:
    """What the earlier bindings' ``session_rows`` reads of a session's ``ResourceSpec``, under the
    names 26.3 gave it."""

    cluster_mode: str
    cluster_size: int
    scaling_group_name: str | None
    agent_ids: list[str] | None
    requested_slots: ResourceSlot


@dataclass(frozen=True)
class _KernelResourceAsBefore:
    """What the earlier bindings' ``session_rows`` reads of a kernel's ``ResourceInfo``, under the
    names 26.3 gave it (the amounts: those the scenario arranged)."""

    scaling_group: str
    agent: str | None
    container_id: str | None
    occupied_slots: ResourceSlot
    requested_slots: ResourceSlot


def _as_before(sw: SessionWithKernels) -> SessionWithKernels:
    """The session as 26.4's ``session_rows`` reads it (only its resource parts are renamed)."""
    kernels = [
        dataclasses.replace(
            k,
            resource=_KernelResourceAsBefore(  # type: ignore[arg-type]
                k.resource.resource_group,
                k.resource.agent,
                k.resource.container_id,
                occupied_slots(k),
                requested_slots(k),
            ),
        )
        for k in sw.kernel_infos
    ]
    spec = sw.session_info.resource
    resource = _SessionResourceAsBefore(
        spec.cluster_mode,
        spec.cluster_size,
        spec.resource_group_name,
        spec.agent_ids,
        sum((requested_slots(k) for k in sw.kernel_infos), ResourceSlot()),
    )
    info = dataclasses.replace(sw.session_info, resource=resource)  # type: ignore[arg-type]
    return dataclasses.replace(sw, session_info=info, kernel_infos=kernels)


_SESSION_SLOTS = ("occupying_slots", "requested_slots")
_KERNEL_SLOTS = ("occupied_slots", "requested_slots")


def session_rows(sw: SessionWithKernels) -> list[Row]:
    """The rows of a session, its kernels and their requested resources, as 26.9.6 keeps them: 26.4's
    (support.bindings.gen_26_4.factories.rows.session_rows) with the groups and the domain by id, the
    slot amounts only in ``resource_allocations``, and a reserved start as the requested one."""
    rows = []
    for row in gen_26_4.session_rows(_as_before(sw)):
        values = dict(row.values)
        if row.table is SessionRow.__table__:
            for name in _SESSION_SLOTS:
                del values[name]
            values["resource_group_id"] = resource_group_id(values["scaling_group_name"])
            values["domain_id"] = domain_id(values["domain_name"])
            values["requested_starts_at"] = values.pop("starts_at", None)
        elif row.table is KernelRow.__table__:
            for name in _KERNEL_SLOTS:
                del values[name]
            values["resource_group_id"] = resource_group_id(values["scaling_group"])
        rows.append(Row(row.table, values))
    return rows


__all__ = [
    "AgentRowFactory",
    "ArrangedAgent",
    "DomainRowFactory",
    "KeyPairRowFactory",
    "ScalingGroupForDomainRowFactory",
    "ScalingGroupRowFactory",
    "UserRowFactory",
    "agent_rows",
    "agent_uuid",
    "owner_rows",
    "session_rows",
]
