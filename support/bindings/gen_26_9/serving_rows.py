"""The model-serving rows of 26.9.6 (support.bindings.gen_26_4.serving_rows, with what 26.9 changed):
every replica group owns a session group (``replica_groups.session_group_id``, NOT NULL), the row
that carries the placement policy of the group's replicas. 26.9.6 creates one with each replica
group (``SessionGroupCreator.for_replica_group``: replicas spread across agents, preferred); the
suite writes the same before the group."""

from __future__ import annotations

import uuid

import factory
from ai.backend.manager.data.session_group.types import (
    SessionGroupPlacementDirection,
    SessionGroupPlacementEnforcement,
)
from ai.backend.manager.models.session_group.row import SessionGroupRow

from support.bindings.gen_26_3.factories.rows import RowFactory
from support.bindings.gen_26_3.factories.sessions import DEFAULT_DOMAIN, DEFAULT_PROJECT, DEFAULT_USER, stable_id
from support.bindings.gen_26_4 import serving_rows as gen_26_4
from support.bindings.gen_26_9.factories.sessions import domain_id


class SessionGroupRowFactory(RowFactory):
    """A replica group's session group (its ``id``: the group's ``session_group_id``), owned as the
    deployments are."""

    class Meta:
        model = SessionGroupRow

    id = factory.LazyFunction(uuid.uuid4)
    domain_id = factory.LazyFunction(lambda: domain_id(DEFAULT_DOMAIN))
    project_id = DEFAULT_PROJECT
    owner_user_id = DEFAULT_USER
    placement_direction = SessionGroupPlacementDirection.SPREAD
    placement_enforcement = SessionGroupPlacementEnforcement.PREFERRED


class ReplicaGroupRowFactory(gen_26_4.ReplicaGroupRowFactory):
    """A replica group of 26.9.6: it names its session group (``SessionGroupRowFactory`` of the same
    id, which the serving world writes before it)."""

    session_group_id = factory.LazyAttribute(lambda o: stable_id("session group", str(o.id)))


__all__ = ["ReplicaGroupRowFactory", "SessionGroupRowFactory"]
