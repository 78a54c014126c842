"""Errors the code under test swallowed during a scenario, and which of them a Then step stated.

Backend.AI's coordinators catch what a handler, an executor or a scaling group raises and only log
it; the worlds keep the exception a cycle ended with for the Then steps. Either way, the scenario
would go on and could pass although the code it names never did its work. So every scenario keeps
a ledger:

* every record that a logger under ``ai.backend`` emits at ERROR or above (``log.error``,
  ``log.exception``) is entered;
* a world enters each exception it catches instead of raising (``keep``): a cycle that ended with
  an error, an agent report whose handler raised;
* a Then step that states an error marks the entries it speaks of (``state``).

When the scenario's steps have all run, any entry no Then step stated fails the scenario, naming it
(``support.engine.plugin``). The failure is not an ``AssertionError``, so a declared divergence that swallowed
an error does not count as failing "as declared".
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

WATCHED_LOGGER = "ai.backend"


@dataclass
class Swallowed:
    where: str  # the logger, or what the world was doing
    message: str
    stated: bool = False

    def __str__(self) -> str:
        first = self.message.strip().splitlines()[0] if self.message.strip() else "(no message)"
        return f"{self.where}: {first[:300]}"


class ErrorLedger(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.entries: list[Swallowed] = []

    # -- entering -------------------------------------------------------------------------------

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a badly formatted record is still an error record
            message = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            message = f"{message} ({record.exc_info[1]!r})"
        self.entries.append(Swallowed(record.name, message))

    def keep(self, error: BaseException, where: str) -> None:
        self.entries.append(Swallowed(where, f"{type(error).__name__}: {error}"))

    # -- stating ---------------------------------------------------------------------------------

    def state(self, matches: Callable[[Swallowed], bool] | str = "") -> list[Swallowed]:
        """Mark the entries a Then step speaks of: those whose message contains ``matches`` (a
        string), or for which it returns true (a predicate). Returns them."""
        test = matches if callable(matches) else (lambda entry: matches in entry.message)
        found = [entry for entry in self.entries if test(entry)]
        for entry in found:
            entry.stated = True
        return found

    def unstated(self) -> list[Swallowed]:
        return [entry for entry in self.entries if not entry.stated]


_current: ErrorLedger | None = None


def current() -> ErrorLedger:
    if _current is None:
        raise RuntimeError("no scenario is running: the error ledger exists only during a scenario")
    return _current


def keep(error: BaseException, where: str) -> None:
    """Enter an exception a world caught instead of raising (outside a scenario, it is dropped)."""
    if _current is not None:
        _current.keep(error, where)


@contextmanager
def ledger() -> Iterator[ErrorLedger]:
    global _current
    kept = ErrorLedger()
    watched = logging.getLogger(WATCHED_LOGGER)
    watched.addHandler(kept)
    _current = kept
    try:
        yield kept
    finally:
        _current = None
        watched.removeHandler(kept)
