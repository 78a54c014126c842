"""Doubles that refuse what they do not implement, and remember having refused it.

The scheduler swallows many exceptions (agent calls run under ``gather(return_exceptions=True)``,
the launcher turns errors into a session's error info). A double that only raised on an unknown
method could have that exception absorbed and let a scenario pass by accident, so each refusal is
also recorded; the scenario harness fails the scenario at teardown when any double refused a call.
"""

from __future__ import annotations

from typing import Any, Protocol


class NotInDouble(AttributeError):
    """An AttributeError so that ``hasattr`` probes of the real code keep working."""


class RefusesCalls(Protocol):
    """A double that can tell which calls it refused (a ``StrictDouble``, or one that keeps its own
    record)."""

    def refused_calls(self) -> list[str]: ...


class StrictDouble:
    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        refusals = self.__dict__.setdefault("_refusals", [])
        refusals.append(name)
        raise NotInDouble(
            f"{type(self).__name__} does not implement {name!r}: add it to the double if Sokovan now "
            "calls it (or run the scenario on the database tier if its outcome is decided by SQL)"
        )

    def refused_calls(self) -> list[str]:
        return [f"{type(self).__name__}.{name}" for name in self.__dict__.get("_refusals", [])]
