"""The suite's step decorators: pytest-bdd's ``given``/``when``/``then`` that also accept coroutines.

pytest-bdd 9 calls step functions synchronously; an ``async def`` step registered with its plain
decorators returns an un-awaited coroutine and passes without running its body. The decorators here
wrap a coroutine function so that it runs to completion on the event loop of the current scenario:
the function-scoped loop pytest-asyncio creates for the test, which async fixtures share.

Every step library imports ``given``, ``when``, ``then`` and ``parsers`` from here. The plugin in
``support.engine.plugin`` rejects, at collection, any step registered as a bare coroutine function.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
from collections.abc import Callable, Coroutine, Iterable
from pathlib import Path
from typing import Any

import _pytest
import pluggy
import pytest
import pytest_asyncio
import pytest_bdd
from pytest_bdd import parsers
from pytest_bdd.compat import get_fixture_names, getfixturedefs
from pytest_bdd.steps import step_function_context_registry

__all__ = ["given", "parsers", "scenario_loop", "then", "when"]

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
    __tracebackhide__ = True
    if _current_loop is None:
        coro.close()
        raise RuntimeError("no scenario event loop: the `scenario_loop` fixture is not active")
    return _current_loop.run_until_complete(coro)


def _synchronous[F: Callable[..., Any]](fn: F) -> F:
    if not inspect.iscoroutinefunction(fn):
        return fn

    @functools.wraps(fn)
    def runner(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        return run_on_scenario_loop(fn(*args, **kwargs))

    # pytest reads the parameters from the signature; keep the coroutine's own.
    runner.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]
    del runner.__wrapped__  # so no tool mistakes the wrapper for the coroutine function
    return runner  # type: ignore[return-value]


def _coroutine_aware[F: Callable[..., Any]](
    register_step: Callable[..., Callable[[F], F]],
) -> Callable[..., Callable[[F], F]]:
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
            register_step(name, converters=converters, target_fixture=target_fixture, stacklevel=stacklevel + 1)(
                _synchronous(fn)
            )
            return fn

        return decorate

    return step


given = _coroutine_aware(pytest_bdd.given)
when = _coroutine_aware(pytest_bdd.when)
then = _coroutine_aware(pytest_bdd.then)


# --------------------------------------------------------------------------------------------
# Finding a step's definition: once per step text, not once per step run
# --------------------------------------------------------------------------------------------
# pytest-bdd finds the definitions that match a step by asking pytest, for every fixture name the
# session has (some two hundred), which definitions the scenario can see, and trying each step
# parser on the step's text; it does so for every step of every scenario it runs, and
# support.engine.plugin does it once more at collection to reject unmatched and ambiguous steps. That
# was a fifth of the suite's time. The definitions a scenario can see are those of its module
# (every step library is a plugin, visible everywhere), and they do not change once collection is
# over, so they are listed once per module, in pytest-bdd's order, and the answer for a step's
# type and text is kept. Definitions registered later (a new step library) start a new listing.

_visible: dict[tuple[int, int, int], list[tuple[Any, Any]]] = {}
_matching: dict[tuple[int, int, int, str | None, str], list[Any]] = {}


def _scope_of(node: Any) -> Any:
    """The node whose fixtures a scenario sees: its module (a test item's own registrations are
    target fixtures and pytest-bdd's temporary injections, never step definitions)."""
    return node.parent if isinstance(node, pytest.Item) and node.parent is not None else node


def find_fixturedefs_for_step(step: Any, fixturemanager: Any, node: Any) -> Iterable[Any]:
    """What pytest_bdd.scenario.find_fixturedefs_for_step yields, listed once per module and
    remembered per step type and text."""
    scope = _scope_of(node)
    key = (id(fixturemanager), id(scope), len(step_function_context_registry))
    visible = _visible.get(key)
    if visible is None:
        visible = []
        for fixturename in get_fixture_names(fixturemanager=fixturemanager):
            for fixturedef in getfixturedefs(fixturemanager, fixturename, scope) or []:
                context = step_function_context_registry.get(fixturedef.func)
                if context is not None:
                    visible.append((fixturedef, context))
        _visible[key] = visible
    match_key = (*key, step.type, step.name)
    found = _matching.get(match_key)
    if found is None:
        found = [
            fixturedef
            for fixturedef, context in visible
            if (context.type is None or context.type == step.type) and context.parser.is_matching(step.name)
        ]
        _matching[match_key] = found
    return list(found)


# (The module itself: the package's attribute ``pytest_bdd.scenario`` is its ``scenario`` function.)
# Replaced on purpose; mypy sees a bare ModuleType.
importlib.import_module("pytest_bdd.scenario").find_fixturedefs_for_step = find_fixturedefs_for_step  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# Failure reports without pytest's own frames
# --------------------------------------------------------------------------------------------
# A step runs inside pytest's ``call_fixture_func``, and an async step inside the event loop's
# ``run_until_complete`` (run_on_scenario_loop); pytest keeps those frames in the traceback it
# formats for every failed (and expected-to-fail) scenario, and formatting one parses the syntax
# tree of its file anew each time (_pytest/fixtures.py, asyncio/base_events.py): 50-70 ms per
# scenario for lines nobody reads. The exception itself, and its raw traceback (what Allure
# records), are untouched.

_INTERNAL = (Path(_pytest.__file__).parent, Path(pluggy.__file__).parent)
_LOOP_FILE = Path(asyncio.base_events.__file__)


def _outside_pytest(entry: Any) -> bool:
    path = Path(entry.path)
    if path == _LOOP_FILE and entry.name == "run_until_complete":
        return False
    return not any(directory in path.parents for directory in _INTERNAL)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> None:
    excinfo = call.excinfo
    if excinfo is None or item.config.getoption("fulltrace", False):
        return
    # Without the frames pytest hides anyway (``__tracebackhide__``, as pytest-bdd's are), so that
    # pytest does not cut the traceback back to its full length at the scenario's wrapper.
    trimmed = excinfo.traceback.filter(excinfo).filter(_outside_pytest)
    if trimmed:
        excinfo.traceback = trimmed
