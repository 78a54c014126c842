"""The end-to-end serving tier of 26.4.16, not bound yet (the route tier is: serving_world.py).

26.4.4 replaced the deployment handlers the 26.3 binding drives (check-pending, scaling, reconcile)
with deploying sub-steps and replica groups, and gave routes a health status beside their lifecycle.
Until this binding reaches them, the serving scenarios are declared unbound in
releases/26.4.16/verdicts/ and skipped with that reason; these names exist so that the step
libraries import, and refuse to be used.
"""

from __future__ import annotations

from typing import Any, NoReturn

from support.bindings.gen_26_3.serving_world import client_pool_for_the_run  # unchanged in 26.4.16

WHY = "the 26.4 binding does not reach 26.4.16's deployment and route code yet"


def _unbound(*_: Any, **__: Any) -> NoReturn:
    raise NotImplementedError(WHY)


class _Unbound:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _unbound()


class ServingEndToEndWorld(_Unbound):
    pass


__all__ = ["ServingEndToEndWorld", "client_pool_for_the_run"]
