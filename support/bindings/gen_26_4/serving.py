"""The serving side (deployments and routes) of 26.4.16, not bound yet.

26.4.4 replaced the deployment handlers the 26.3 binding drives (check-pending, scaling, reconcile)
with deploying sub-steps and replica groups, and gave routes a health status beside their lifecycle.
Until this binding reaches them, the serving scenarios are declared unbound in
releases/26.4.16/verdicts/ and skipped with that reason; these names exist so that the step
libraries import, and refuse to be used.
"""

from __future__ import annotations

from typing import Any, NoReturn

WHY = "the 26.4 binding does not reach 26.4.16's deployment and route code yet"


def _unbound(*_: Any, **__: Any) -> NoReturn:
    raise NotImplementedError(WHY)


class _Unbound:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _unbound()


class ServingWorld(_Unbound):
    pass


class ServingEndToEndWorld(_Unbound):
    pass


class DeploymentPolicyRowFactory(_Unbound):
    pass


class StateWord(_Unbound):
    pass


client_pool_for_the_run = _unbound
deployment_state = _unbound
route_state = _unbound
code_state = _unbound
active_route_statuses = _unbound


def explicit_bindings() -> list:
    return []
