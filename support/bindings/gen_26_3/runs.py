"""What a scenario's handler runs were given and reported, and the names the scenario uses for the
IDs the code uses: shared by the in-memory and the database tiers of every release."""

from __future__ import annotations

from dataclasses import dataclass

from ai.backend.common.types import KernelId, SessionId
from ai.backend.manager.data.kernel.types import KernelInfo
from ai.backend.manager.sokovan.scheduler.handlers import SessionLifecycleHandler
from ai.backend.manager.sokovan.scheduler.handlers.kernel import KernelLifecycleHandler
from ai.backend.manager.sokovan.scheduler.results import KernelExecutionResult, SessionExecutionResult

from support.bindings.common.moved import SessionWithKernels

Handler = SessionLifecycleHandler | KernelLifecycleHandler


@dataclass(frozen=True)
class HandlerRun:
    """What one handler run was given and what it reported."""

    handler: Handler
    given: tuple[SessionWithKernels, ...] | tuple[KernelInfo, ...]
    result: SessionExecutionResult | KernelExecutionResult

    @property
    def name(self) -> str:
        return self.handler.name()


class Names:
    """The names a scenario uses ("s1", "a1", "k1") and the IDs the code uses."""

    def __init__(self) -> None:
        self.sessions: dict[str, SessionId] = {}
        self.kernels: dict[str, KernelId] = {}

    def session(self, name: str) -> SessionId:
        return self._lookup(self.sessions, "session", name)

    def kernel(self, name: str) -> KernelId:
        return self._lookup(self.kernels, "kernel", name)

    @staticmethod
    def _lookup(table: dict, kind: str, name: str):
        if name not in table:
            raise KeyError(f"no {kind} named {name!r} was arranged")
        return table[name]

    def of(self, some_id: object) -> str:
        """The scenario's name for an ID, for readable failure messages."""
        for table in (self.sessions, self.kernels):
            for name, known in table.items():
                if known == some_id:
                    return name
        return str(some_id)


__all__ = ["Handler", "HandlerRun", "Names"]
