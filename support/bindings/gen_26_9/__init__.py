"""The binding of the 26.9 generation (backend.ai-manager 26.9.6).

26.8 and 26.9 rewrote the scheduler's data layer (views.sokovan, project and resource-group models,
handlers keyed by ResourceGroupID, searchers, SchedulingData from a system snapshot) and added
preemption; the deployment and route coordinators are 26.4's. This package reuses the earlier
generations' bindings where 26.9.6 kept their interfaces, and replaces the rest.
"""
