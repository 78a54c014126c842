"""What the real repositories selected for the handlers: the evidence behind "nothing changed".

A scenario whose outcome is that something stays as it was proves nothing unless the component it
names demonstrably looked at that subject. The coordinators ask the real repositories which
sessions, kernels, routes or deployments a handler should take (and which scaling groups can be
scheduled at all); the mixins here keep each answer, unchanged, as a ``Selection``. Together with
what each handler was given and reported, the worlds can then say, for a subject, how the cycle
dealt with it: given to the handler and reported, or looked for and not selected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Selection:
    query: str  # the repository method that answered
    selected: frozenset[Any]  # ids of what it returned (sessions, kernels, routes, deployments, groups)

    def __str__(self) -> str:
        return f"{self.query} selected {len(self.selected)}"


def ids_of(items: Iterable[Any]) -> frozenset[Any]:
    """Every id an item carries: a session with its kernels, a kernel with its session, a route, a
    deployment, or a scaling group's name."""
    found: set[Any] = set()
    for item in items:
        if isinstance(item, str):
            found.add(item)
            continue
        info = getattr(item, "session_info", None)
        if info is not None:  # SessionWithKernels
            found.add(info.identity.id)
            found.update(k.id for k in item.kernel_infos)
            continue
        identity = getattr(item, "identity", None)
        if identity is not None:  # SessionInfo
            found.add(identity.id)
            continue
        deployment = getattr(item, "deployment_info", None)
        if deployment is not None:  # DeploymentWithHistory
            found.add(deployment.id)
            continue
        route_id = getattr(item, "route_id", None)
        if route_id is not None:  # RouteData
            found.add(route_id)
            continue
        kernel_id = getattr(item, "id", None)
        if kernel_id is not None:  # KernelInfo
            found.add(kernel_id)
            session = getattr(getattr(item, "session", None), "session_id", None)
            if session is not None:
                found.add(session)
    return frozenset(found)


class RecordsSelections:
    """Mixed into a real repository: each selection method's answer is kept (``selections``)."""

    selections: list[Selection]

    def _selected(self, query: str, items: Iterable[Any]) -> None:
        if not hasattr(self, "selections"):
            self.selections = []
        self.selections.append(Selection(query, ids_of(items)))


class SchedulerSelections(RecordsSelections):
    """For ``SchedulerRepository``: scaling (resource) groups, sessions and kernels the coordinator selects."""

    async def get_schedulable_scaling_groups(self) -> list[str]:
        found = await super().get_schedulable_scaling_groups()  # type: ignore[misc]
        self._selected("schedulable scaling groups", found)
        return found

    async def get_all_scaling_groups(self) -> list[str]:  # 26.4: every cycle visits every scaling group
        found = await super().get_all_scaling_groups()  # type: ignore[misc]
        self._selected("all scaling groups", found)
        return found

    async def get_all_resource_groups(self) -> list[Any]:  # 26.9: every resource group, by id
        found = await super().get_all_resource_groups()  # type: ignore[misc]
        self._selected("all resource groups", found)
        return found

    async def get_sessions_for_handler(self, *args: Any, **kwargs: Any) -> Any:
        found = await super().get_sessions_for_handler(*args, **kwargs)  # type: ignore[misc]
        self._selected("sessions for the handler", found)
        return found

    async def search_sessions_for_handler(self, *args: Any, **kwargs: Any) -> Any:
        found = await super().search_sessions_for_handler(*args, **kwargs)  # type: ignore[misc]
        self._selected("sessions for the promotion", found)
        return found

    async def search_sessions_with_kernels_for_handler(self, *args: Any, **kwargs: Any) -> Any:
        found = await super().search_sessions_with_kernels_for_handler(*args, **kwargs)  # type: ignore[misc]
        self._selected("sessions with kernels for the handler", found)
        return found

    async def search_kernels_for_handler(self, *args: Any, **kwargs: Any) -> Any:
        found = await super().search_kernels_for_handler(*args, **kwargs)  # type: ignore[misc]
        self._selected("kernels for the handler", found.items)
        return found


class DeploymentSelections(RecordsSelections):
    """For ``DeploymentRepository``: deployments and routes the coordinators select."""

    async def get_deployments_for_handler(self, *args: Any, **kwargs: Any) -> Any:
        found = await super().get_deployments_for_handler(*args, **kwargs)  # type: ignore[misc]
        self._selected("deployments for the handler", found)
        return found

    async def get_routes_by_statuses(self, *args: Any, **kwargs: Any) -> Any:
        found = await super().get_routes_by_statuses(*args, **kwargs)  # type: ignore[misc]
        self._selected("routes for the handler", found)
        return found


@dataclass(frozen=True)
class Took:
    """A handler that was given some subjects, and how it reported each."""

    handler: str
    given: frozenset[Any]
    reported: Any  # subject id -> how it was reported ("a success", ...) or None


def handled(
    what: str,
    took: list[Took],
    selections: list[Selection],
    subject: Any,
    name: str,
    error: BaseException | None = None,
    idle_stated: bool = False,
) -> str:
    """How ``what`` (a cycle, a handler run) dealt with ``subject``, named ``name`` in the scenario:
    given to a handler that returned, or selected, or looked for and not selected. An
    AssertionError when there is no such evidence: nothing was looked for, or the run ended with an
    error no Then step has stated. A cycle a Then step has stated did nothing, as nothing
    requested it, is evidence too."""
    from support.engine import swallowed

    if error is not None:
        stated = any(entry.stated and str(error) in entry.message for entry in swallowed.current().entries)
        assert stated, f"{what} ended with {error!r}, which no Then step states: it did not finish with {name}"
    if idle_stated and not took and not selections:
        return f"{what} did nothing, as a Then step states: nothing had requested it"
    for run in took:
        if subject in run.given:
            how = run.reported(subject)
            verdict = f"reported it as {how}" if how else "did not report it"
            return f"{what}: the {run.handler} handler was given {name} and {verdict}"
    if not selections and error is not None:
        return f"{what} ended with the stated error {error!r} before it selected anything"
    if not selections:
        raise AssertionError(f"{what} looked for nothing, so it is no evidence about {name} (did it run at all?)")
    for selection in selections:
        if subject in selection.selected:
            ending = f"and ended with the stated error {error!r}" if error is not None else "and processed it"
            return f"{what}: {selection.query} selected {name} {ending}"
    return f"{what}: {selections[-1].query} ran and did not select {name}"
