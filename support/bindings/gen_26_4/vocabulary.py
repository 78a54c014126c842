"""The one place where the BEP's state names meet 26.4.16's.

26.4.16 gives a route three axes where 26.3.3 had one status: a lifecycle (``RouteStatus``:
PROVISIONING, RUNNING, TERMINATING, TERMINATED, FAILED_TO_START), a sub-status inside PROVISIONING
and TERMINATING (``RouteSubStatus``: PENDING, STARTING, WARMING_UP; DRAINING, COOLING_DOWN) and a
health status (``RouteHealthStatus``: NOT_CHECKED, HEALTHY, UNHEALTHY, DEGRADED). A BEP route word
is therefore bound to a *pattern* over the three (``RouteCode``): what a Given step arranges, and
which combinations a Then step accepts as that word. Deployment words keep 26.3.3's table
(``EndpointLifecycle`` is unchanged apart from never producing CREATED and SCALING).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ai.backend.common.data.endpoint.types import EndpointLifecycle
from ai.backend.manager.data.deployment.types import (
    RouteHealthStatus,
    RouteStatus,
    RouteSubStatus,
    RouteTrafficStatus,
)

from support.bindings.gen_26_3 import vocabulary as v26_3
from support.engine import releases

RELEASE = releases.current().version  # 26.4.16, or a later release that keeps its states (26.9.6)


@dataclass(frozen=True)
class RouteCode:
    """A route's state on 26.4.16's three axes (and its traffic status, which a Given arranges)."""

    status: RouteStatus
    sub_status: RouteSubStatus | None = None
    health: RouteHealthStatus = RouteHealthStatus.NOT_CHECKED
    traffic: RouteTrafficStatus = RouteTrafficStatus.INACTIVE

    @property
    def name(self) -> str:
        parts = [self.status.name]
        if self.sub_status is not None:
            parts.append(self.sub_status.name)
        parts.append(f"health {self.health.name}")
        return "/".join(parts[:-1]) + f" ({parts[-1]})"


@dataclass(frozen=True)
class RoutePattern:
    """Which route states a word accepts (None: any), and the one it arranges."""

    arrange: RouteCode
    status: RouteStatus
    sub_statuses: frozenset[RouteSubStatus] | None = None
    healths: frozenset[RouteHealthStatus] | None = None

    @property
    def name(self) -> str:
        return self.status.name  # what the route history records (the lifecycle only)

    def accepts(self, actual: RouteCode) -> bool:
        return (
            actual.status == self.status
            and (self.sub_statuses is None or actual.sub_status in self.sub_statuses)
            and (self.healths is None or actual.health in self.healths)
        )


@dataclass(frozen=True)
class StateWord[S](v26_3.StateWord[Any]):
    """A state as a scenario names it, and the 26.4.16 state (or route pattern) it stands for."""

    def matches(self, actual: Any) -> bool:
        if isinstance(self.code, RoutePattern):
            return self.code.accepts(actual)
        return self.code is not None and actual == self.code

    @property
    def recorded(self) -> str | None:
        return None if self.code is None else self.code.name

    def __str__(self) -> str:
        if self.code is None:
            return f"{self.word} (no such {self.kind} state in {RELEASE})"
        if isinstance(self.code, RoutePattern):
            return f"{self.word} ({RELEASE}: {self.note})"
        if self.code.name == self.word:
            return self.word
        return f"{self.word} ({RELEASE}: {self.code.name})"


def _word(kind: str, word: str, code: Any, note: str = "") -> StateWord[Any]:
    return StateWord(kind, word, code, note)


_P, _R, _T = RouteStatus.PROVISIONING, RouteStatus.RUNNING, RouteStatus.TERMINATING
_S = RouteSubStatus
_H = RouteHealthStatus
_ACTIVE = RouteTrafficStatus.ACTIVE


def _pattern(
    arrange: RouteCode, subs: set[RouteSubStatus] | None = None, healths: set[RouteHealthStatus] | None = None
) -> RoutePattern:
    return RoutePattern(
        arrange,
        arrange.status,
        None if subs is None else frozenset(subs),
        None if healths is None else frozenset(healths),
    )


DEPLOYMENT_STATES: dict[str, StateWord[EndpointLifecycle]] = {
    word.word: _word("deployment", word.word, word.code, word.note) for word in v26_3.DEPLOYMENT_STATES.values()
}
DEPLOYMENT_STATES["PROVISIONING"] = _word(
    "deployment",
    "PROVISIONING",
    None,
    "EndpointLifecycle has no PROVISIONING; a new revision is rolled out in DEPLOYING (sub-steps)",
)
DEPLOYMENT_STATES["FAILED"] = _word(
    "deployment",
    "FAILED",
    None,
    "EndpointLifecycle has no FAILED; a deployment whose first revision gives up rolls back into DESTROYING",
)

ROUTE_STATES: dict[str, StateWord[Any]] = {
    "PROVISIONING": _word(
        "route",
        "PROVISIONING",
        _pattern(RouteCode(_P, _S.PENDING), {_S.PENDING, _S.STARTING}),
        "PROVISIONING/PENDING or STARTING: no session yet, or its session is not serving yet",
    ),
    "HEALTH_CHECKING": _word(
        "route",
        "HEALTH_CHECKING",
        _pattern(RouteCode(_P, _S.WARMING_UP), {_S.WARMING_UP}),
        "PROVISIONING/WARMING_UP: its session serves, its first probe has not passed",
    ),
    "RUNNING": _word(
        "route",
        "RUNNING",
        _pattern(RouteCode(_R, None, _H.HEALTHY, _ACTIVE), healths={_H.HEALTHY}),
        "lifecycle RUNNING with health HEALTHY",
    ),
    "UNHEALTHY": _word(
        "route",
        "UNHEALTHY",
        _pattern(RouteCode(_R, None, _H.UNHEALTHY, _ACTIVE), healths={_H.UNHEALTHY}),
        "lifecycle RUNNING with health UNHEALTHY",
    ),
    "TERMINATING": _word(
        "route",
        "TERMINATING",
        _pattern(RouteCode(_T, _S.COOLING_DOWN), {_S.DRAINING, _S.COOLING_DOWN}),
        "TERMINATING (DRAINING, then COOLING_DOWN); arranged as COOLING_DOWN, already out of the app proxy",
    ),
    "TERMINATED": _word("route", "TERMINATED", _pattern(RouteCode(RouteStatus.TERMINATED)), "TERMINATED"),
    "FAILED": _word(
        "route",
        "FAILED",
        _pattern(RouteCode(RouteStatus.FAILED_TO_START)),
        "FAILED_TO_START, set only when a route's session cannot be requested",
    ),
    "FAILED_TO_START": _word(
        "route", "FAILED_TO_START", _pattern(RouteCode(RouteStatus.FAILED_TO_START)), "FAILED_TO_START"
    ),
    "EVICTING": _word(
        "route", "EVICTING", None, "RouteStatus has no EVICTING; eviction moves a route to TERMINATING/DRAINING"
    ),
    # 26.3.3's own names, which some as-implemented companions use: health is an axis of its own now,
    # so each is a RUNNING route with that health (a route history records the lifecycle, RUNNING).
    "HEALTHY": _word(
        "route",
        "HEALTHY",
        _pattern(RouteCode(_R, None, _H.HEALTHY, _ACTIVE), healths={_H.HEALTHY}),
        "lifecycle RUNNING with health HEALTHY",
    ),
    "DEGRADED": _word(
        "route",
        "DEGRADED",
        _pattern(RouteCode(_R, None, _H.DEGRADED, _ACTIVE), healths={_H.DEGRADED}),
        "lifecycle RUNNING with health DEGRADED: its replica has not been probed within the health record's TTL",
    ),
}

TABLES: dict[str, dict[str, StateWord[Any]]] = {"deployment": DEPLOYMENT_STATES, "route": ROUTE_STATES}


def deployment_state(word: str) -> StateWord[EndpointLifecycle]:
    return _lookup(DEPLOYMENT_STATES, "deployment", word)


def route_state(word: str) -> StateWord[Any]:
    return _lookup(ROUTE_STATES, "route", word)


def _lookup(table: dict[str, StateWord[Any]], kind: str, word: str) -> StateWord[Any]:
    try:
        return table[word]
    except KeyError:
        raise ValueError(f"{word!r} is neither a BEP {kind} state nor a {RELEASE} one: {', '.join(table)}") from None


def code_state(word: StateWord[Any]) -> Any:
    """What a Given step arranges: a lifecycle, or a route's ``RouteCode``."""
    if word.code is None:
        raise ValueError(f"cannot arrange a {word.kind} in {word}: {word.note}")
    return word.code.arrange if isinstance(word.code, RoutePattern) else word.code


def active_route_statuses() -> frozenset[RouteStatus]:
    """The route lifecycles that count as a replica of their deployment (26.4.16's active set)."""
    return frozenset({RouteStatus.PROVISIONING, RouteStatus.RUNNING})


def explicit_bindings() -> list[StateWord[Any]]:
    return [
        w
        for table in TABLES.values()
        for w in table.values()
        if w.code is None or isinstance(w.code, RoutePattern) or w.code.name != w.word
    ]


def termination_reason(word: str) -> str:
    """The status info a session is left with when it is terminated for the reason ``word``: 26.4.16's
    callers name a ``KernelLifecycleEventReason`` member (ROUTE_TERMINATION), stored by its value
    ("route-termination"); other words are stored as they are."""
    from ai.backend.common.events.event_types.kernel.types import KernelLifecycleEventReason

    member = KernelLifecycleEventReason.__members__.get(word)
    return word if member is None else member.value
