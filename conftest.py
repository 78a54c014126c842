"""The suite's pytest configuration: its plugins and the step libraries every feature can use."""

import compileall
import gc
import importlib.machinery
import sys

from support.engine.releases import UnsupportedRelease

# Compiled modules are kept (in __pycache__/, ignored by git) even where the environment sets
# PYTHONDONTWRITEBYTECODE, as some shells and containers do: otherwise every run compiles Backend.AI,
# SQLAlchemy, pytest and the rest from source again, some 10 s of CPU in every run. From here on,
# Python keeps what the step libraries import; what was imported before this file (pytest and its
# plugins, some 2 s to compile) is compiled and kept here, for the next run.
sys.dont_write_bytecode = False
for _module in list(sys.modules.values()):
    _spec = getattr(_module, "__spec__", None)
    if _spec is not None and _spec.has_location and isinstance(_spec.loader, importlib.machinery.SourceFileLoader):
        compileall.compile_file(_spec.origin, quiet=2)  # a no-op when its compiled file is current

try:
    from support.binding import PLUGINS
except UnsupportedRelease as unsupported:  # a version no binding knows: say so, without a traceback
    raise SystemExit(f"ERROR: {unsupported}") from None

pytest_plugins = [
    "support.engine.bdd",  # the scenario event loop behind async steps
    "support.engine.plugin",  # BEP checks, divergence markers, Allure labels, outcomes
    *PLUGINS,  # the release's binding: the PostgreSQL server and a fresh database per scenario
    "step_defs.steps.scheduler",
    "step_defs.steps.agents",
    "step_defs.steps.sessions",
    "step_defs.steps.kernels",
    "step_defs.steps.policies",
    "step_defs.steps.results",
    "step_defs.steps.scheduling",
    "step_defs.steps.priorities",
    # database tier (real coordinator and repository on PostgreSQL)
    "step_defs.steps.cycles",
    "step_defs.steps.session_state",
    "step_defs.steps.history",
    "step_defs.steps.events",
    "step_defs.steps.kernel_events",
    "step_defs.steps.resources",
    "step_defs.steps.endpoints",
    "step_defs.steps.logs",
    "step_defs.steps.failures",
    "step_defs.steps.locks",
    # deployment and route coordinators (database tier)
    "step_defs.steps.deployments",
    "step_defs.steps.routes",
    "step_defs.steps.serving",
    "step_defs.steps.app_proxy",
    "step_defs.steps.route_health",
    "step_defs.steps.service_discovery",
    # end-to-end: a simulated agent fleet, users, time passing
    "step_defs.steps.users",
    "step_defs.steps.fleet",
    "step_defs.steps.invariants",
    "step_defs.steps.model_serving",
]


def pytest_collection_finish(session) -> None:
    """What importing Backend.AI and collecting the scenarios left in memory (some 330,000 objects:
    modules, classes, SQLAlchemy's tables, the parsed features) lives as long as the run. Moved out
    of the garbage collector's sight, it is no longer traversed by every full collection (measured
    with gc.callbacks: 0.29 s each before, 0.12 s after); garbage made later is collected as before."""
    gc.freeze()
