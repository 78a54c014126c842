"""The suite's step decorators: pytest-bdd's ``given``/``when``/``then`` that also accept coroutines.

pytest-bdd 9 calls step functions synchronously; an ``async def`` step registered with its plain
decorators returns an un-awaited coroutine and passes without running its body. The decorators here
wrap a coroutine function so that it runs to completion on the event loop of the current scenario:
the function-scoped loop pytest-asyncio creates for the test, which async fixtures share.

Every step library imports ``given``, ``when``, ``then`` and ``parsers`` from here. The plugin in
``support.plugin`` rejects, at collection, any step registered as a bare coroutine function.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest_asyncio
import pytest_bdd
from pytest_bdd import parsers

__all__ = ["given", "when", "then", "parsers", "scenario_loop"]

F = TypeVar("F", bound=Callable[..., Any])

_current_loop: asyncio.AbstractEventLoop | None = None


@pytest_asyncio.fixture(autouse=True)
async def scenario_loop():
    """Expose the scenario's event loop to the synchronous step wrappers."""
    global _current_loop
    _current_loop = asyncio.get_running_loop()
    try:
        yield _current_loop
    finally:
        _current_loop = None


def run_on_scenario_loop(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine to completion on the current scenario's loop (from synchronous code)."""
    if _current_loop is None:
        coro.close()
        raise RuntimeError("no scenario event loop: the `scenario_loop` fixture is not active")
    return _current_loop.run_until_complete(coro)


def _synchronous(fn: F) -> F:
    if not inspect.iscoroutinefunction(fn):
        return fn

    @functools.wraps(fn)
    def runner(*args: Any, **kwargs: Any) -> Any:
        return run_on_scenario_loop(fn(*args, **kwargs))

    # pytest reads the parameters from the signature; keep the coroutine's own.
    runner.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]
    del runner.__wrapped__  # so no tool mistakes the wrapper for the coroutine function
    return runner  # type: ignore[return-value]


def _coroutine_aware(register_step: Callable[..., Callable[[F], F]]) -> Callable[..., Callable[[F], F]]:
    def step(
        name: str | parsers.StepParser,
        *,
        converters: dict[str, Callable[[str], object]] | None = None,
        target_fixture: str | None = None,
        stacklevel: int = 1,
    ) -> Callable[[F], F]:
        def decorate(fn: F) -> F:
            # pytest-bdd registers the step fixture in the module that applies the decorator:
            # one frame above this function.
            register_step(
                name, converters=converters, target_fixture=target_fixture, stacklevel=stacklevel + 1
            )(_synchronous(fn))
            return fn

        return decorate

    return step


given = _coroutine_aware(pytest_bdd.given)
when = _coroutine_aware(pytest_bdd.when)
then = _coroutine_aware(pytest_bdd.then)
