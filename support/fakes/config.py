"""The configuration boundary (etcd and TOML files): a provider holding a fixed, real config."""

from __future__ import annotations

import contextlib
import functools
import io
from typing import Any

from ai.backend.manager.config.unified import ManagerUnifiedConfig


def default_manager_config(**overrides: Any) -> ManagerUnifiedConfig:
    """Backend.AI's own configuration model with its defaults, plus the given top-level overrides."""
    # The model prints a notice about the RPC keypair file, which does not exist here.
    with contextlib.redirect_stdout(io.StringIO()):
        return ManagerUnifiedConfig.model_validate(overrides, by_name=True)


@functools.cache
def _defaults() -> ManagerUnifiedConfig:
    return default_manager_config()


class StaticConfigProvider:
    """Stands in for ``ManagerConfigProvider``: same ``config`` property, no etcd watcher."""

    def __init__(self, config: ManagerUnifiedConfig | None = None) -> None:
        self._config = config or _defaults()

    @property
    def config(self) -> ManagerUnifiedConfig:
        return self._config
