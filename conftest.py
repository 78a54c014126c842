"""The suite's pytest configuration: its plugins and the step libraries every feature can use."""

pytest_plugins = [
    "support.bdd",  # the scenario event loop behind async steps
    "support.plugin",  # BEP checks, divergence markers, Allure labels, outcomes
    "step_defs.steps.scheduler",
    "step_defs.steps.agents",
    "step_defs.steps.sessions",
    "step_defs.steps.kernels",
    "step_defs.steps.policies",
    "step_defs.steps.results",
    "step_defs.steps.scheduling",
    "step_defs.steps.priorities",
]
