"""factory-boy factories for 26.4.16's model-serving tables, on top of the 26.3 binding's.

26.4.16 moved a deployment's model revision off ``endpoints`` into ``deployment_revisions`` (with a
``runtime_variants`` row it refers to), and put the routes of a revision under a ``replica_groups``
row that the endpoint's ``primary_replica_group_id`` points at. A deployment is therefore written as
runtime variant -> endpoint -> revision -> replica group; its routes refer to both the revision and
the group, and carry a sub-status and a health status of their own.
"""

from __future__ import annotations

import uuid
from typing import Any

import factory
from ai.backend.common.config import ModelDefinitionDraft, ModelHealthCheck
from ai.backend.manager.data.deployment.types import (
    RouteHealthStatus,
    RouteSubStatus,
    RouteTrafficStatus,
)
from ai.backend.manager.models.deployment_revision import DeploymentRevisionRow
from ai.backend.manager.models.replica_group import ReplicaGroupRow
from ai.backend.manager.models.runtime_variant import RuntimeVariantRow

from support.bindings.common.moved import IntOrPercent, ReplicaGroupRolloutSpec
from support.bindings.gen_26_3.factories import serving_rows as v26_3
from support.bindings.gen_26_3.factories.rows import Row, RowFactory
from support.bindings.gen_26_3.factories.sessions import DEFAULT_SCALING_GROUP, stable_id

DEFAULT_IMAGE_ID = v26_3.DEFAULT_IMAGE_ID
ModelFolderRowFactory = v26_3.ModelFolderRowFactory


def columns_only(row: Row) -> Row:
    """``row`` with only the columns its table has in 26.4.16 (a 26.3 factory it extends sets
    columns that 26.4.16 moved to other tables or dropped)."""
    return Row(row.table, {k: v for k, v in row.values.items() if k in row.table.c})


class EndpointRowFactory(v26_3.EndpointRowFactory):
    """26.3.3's endpoint values (``columns_only`` keeps 26.4.16's; the rest belongs to the revision);
    a runtime variant is a row of its own now, named by the revision."""

    runtime_variant = None  # type: ignore[assignment]  # 26.4 has no runtime-variant column on endpoints


class RuntimeVariantRowFactory(RowFactory):
    """The runtime variant a revision runs (Alembic seeds these; the suite creates the schema
    from the models, so a scenario writes the one it uses)."""

    class Meta:
        model = RuntimeVariantRow

    id = factory.LazyAttribute(lambda o: stable_id("runtime variant", o.name))
    name = "vllm"
    default_model_definition = factory.LazyFunction(ModelDefinitionDraft)


class DeploymentRevisionRowFactory(RowFactory):
    class Meta:
        model = DeploymentRevisionRow

    id = factory.LazyFunction(uuid.uuid4)
    endpoint = factory.LazyFunction(uuid.uuid4)
    revision_number = 1
    image = DEFAULT_IMAGE_ID
    model = None
    resource_group = DEFAULT_SCALING_GROUP
    runtime_variant_id = factory.LazyFunction(lambda: stable_id("runtime variant", "vllm"))


class ReplicaGroupRowFactory(RowFactory):
    class Meta:
        model = ReplicaGroupRow

    id = factory.LazyFunction(uuid.uuid4)
    deployment_id = factory.LazyFunction(uuid.uuid4)
    current_revision_id = None
    desired_current_replica_count = 1
    rollout = factory.LazyFunction(
        lambda: ReplicaGroupRolloutSpec(max_surge=IntOrPercent(count=1), max_unavailable=IntOrPercent(count=0))
    )


class RoutingRowFactory(v26_3.RoutingRowFactory):
    """A route of 26.4.16: a revision and a replica group, a sub-status (which every handler
    selects by), a health status and the health check the revision gave it."""

    revision = factory.LazyFunction(uuid.uuid4)
    replica_group_id = None
    sub_status = RouteSubStatus.PENDING
    health_status = RouteHealthStatus.NOT_CHECKED
    traffic_status = RouteTrafficStatus.INACTIVE
    health_check = factory.LazyFunction(lambda: ModelHealthCheck(enable=True))


class DeploymentPolicyRowFactory(v26_3.DeploymentPolicyRowFactory):
    """26.4.16 dropped ``rollback_on_failure``, and gives the rolling update's limits as counts or
    percentages (``IntOrPercent``)."""

    strategy_spec = factory.LazyFunction(lambda: {"max_surge": {"count": 1}, "max_unavailable": {"count": 0}})

    @classmethod
    def _build(cls, model_class: Any, *args: Any, **kwargs: Any) -> Row:
        return columns_only(super()._build(model_class, *args, **kwargs))
