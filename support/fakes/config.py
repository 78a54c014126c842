"""The configuration boundary (etcd and TOML files): a provider holding a fixed, real config."""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Mapping
from typing import Any

from ai.backend.common.types import SlotName, SlotTypes
from ai.backend.manager.config.unified import ManagerUnifiedConfig

from .strict import StrictDouble


def default_manager_config(**overrides: Any) -> ManagerUnifiedConfig:
    """Backend.AI's own configuration model with its defaults, plus the given top-level overrides."""
    # The model prints a notice about the RPC keypair file, which does not exist here.
    with contextlib.redirect_stdout(io.StringIO()):
        return ManagerUnifiedConfig.model_validate(overrides, by_name=True)


@functools.cache
def _defaults() -> ManagerUnifiedConfig:
    return default_manager_config()


class StaticEtcdConfig(StrictDouble):
    """Stands in for ``LegacyEtcdConfigLoader``: the etcd keys the scheduler reads, fixed. The
    known resource slots are Backend.AI's intrinsic ones and the CUDA device (those the schema's
    ``resource_slot_types`` rows name); a raw key reads as unset unless put in ``raw``."""

    def __init__(self) -> None:
        self.resource_slots: dict[SlotName, SlotTypes] = {
            SlotName("cpu"): SlotTypes.COUNT,
            SlotName("mem"): SlotTypes.BYTES,
            SlotName("cuda.device"): SlotTypes.COUNT,
        }
        self.raw: dict[str, str] = {}

    async def get_resource_slots(self) -> Mapping[SlotName, SlotTypes]:
        return dict(self.resource_slots)

    async def get_raw(self, key: str) -> str | None:
        return self.raw.get(key)


class StaticConfigProvider:
    """Stands in for ``ManagerConfigProvider``: same ``config`` property, no etcd watcher."""

    def __init__(self, config: ManagerUnifiedConfig | None = None) -> None:
        self._config = config or _defaults()
        self.legacy_etcd_config_loader = StaticEtcdConfig()

    @property
    def config(self) -> ManagerUnifiedConfig:
        return self._config
