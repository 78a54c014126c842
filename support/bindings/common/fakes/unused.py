"""A collaborator that the wiring needs but the behaviour under test never uses."""

from __future__ import annotations

from .strict import StrictDouble


class Unused(StrictDouble):
    """Passed where a constructor wants, say, the deployment repository for the RUNNING hook.

    Every use is refused and recorded (see ``StrictDouble``), so a scenario that reaches it fails
    instead of passing on a default value.
    """

    def __init__(self, what: str) -> None:
        self._what = what

    def refused_calls(self) -> list[str]:
        return [f"{self._what}.{name}" for name in self.__dict__.get("_refusals", [])]

    def __repr__(self) -> str:
        return f"Unused({self._what})"
