"""The suite's pytest configuration: its plugins and the step libraries every feature can use."""

import gc
import sys

# Compiled modules are kept (in __pycache__/, ignored by git) even where the environment sets
# PYTHONDONTWRITEBYTECODE, as some shells and containers do: otherwise every run compiles Backend.AI,
# SQLAlchemy and the rest of what the step libraries import from source again, some 10 s of a run
# (measured: 13 s of CPU on a cold run against 3 s with the compiled files). From here on, that is
# every module the step libraries import; pytest's own plugins were imported before this file.
sys.dont_write_bytecode = False

pytest_plugins = [
    "support.bdd",  # the scenario event loop behind async steps
    "support.plugin",  # BEP checks, divergence markers, Allure labels, outcomes
    "support.database.fixtures",  # the PostgreSQL server and a fresh database per scenario
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
    of the garbage collector's sight, it is no longer traversed by every full collection, each of
    which took about 0.3 s (2 s of a run, measured with gc.callbacks); garbage made later is
    collected as before."""
    gc.freeze()

