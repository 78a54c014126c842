"""The suite's pytest configuration: its plugins and the step libraries every feature can use."""

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
