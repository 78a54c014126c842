"""The one place where the BEP's state names meet 26.3.3's.

BEP-1033 §4 and §5 speak of deployment and route states some of which the code does not have.
Scenarios keep the BEP's words; the steps bind every word through the tables below, and the
traceability report prints the same tables, so a reader sees each binding exactly once.

A word with no code state (``code is None``) can still be *expected* by a Then step: it fails,
saying which state 26.3.3 reached instead. It can never be *arranged* by a Given step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from ai.backend.common.data.endpoint.types import EndpointLifecycle
from ai.backend.manager.data.deployment.types import RouteStatus


@dataclass(frozen=True)
class StateWord[S: Enum]:
    """A state as a scenario names it, and the code state it stands for (if any)."""

    kind: str  # "deployment" or "route"
    word: str  # as written in the scenario
    code: S | None
    note: str = ""

    @property
    def bound(self) -> bool:
        return self.code is not None

    def __str__(self) -> str:
        if self.code is None:
            return f"{self.word} (no such {self.kind} state in 26.3.3)"
        if self.code.name == self.word:
            return self.word
        return f"{self.word} (26.3.3: {self.code.name})"


def _same_names[S: Enum](kind: str, states: type[S], *, skip: tuple[str, ...] = ()) -> dict[str, StateWord[S]]:
    return {s.name: StateWord(kind, s.name, s) for s in states if s.name not in skip}


# BEP word -> StateWord. Code names stand for themselves; the BEP's own words are bound explicitly.
DEPLOYMENT_STATES: dict[str, StateWord[EndpointLifecycle]] = {
    **_same_names("deployment", EndpointLifecycle),
    "PROVISIONING": StateWord(
        "deployment",
        "PROVISIONING",
        None,
        "EndpointLifecycle has no PROVISIONING; check-pending moves a deployment to SCALING",
    ),
    "FAILED": StateWord(
        "deployment",
        "FAILED",
        None,
        "EndpointLifecycle has no FAILED; a deployment that cannot be registered stays PENDING",
    ),
}

ROUTE_STATES: dict[str, StateWord[RouteStatus]] = {
    **_same_names("route", RouteStatus),
    "RUNNING": StateWord(
        "route",
        "RUNNING",
        RouteStatus.HEALTHY,
        "a route serving traffic with a passing readiness check is HEALTHY",
    ),
    "HEALTH_CHECKING": StateWord(
        "route",
        "HEALTH_CHECKING",
        RouteStatus.DEGRADED,
        "a route with a session but no health result yet is DEGRADED",
    ),
    "EVICTING": StateWord(
        "route",
        "EVICTING",
        None,
        "RouteStatus has no EVICTING; eviction moves a route straight to TERMINATING",
    ),
    "FAILED": StateWord(
        "route",
        "FAILED",
        RouteStatus.FAILED_TO_START,
        "the only failed route state; set when a route's session cannot be requested",
    ),
}

TABLES: dict[str, dict[str, StateWord[Any]]] = {"deployment": DEPLOYMENT_STATES, "route": ROUTE_STATES}


def deployment_state(word: str) -> StateWord[EndpointLifecycle]:
    return _lookup(DEPLOYMENT_STATES, "deployment", word)


def route_state(word: str) -> StateWord[RouteStatus]:
    return _lookup(ROUTE_STATES, "route", word)


def _lookup[S: Enum](table: dict[str, StateWord[S]], kind: str, word: str) -> StateWord[S]:
    try:
        return table[word]
    except KeyError:
        raise ValueError(f"{word!r} is neither a BEP {kind} state nor a 26.3.3 one: {', '.join(table)}") from None


def code_state[S: Enum](word: StateWord[S]) -> S:
    """The code state a Given step arranges; a BEP word with none cannot be arranged."""
    if word.code is None:
        raise ValueError(f"cannot arrange a {word.kind} in {word}: {word.note}")
    return word.code


def active_route_statuses() -> frozenset[RouteStatus]:
    """The route states that count as a replica of their deployment (every state before termination)."""
    return frozenset({RouteStatus.PROVISIONING, RouteStatus.HEALTHY, RouteStatus.UNHEALTHY, RouteStatus.DEGRADED})


def explicit_bindings() -> list[StateWord[Any]]:
    """The rows a reader needs: BEP words that are not simply the code's own names."""
    return [w for table in TABLES.values() for w in table.values() if w.code is None or w.code.name != w.word]
