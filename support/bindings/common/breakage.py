"""Breaking the code under test on purpose: every Sokovan handler, or one, raises at entry.

A pytest plugin, loaded only by the standing check (``python -m support.engine.break_check``, ``make
break-check``): with ``--break-handler=NAME`` the handler called NAME (``handler.name()``, or a
promotion spec's name) raises ``HandlerBroken`` as soon as it is called; with ``--break-handler=all``
every one does. ``--when-handlers=PATH`` writes, for each collected scenario, the handlers its When
steps run, read from the sentences ("the X handler runs", "a X cycle runs", "the X promotion runs").

A scenario whose When step runs a handler must not pass while that handler is broken: if it
does, its Then steps did not depend on the handler's work.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest

WHEN_RUNS = [
    re.compile(r"^the (?P<name>[a-z-]+) (?:handler|promotion) runs"),
    re.compile(r"^an? (?P<name>[a-z-]+) cycle runs"),
    re.compile(r"^two (?P<name>[a-z-]+) cycles run"),
]


class HandlerBroken(RuntimeError):
    """Raised by a handler the standing check broke."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bep-breakage")
    group.addoption("--break-handler", metavar="NAME", help="make the handler NAME (or 'all') raise at entry")
    group.addoption("--when-handlers", metavar="PATH", help="write each scenario's When-step handlers to PATH")


def handlers_run_by(steps: list[Any]) -> set[str]:
    names = set()
    for step in steps:
        if step.type != "when":
            continue
        for pattern in WHEN_RUNS:
            match = pattern.match(step.name)
            if match:
                names.add(match["name"])
    return names


def _handler_classes() -> list[type[Any]]:
    from ai.backend.manager.sokovan.deployment.coordinator import DeploymentCoordinator  # noqa: F401 - imports the handlers
    from ai.backend.manager.sokovan.deployment.handlers.base import DeploymentHandler
    from ai.backend.manager.sokovan.deployment.route.coordinator import RouteCoordinator  # noqa: F401
    from ai.backend.manager.sokovan.deployment.route.handlers.base import RouteHandler
    from ai.backend.manager.sokovan.scheduler.factory import create_coordinator_handlers  # noqa: F401
    from ai.backend.manager.sokovan.scheduler.handlers.base import SessionLifecycleHandler
    from ai.backend.manager.sokovan.scheduler.handlers.kernel.base import KernelLifecycleHandler

    found: list[type[Any]] = []
    todo: list[type[Any]] = [SessionLifecycleHandler, KernelLifecycleHandler, DeploymentHandler, RouteHandler]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("ai.backend.") and sub not in found:
                found.append(sub)
                todo.append(sub)
    return found


def _break(target: str) -> None:
    def broken(original: Any, name_of: Any) -> Any:
        @functools.wraps(original)
        async def execute(self: Any, *args: Any, **kwargs: Any) -> Any:
            name = name_of(self, *args)
            if target in ("all", name):
                raise HandlerBroken(f"{name} is broken on purpose (standing check)")
            return await original(self, *args, **kwargs)

        return execute

    for cls in _handler_classes():
        if "execute" in cls.__dict__:
            cls.execute = broken(cls.__dict__["execute"], lambda self, *_: self.name())

    from ai.backend.manager.sokovan.scheduler.coordinator import ScheduleCoordinator

    # One promotion step per scaling group (26.3, 26.4), per resource group from 26.9 on.
    for method in ("_process_promotion_scaling_group", "_process_promotion_resource_group"):
        step = getattr(ScheduleCoordinator, method, None)
        if step is not None:
            # Broken on purpose: the standing check replaces the method of the code under test.
            setattr(ScheduleCoordinator, method, broken(step, lambda self, spec, *_: spec.name))


def pytest_configure(config: pytest.Config) -> None:
    target = config.getoption("--break-handler")
    if target:
        _break(target)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    path = config.getoption("--when-handlers")
    if not path:
        return
    from pytest_bdd.scenario import scenario_wrapper_template_registry

    mapping = {}
    for item in items:
        function = getattr(item, "function", None)
        template = None if function is None else scenario_wrapper_template_registry.get(function)
        if template is None:
            continue
        example = item.callspec.params.get("_pytest_bdd_example", {}) if hasattr(item, "callspec") else {}
        mapping[item.nodeid] = sorted(handlers_run_by(template.render(example).steps))
    Path(path).write_text(json.dumps(mapping, indent=1))
