"""The configuration boundary (etcd and TOML files): a provider holding a fixed, real config."""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ai.backend.common.types import SlotName, SlotTypes
from ai.backend.manager.config.unified import ManagerUnifiedConfig

from support.bindings.common.fakes.strict import StrictDouble


def default_manager_config(**overrides: Any) -> ManagerUnifiedConfig:
    """Backend.AI's own configuration model with its defaults, plus the given top-level overrides."""
    # The model prints a notice about the RPC keypair file, which does not exist here.
    with contextlib.redirect_stdout(io.StringIO()):
        return ManagerUnifiedConfig.model_validate(overrides, by_name=True)


@functools.cache
def _defaults() -> ManagerUnifiedConfig:
    return default_manager_config()


# The resource slot types the scenarios' installation knows. In 26.3.3 the scheduler reads them
# from etcd (``LegacyEtcdConfigLoader.get_resource_slots``: the intrinsic cpu and mem plus every
# slot an agent has reported in its heartbeat, under ``config/resource_slots``), not from the
# ``resource_slot_types`` table. The scenarios' agents offer CPUs, memory and CUDA GPUs. Session
# requests carry every one of these types, 0 where unused (support.bindings.gen_26_3.factories.sessions.per_kernel).
KNOWN_SLOT_TYPES: Mapping[SlotName, SlotTypes] = MappingProxyType(
    {
        SlotName("cpu"): SlotTypes.COUNT,
        SlotName("mem"): SlotTypes.BYTES,
        SlotName("cuda.device"): SlotTypes.COUNT,
    }
)


class StaticEtcdConfig(StrictDouble):
    """Stands in for ``LegacyEtcdConfigLoader``: the etcd keys the scheduler reads, fixed. The
    known resource slots are ``KNOWN_SLOT_TYPES``; the folder types are user and project (group)
    folders, as an installation's ``volumes/_types`` enables them; a raw key reads as unset unless
    put in ``raw``."""

    def __init__(self) -> None:
        self.resource_slots: dict[SlotName, SlotTypes] = dict(KNOWN_SLOT_TYPES)
        self.raw: dict[str, str] = {}
        self.vfolder_types: list[str] = ["user", "group"]

    async def get_resource_slots(self) -> Mapping[SlotName, SlotTypes]:
        return dict(self.resource_slots)

    async def get_raw(self, key: str) -> str | None:
        return self.raw.get(key)

    async def get_vfolder_types(self) -> list[str]:
        return list(self.vfolder_types)


class StaticConfigProvider:
    """Stands in for ``ManagerConfigProvider``: same ``config`` property, no etcd watcher."""

    def __init__(self, config: ManagerUnifiedConfig | None = None) -> None:
        self._config = config or _defaults()
        self.legacy_etcd_config_loader = StaticEtcdConfig()

    @property
    def config(self) -> ManagerUnifiedConfig:
        return self._config
