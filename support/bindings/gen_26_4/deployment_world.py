"""One scenario's deployment side on the database tier, for 26.4.16: the 26.4 route world
(support.bindings.gen_26_4.serving_world) with 26.4.16's real ``DeploymentCoordinator`` and the
replica-group reconciler beside it.

Real: the ``DeploymentCoordinator`` (building its own ``DeploymentExecutor`` and handlers:
check-replica, destroying and the seven deploying sub-steps), the ``DeploymentController``, the
``ReplicaGroupRepository`` and ``RuntimeVariantRepository`` on PostgreSQL, and the reconciler
coordinator with its four replica-group stages as 26.4.16 assembles them
(``build_reconciler_coordinator``: group_scaling, group_rolling, group_draining, group_autoscale),
and the ``SokovanOrchestrator`` that turns the stages' task specs into timers.

Which 26.4.16 component runs a BEP handler's cycle. The BEP names handlers 26.4.4 removed; the
behaviour they stood for moved to other components, and a scenario's "a <handler> cycle runs" runs
those (``BEP_COMPONENTS``), in the order the BEP's handler did the work:
  check-pending-deployments
                         deploying-initializing (registers a deployment whose revision was
                         activated with the app proxy; nothing takes a PENDING deployment any more:
                         activating its revision, an API action, moves it to DEPLOYING)
  scaling-deployments    group_autoscale (the group takes the deployment's target and is marked
                         SCALING), then group_scaling (routes created or drained to the target)
  reconcile-deployments  check-running-routes (a route whose session ended), then group_autoscale
                         (live routes drifted from the target) and group_scaling (routes created
                         or drained)
check-replica-deployments and destroying-deployments are still handlers of the coordinator.

Boundaries: as the route world's (Valkey in memory under the real client, the app proxy and the
replicas on loopback HTTP servers, the scenario clock); Prometheus, which only PROMETHEUS-sourced
autoscaling rules reach, is ``Unused`` (no scenario has such a rule).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ai.backend.manager.data.deployment.types import DeploymentLifecycleSubStep, RouteTrafficStatus
from ai.backend.manager.repositories.replica_group.repository import ReplicaGroupRepository
from ai.backend.manager.repositories.runtime_variant.repository import RuntimeVariantRepository
from ai.backend.manager.sokovan.deployment.coordinator import DeploymentCoordinator
from ai.backend.manager.sokovan.deployment.recorder import DeploymentRecorderContext
from ai.backend.manager.sokovan.deployment.route.types import RouteLifecycleType
from ai.backend.manager.sokovan.deployment.types import DeploymentLifecycleType
from ai.backend.manager.sokovan.reconciler.coordinator import ReconcilerCoordinator
from ai.backend.manager.sokovan.sokovan import SokovanOrchestrator
from ai.backend.manager.sokovan.stages.factory import build_reconciler_coordinator
from aiohttp import web

from support.bindings.common.fakes.app_proxy import AppProxyServer, ProxyRequest
from support.bindings.common.fakes.unused import Unused
from support.bindings.common.selections import Selection
from support.bindings.gen_26_3 import serving_world as v26_3
from support.bindings.gen_26_3.factories.rows import Row
from support.bindings.gen_26_3.fakes.waits import retry_waits_on
from support.bindings.gen_26_4 import serving_world as v26_4
from support.bindings.gen_26_4.serving_rows import DeploymentRevisionRowFactory, RuntimeVariantRowFactory


@dataclass(frozen=True)
class ReconcileStage:
    """A replica-group reconcile stage of 26.4.16, run where a BEP handler's cycle is asked for."""

    reconcile_type: str


# BEP handler name -> the 26.4.16 components that now do its work, in order (route handler names
# or reconcile stages).
BEP_COMPONENTS: dict[str, tuple[str | ReconcileStage, ...]] = {
    "check-pending-deployments": ("deploying-initializing",),
    "scaling-deployments": (ReconcileStage("group_autoscale"), ReconcileStage("group_scaling")),
    "reconcile-deployments": (
        "check-running-routes",
        ReconcileStage("group_autoscale"),
        ReconcileStage("group_scaling"),
    ),
}

# The reconcile stage whose timers stand for a BEP handler's timers.
BEP_TIMERS = {"scaling-deployments": "group_scaling", "reconcile-deployments": "group_autoscale"}


class DeploymentRepositoryOnScenarioClock(v26_4.DeploymentRepositoryOnScenarioClock):
    """26.4.16's coordinator selects deployments with ``search_deployments_with_last_history``."""

    async def search_deployments_with_last_history(self, *args: Any, **kwargs: Any) -> Any:
        found = await super().search_deployments_with_last_history(*args, **kwargs)
        self._selected("deployments for the handler", found)
        return found


class BulkAppProxyServer(AppProxyServer):
    """The app proxy on 127.0.0.1, answering the endpoint calls 26.4.16's deployment executor
    makes: ``POST /v2/endpoints/bulk`` (register) and ``DELETE /v2/endpoints/bulk`` (unregister),
    one entry per deployment, kept as one request per deployment for the Then steps. A refusal
    (``registration_error`` / ``deletion_error``) answers the whole call with that HTTP status."""

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/v2/endpoints/bulk", self._register_bulk)
        router.add_delete("/v2/endpoints/bulk", self._unregister_bulk)
        super().add_routes(router)

    async def _register_bulk(self, request: web.Request) -> web.Response:
        body = await request.json()
        token = request.headers.get("X-BackendAI-Token")
        created = []
        for item in body["endpoints"]:
            endpoint_id = uuid.UUID(item["deployment_id"])
            self.requests.append(ProxyRequest("POST", endpoint_id, token, item))
            if self.registration_error is None:
                self.endpoints[endpoint_id] = self.url_of(endpoint_id)
                created.append(
                    {
                        "deployment_id": str(endpoint_id),
                        "url": self.endpoints[endpoint_id],
                        "health_check_enabled": False,
                    }
                )
        if self.registration_error is not None:
            return web.json_response({"msg": "registration refused"}, status=self.registration_error)
        return web.json_response({"endpoints": created})

    async def _unregister_bulk(self, request: web.Request) -> web.Response:
        body = await request.json()
        token = request.headers.get("X-BackendAI-Token")
        deleted = []
        for item in body["endpoints"]:
            endpoint_id = uuid.UUID(item["deployment_id"])
            self.requests.append(ProxyRequest("DELETE", endpoint_id, token, item))
            if self.deletion_error is None:
                self.endpoints.pop(endpoint_id, None)
                deleted.append({"deployment_id": str(endpoint_id), "success": True})
        if self.deletion_error is not None:
            return web.json_response({"msg": "deletion refused"}, status=self.deletion_error)
        return web.json_response({"endpoints": deleted})


class _NoSessionTimers:
    """The scheduler's coordinator, as the orchestrator lists timers: this tier has none of it."""

    def create_task_specs(self) -> list[Any]:
        return []


class ServingWorld(v26_4.ServingWorld):
    repository_class = DeploymentRepositoryOnScenarioClock
    # 26.4.16 creates a route INACTIVE; warming-up activates it once its replica answers.
    new_route_traffic = RouteTrafficStatus.INACTIVE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.app_proxy = BulkAppProxyServer()
        self._deploying_revisions: dict[str, Row] = {}

    # -- the production objects ------------------------------------------------------------------

    @cached_property
    def replica_group_repository(self) -> ReplicaGroupRepository:
        return ReplicaGroupRepository(self.database.engine)

    def revision_sources(self) -> dict[str, Any]:
        """26.4 reads revision drafts and presets instead of 26.3's generators (neither is reached)."""
        for name in ("revision drafts", "revision presets", "prometheus", "prometheus query presets"):
            self._unused.setdefault(name, Unused(name))
        return {
            "revision_draft_reader": self._unused["revision drafts"],
            "deployment_revision_preset_repository": self._unused["revision presets"],
        }

    def coordinator_extras(self, coordinator: str) -> dict[str, Any]:
        """26.4's deployment coordinator also takes the autoscaling and replica-group pieces."""
        extras = super().coordinator_extras(coordinator)
        if coordinator == "deployment":
            extras.update(
                prometheus_client=self._unused["prometheus"],
                prometheus_query_preset_repository=self._unused["prometheus query presets"],
                runtime_variant_repository=self._runtime_variant_repository(),
                replica_group_repository=self.replica_group_repository,
            )
        return extras

    def deployment_handlers_of(self, coordinator: DeploymentCoordinator) -> Any:
        return coordinator.registered_handlers()

    def _runtime_variant_repository(self) -> Any:
        return RuntimeVariantRepository(self.database.engine)

    def _reconciler_args(self) -> dict[str, Any]:
        """What ``build_reconciler_coordinator`` takes (a later release's reconciler takes more)."""
        return {
            "replica_group_repository": self.replica_group_repository,
            "valkey_schedule": self.valkey,
            "lock_factory": self.locks,
            "config_provider": self.config,
        }

    @cached_property
    def reconciler(self) -> tuple[ReconcilerCoordinator, list[Any]]:
        """26.4.16's reconciler coordinator and its task specs, as the manager assembles them; each
        stage's handler reports what it was given and decided (``reports``) and each stage's
        source what it selected (the repository's ``selections``)."""
        coordinator, specs = build_reconciler_coordinator(**self._reconciler_args())
        for reconcile_type, stage in coordinator._stages.items():
            self._record_stage(reconcile_type, stage)
        return coordinator, specs

    @cached_property
    def handlers(self) -> dict[str, tuple[Any, Any]]:
        """handler name -> (handler, lifecycle type): both coordinators' handlers, as the 26.3
        binding lists them (26.4.16 keeps the registry's shape); the 26.4 route world lists the
        route coordinator's only."""
        return v26_3.ServingWorld.handlers.func(self)  # type: ignore[attr-defined]

    @cached_property
    def sub_steps(self) -> dict[str, Any]:
        """handler name -> the DEPLOYING sub-step whose cycle runs it, as in the 26.3 binding."""
        return v26_3.ServingWorld.sub_steps.func(self)  # type: ignore[attr-defined]

    def handler(self, name: str) -> tuple[Any, Any]:
        if name in BEP_COMPONENTS:
            raise KeyError(
                f"26.4.16 has no {name} handler: its cycle runs "
                f"{', '.join(_component_name(c) for c in BEP_COMPONENTS[name])}"
            )
        return super().handler(name)

    def add_deployment(self, name: str, lifecycle: Any, **values: Any) -> uuid.UUID:
        """As the 26.4 route world writes one; a deployment with a ``deploying_revision`` is what
        activating that revision leaves (repositories/deployment/db_source activate_revision): a
        second revision of the deployment, named as its deploying revision, and the deployment at
        the deploying-initializing step."""
        deploying = values.pop("deploying_revision", None)
        deployment_id = super().add_deployment(name, lifecycle, **values)
        if deploying is not None:
            current = self._revisions[name].values
            self._deploying_revisions[name] = DeploymentRevisionRowFactory.build(
                id=deploying,
                endpoint=deployment_id,
                revision_number=current["revision_number"] + 1,
                **{k: current[k] for k in ("image", "model", "resource_group", "runtime_variant_id")},
            )
            self.amend_deployment(
                name, deploying_revision_id=deploying, sub_step=DeploymentLifecycleSubStep.DEPLOYING_INITIALIZING
            )
        return deployment_id

    def registration_failure_logs(self, deployment: str) -> list[tuple[str, str]]:
        """26.4.16 registers endpoints in bulk, per app proxy, and logs a refused call for the proxy."""
        self.deployment(deployment)
        return [("ai.backend.manager.sokovan.deployment.executor", "Bulk endpoint create failed against proxy")]

    def serve_custom_model_without_folder(self, deployment: str) -> None:
        """26.4.16 keeps the model and the runtime variant on the revision: the revision names the
        "custom" runtime variant (a row of its own) and no model folder, the folder row is gone."""
        self.remove_model_folder(deployment)
        custom = RuntimeVariantRowFactory.build(name="custom")
        self._custom_variant: Row | None = custom
        self._revisions[deployment].values.update(model=None, runtime_variant_id=custom.values["id"])

    async def write(self, *rows: Any) -> None:
        """A runtime variant a revision names is written before the deployments."""
        custom = getattr(self, "_custom_variant", None)
        endpoints = [r.values["name"] for r in rows if isinstance(r, Row) and r.table.name == "endpoints"]
        if custom is not None and endpoints:
            self._custom_variant = None
            rows = (custom, *rows)
        deploying = [self._deploying_revisions.pop(n) for n in endpoints if n in self._deploying_revisions]
        await super().write(*rows, *deploying)

    async def refuse_replica_group_updates(self, message: str) -> None:
        """The database refuses every change to a replica group's row until the scenario ends."""
        await self._refuse_updates("replica_groups", message)

    # -- reports ---------------------------------------------------------------------------------

    @staticmethod
    def _failures_of(result: Any) -> Sequence[Any]:
        """26.4.16's ``DeploymentExecutionResult`` names its errors ``failures`` (routes keep ``errors``)."""
        return result.failures if hasattr(result, "failures") else result.errors

    def _record_stage(self, reconcile_type: str, stage: Any) -> None:
        """A reconcile stage reports by deployment: what its source selected (the groups and the
        deployments they serve) and, per deployment, its handler's decision."""
        source, handler = stage._source, stage._handler
        fetch, execute = source.fetch_reconcile_info, handler.execute

        async def fetch_and_record(*args: Any, **kwargs: Any) -> Any:
            info = await fetch(*args, **kwargs)
            self.repository.selections.append(
                Selection(f"replica groups for {reconcile_type}", frozenset(_group_ids(info.views)))
            )
            return info

        async def execute_and_report(info: Any) -> Any:
            result = await execute(info)
            outcomes = {d.deployment_id: d.outcome().name for d in result.decisions()}
            self.reports.append(
                v26_3.HandlerReport(
                    handler=reconcile_type,
                    given=[view.deployment_id for view in info.views],
                    successes=[d for d, outcome in outcomes.items() if outcome == "SUCCESS"],
                    errors={d: outcome for d, outcome in outcomes.items() if outcome == "FAILURE"},
                    skipped=[d for d, outcome in outcomes.items() if outcome == "SKIPPED"],
                    stale=[d for d, outcome in outcomes.items() if outcome == "STALE"],
                )
            )
            return result

        source.fetch_reconcile_info = fetch_and_record
        handler.execute = execute_and_report

    # -- running ---------------------------------------------------------------------------------

    def _cycle_runner(self, name: str, only_if_requested: bool) -> Callable[[], Awaitable[None]]:
        """For a BEP handler 26.4.16 no longer has, one cycle of each component that does its work
        now (``BEP_COMPONENTS``), in order, as one cycle. The reconciler coordinator logs a stage's
        exception and goes on, as in production."""
        if name not in BEP_COMPONENTS:
            return super()._cycle_runner(name, only_if_requested)
        reconciler, _ = self.reconciler
        runs: list[Callable[[], Awaitable[None]]] = []
        for component in BEP_COMPONENTS[name]:
            if isinstance(component, ReconcileStage):
                process = reconciler.process_if_needed if only_if_requested else reconciler.process
                runs.append(functools.partial(process, component.reconcile_type))
            else:
                runs.append(super()._cycle_runner(component, only_if_requested))

        async def run_in_order() -> None:
            for run in runs:
                await run()

        return run_in_order

    def handler_failure_logs(self, name: str) -> list[tuple[str, str]]:
        """Where the manager logs that the cycle of ``name`` failed: (logger, message start). A BEP
        handler run as reconcile stages fails in the reconciler coordinator, which logs it."""
        if name not in BEP_COMPONENTS:
            return super().handler_failure_logs(name)
        logs: list[tuple[str, str]] = []
        for component in BEP_COMPONENTS[name]:
            if isinstance(component, ReconcileStage):
                where = "ai.backend.manager.sokovan.reconciler.coordinator"
                logs.append((where, f"Error while processing lifecycle {component.reconcile_type}"))
            else:
                logs.extend(super().handler_failure_logs(component))
        return logs

    async def run_handler(self, name: str) -> v26_3.HandlerReport:
        """The handler alone, on what the repository gives it for its target statuses."""
        handler, lifecycle = self.handler(name)
        if not isinstance(lifecycle, DeploymentLifecycleType):
            return await super().run_handler(name)
        await self.flush()
        with self.clock.pinned(), retry_waits_on(self.clock, self.retry_waits):
            given = await self.repository.search_deployments_with_last_history(
                **self._deployment_selection(handler.target_statuses()), category=handler.category()
            )
            with DeploymentRecorderContext.scope(handler.name(), entity_ids=[_deployment_id(d) for d in given]):
                await handler.execute(given)
        self._last_work = self.reports[-1]
        return self.reports[-1]

    @staticmethod
    def _deployment_selection(target: Any) -> dict[str, Any]:
        """The deployments a handler targets, as the deployment coordinator asks for them (26.4.16: a querier)."""
        return {"querier": DeploymentCoordinator._build_deployment_querier(target)}

    # -- cycle requests and timers ---------------------------------------------------------------

    async def request_cycle(self, name: str) -> None:
        if name in BEP_COMPONENTS:
            for component in BEP_COMPONENTS[name]:
                if isinstance(component, ReconcileStage):
                    # the mark the reconciler's flag reads (nothing in 26.4.16 sets it)
                    await self.valkey.mark_schedules_needed_batch([component.reconcile_type])
                else:
                    await self.route_controller.mark_lifecycle_needed(super().handler(component)[1])
            return
        await super().request_cycle(name)

    async def is_requested(self, name: str) -> bool:
        """For a BEP handler 26.4.16 no longer has: whether a cycle of any of its components was
        requested (each mark read is consumed)."""
        if name not in BEP_COMPONENTS:
            return await super().is_requested(name)
        requested = False
        for component in BEP_COMPONENTS[name]:
            if isinstance(component, ReconcileStage):
                requested |= await self.valkey.load_and_delete_schedule_mark(component.reconcile_type)
            else:
                requested |= await self.take_request(super().handler(component)[1])
        return requested

    def set_up_timers(self) -> None:
        _, reconcile_specs = self.reconciler
        orchestrator = SokovanOrchestrator(
            schedule_coordinator=_NoSessionTimers(),  # type: ignore[arg-type]
            deployment_coordinator=self.deployment_coordinator,
            route_coordinator=self.route_coordinator,
            reconciler_coordinator=self.reconciler[0],
            reconciler_task_specs=reconcile_specs,
        )
        self.timers = {spec.name: spec for spec in orchestrator.create_task_specs()}

    def timer(self, name: str, kind: str) -> Any:
        if name not in BEP_TIMERS:
            return super().timer(name, kind)
        reconcile_type = BEP_TIMERS[name]
        prefix = "reconcile_process_if_needed" if kind == "process_if_needed" else "reconcile_process"
        timer = self.timers.get(f"{prefix}_{reconcile_type}")
        if timer is not None:
            event = timer.event_factory()
            assert getattr(event, "reconcile_type", None) == reconcile_type, f"the {timer.name} timer raises {event!r}"
        return timer


def _deployment_id(item: Any) -> uuid.UUID:
    return item.deployment_info.id


def _group_ids(views: Sequence[Any]) -> list[uuid.UUID]:
    ids: list[uuid.UUID] = []
    for view in views:
        ids.extend([view.group_id, view.deployment_id])
    return ids


def _component_name(component: str | ReconcileStage) -> str:
    return f"the {component.reconcile_type} reconcile" if isinstance(component, ReconcileStage) else component


__all__ = ["BEP_COMPONENTS", "DeploymentLifecycleSubStep", "RouteLifecycleType", "ServingWorld"]
