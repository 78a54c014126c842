"""factory-boy factories for the model-serving tables (database tier): ``endpoints`` (a
deployment), ``routings`` (a route: one replica slot of a deployment, later bound to a session)
and ``vfolders`` (a deployment's model folder, which the scheduler mounts in every session it
accepts for a route), and ``deployment_policies`` (how a new revision of a deployment replaces
the current one).

A deployment row uses the endpoint's own columns for its model revision (no
``deployment_revisions`` row), which is how the repository reads any deployment whose
``current_revision`` is unset.
"""

from __future__ import annotations

import uuid

import factory
from ai.backend.common.data.endpoint.types import EndpointLifecycle
from ai.backend.common.data.model_deployment.types import DeploymentStrategy
from ai.backend.common.types import ClusterMode, QuotaScopeID, QuotaScopeType, RuntimeVariant, VFolderUsageMode
from ai.backend.manager.data.deployment.types import RouteStatus, RouteTrafficStatus
from ai.backend.manager.data.vfolder.types import VFolderMountPermission, VFolderOperationStatus, VFolderOwnershipType
from ai.backend.manager.models.deployment_policy import DeploymentPolicyRow
from ai.backend.manager.models.endpoint import EndpointRow
from ai.backend.manager.models.routing import RoutingRow
from ai.backend.manager.models.vfolder import VFolderRow

from .rows import RowFactory
from .sessions import DEFAULT_DOMAIN, DEFAULT_PROJECT, DEFAULT_SCALING_GROUP, DEFAULT_USER, slots, stable_id

DEFAULT_IMAGE_ID = uuid.UUID("00000000-0000-4000-8000-00000000013a")


class ModelFolderRowFactory(RowFactory):
    """A model folder (usage mode MODEL) of the deployments' owner, on a storage-proxy volume."""

    class Meta:
        model = VFolderRow

    id = factory.LazyAttribute(lambda o: stable_id("model folder", o.name))
    name = factory.Sequence(lambda n: f"model-{n}")
    host = "local:volume1"
    domain_name = DEFAULT_DOMAIN
    quota_scope_id = factory.LazyAttribute(lambda o: QuotaScopeID(QuotaScopeType.USER, o.user))
    usage_mode = VFolderUsageMode.MODEL
    permission = VFolderMountPermission.READ_WRITE
    ownership_type = VFolderOwnershipType.USER
    user = DEFAULT_USER
    group = None
    creator = "alice@example.com"
    status = VFolderOperationStatus.READY


class EndpointRowFactory(RowFactory):
    class Meta:
        model = EndpointRow

    id = factory.LazyAttribute(lambda o: stable_id("deployment", o.name))
    name = factory.Sequence(lambda n: f"deployment-{n}")
    created_user = DEFAULT_USER
    session_owner = DEFAULT_USER
    replicas = 1
    desired_replicas = None
    image = DEFAULT_IMAGE_ID
    model = None
    domain = DEFAULT_DOMAIN
    project = DEFAULT_PROJECT
    resource_group = DEFAULT_SCALING_GROUP
    lifecycle_stage = EndpointLifecycle.PENDING
    runtime_variant = factory.LazyFunction(lambda: RuntimeVariant.VLLM)
    resource_slots = factory.LazyFunction(lambda: slots(1, 2))
    cluster_mode = ClusterMode.SINGLE_NODE.name
    cluster_size = 1
    open_to_public = False
    url = None
    retries = 0
    revision_history_limit = 10


class RoutingRowFactory(RowFactory):
    class Meta:
        model = RoutingRow

    id = factory.LazyFunction(uuid.uuid4)
    endpoint = factory.LazyFunction(uuid.uuid4)
    session = None
    session_owner = DEFAULT_USER
    domain = DEFAULT_DOMAIN
    project = DEFAULT_PROJECT
    status = RouteStatus.PROVISIONING
    traffic_ratio = 1.0
    traffic_status = RouteTrafficStatus.ACTIVE


class DeploymentPolicyRowFactory(RowFactory):
    """A deployment's policy: how a new revision replaces the current one (by default a rolling
    update, one extra route at a time and none taken away early), as a deployment created with a
    policy has."""

    class Meta:
        model = DeploymentPolicyRow

    id = factory.LazyFunction(uuid.uuid4)
    endpoint = factory.LazyFunction(uuid.uuid4)
    strategy = DeploymentStrategy.ROLLING
    strategy_spec = factory.LazyFunction(lambda: {"max_surge": 1, "max_unavailable": 0})
    rollback_on_failure = False
