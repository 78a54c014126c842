"""Placeholders for the parts of 26.9.6 the binding does not reach yet: they let the step libraries
import, and refuse to be used (the scenarios that need them are declared unbound in
releases/26.9.6/verdicts/ and skipped with that reason)."""

from __future__ import annotations

from typing import Any, NoReturn

WHY = "the 26.9 binding does not reach this part of backend.ai-manager 26.9.6 yet"


def _refuse(name: str) -> NoReturn:
    raise NotImplementedError(f"{name}: {WHY}")


def placeholder(name: str) -> Any:
    """A class for a capitalised name (usable in annotations), else a function; both refuse."""
    if name == "explicit_bindings":
        return list
    if name[0].isupper() and not name.isupper():
        return type(name, (), {"__init__": lambda self, *a, **k: _refuse(name)})
    return lambda *a, **k: _refuse(name)
