"""The one place where the BEP's state names meet 26.3.3's.

BEP-1033 §4 and §5 speak of deployment and route states some of which the code does not have.
Scenarios keep the BEP's words; the steps bind every word through the tables below, and the
traceability report prints the same tables, so a reader sees each binding exactly once.

A word with no code state (``code is None``) can still be *expected* by a Then step: it fails,
saying which state 26.3.3 reached instead. It can never be *arranged* by a Given step.
"""

from __future__ import annotations

import functools
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

    def matches(self, actual: Any) -> bool:
        """Whether ``actual`` (what ``ServingWorld.route_code`` read, or a lifecycle) is this state."""
        return self.code is not None and actual == self.code

    @property
    def recorded(self) -> str | None:
        """The state's name as a history record stores it."""
        return None if self.code is None else self.code.name

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


@functools.cache
def route_states() -> dict[str, StateWord[RouteStatus]]:
    """BEP word -> StateWord for routes (built on first use: its states are 26.3.3's own, which a
    later release's binding, importing this module for ``StateWord``, does not have)."""
    return {
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


def tables() -> dict[str, dict[str, StateWord[Any]]]:
    return {"deployment": DEPLOYMENT_STATES, "route": route_states()}


def deployment_state(word: str) -> StateWord[EndpointLifecycle]:
    return _lookup(DEPLOYMENT_STATES, "deployment", word)


def route_state(word: str) -> StateWord[RouteStatus]:
    return _lookup(route_states(), "route", word)


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
    return [w for table in tables().values() for w in table.values() if w.code is None or w.code.name != w.word]


def termination_reason(word: str) -> str:
    """The status info a session is left with when it is terminated for the reason ``word`` (26.3.3
    stores the reason a caller gives as it is)."""
    return word
