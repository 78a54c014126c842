"""A simulated agent fleet for the end-to-end scenarios.

The agents are the RPC doubles of ``support.bindings.gen_26_3.fakes.agents`` (the manager's side of the boundary is
unchanged); the fleet gives them an agent's other half. What an agent is asked to do produces the
reports a real agent sends back later, queued in order:

  check_and_pull   the image is there, or its pull starts and then finishes (or fails)
  create_kernels   each kernel is being created, then runs in its container
  destroy_kernel   the kernel terminated

``deliver`` hands the queued reports to the coordinator's own kernel-event handling
(``ScheduleCoordinator.handle_kernel_*`` and the image methods), as the manager's event
dispatcher does, so every kernel status change happens the way it does in production. Running
kernels report their presence on every heartbeat, through the Valkey double the sweeps read.

An agent can be told to fail its image pulls, to hang (take requests and never answer them), to
lose a kernel (the container is gone, no report), or to disappear (unreachable, no heartbeats).
The fleet does not decide anything the scheduler decides: it only answers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ai.backend.common.events.event_types.kernel.anycast import (
    KernelCreatingAnycastEvent,
    KernelStartedAnycastEvent,
    KernelTerminatedAnycastEvent,
)
from ai.backend.common.events.event_types.kernel.types import KernelLifecycleEventReason
from ai.backend.common.types import AgentId, KernelId, SessionId

from support.bindings.gen_26_3.fakes.agents import FakeAgent, FakeAgentPool
from support.engine import swallowed


@dataclass(frozen=True)
class Report:
    """One report an agent sends the manager."""

    agent: AgentId
    what: str  # e.g. "kernel k1 runs"
    deliver: Callable[[Any], Awaitable[Any]]  # given the coordinator

    def __str__(self) -> str:
        return f"{self.agent}: {self.what}"


@dataclass
class Behaviour:
    """How one simulated agent behaves, besides answering RPCs."""

    pull_fails: bool = False
    hangs: bool = False
    slow_kernels: bool = False  # its reports on the kernels it creates wait until it catches up
    held: list[Report] = field(default_factory=list)


class SimulatedFleet:
    def __init__(self, pool: FakeAgentPool, valkey: Any) -> None:
        self.pool = pool
        self.valkey = valkey  # Backend.AI's ValkeyScheduleClient
        self.behaviour: dict[AgentId, Behaviour] = {}
        self.queue: list[Report] = []
        self.delivered: list[Report] = []
        self.failed_deliveries: list[tuple[Report, BaseException]] = []  # the handling raised
        self.kernel_names: dict[str, KernelId] = {}  # the scenario's names, for readable reports
        pool.listener = self.received

    def behaviour_of(self, agent: str) -> Behaviour:
        return self.behaviour.setdefault(AgentId(agent), Behaviour())

    def _agent(self, agent: str) -> FakeAgent:
        return self.pool[agent]

    # -- what an agent does with a request ---------------------------------------------------

    def received(self, agent: FakeAgent, method: str, args: tuple[Any, ...]) -> None:
        behaviour = self.behaviour_of(agent.id)
        if behaviour.hangs:
            return
        handler = getattr(self, f"_on_{method}", None)
        if handler is not None:
            handler(agent, behaviour, *args)

    def _on_check_and_pull(self, agent: FakeAgent, behaviour: Behaviour, image_configs: dict) -> None:
        for image in image_configs:
            if image in agent.images:
                self._queue(
                    agent.id,
                    f"has image {image}",
                    _call("update_kernels_to_prepared_for_image", agent.id, image),
                )
            elif behaviour.pull_fails:
                self._queue(
                    agent.id,
                    f"failed to pull {image}",
                    _call("cancel_kernels_for_failed_image", agent.id, image, "pull failed"),
                )
            else:
                self._queue(
                    agent.id,
                    f"pulls {image}",
                    _call("update_kernels_to_pulling_for_image", agent.id, image),
                )
                self._queue(agent.id, f"pulled {image}", self._pulled(agent, image))

    def _pulled(self, agent: FakeAgent, image: str) -> Callable[[Any], Awaitable[Any]]:
        async def deliver(coordinator: Any) -> None:
            agent.images.add(image)
            agent.pulling.discard(image)
            await coordinator.update_kernels_to_prepared_for_image(agent.id, image)

        return deliver

    def _on_create_kernels(
        self,
        agent: FakeAgent,
        behaviour: Behaviour,
        session_id: SessionId,
        kernel_ids: tuple[KernelId, ...],
        kernel_configs: tuple[Any, ...],
        _cluster: Any,
    ) -> None:
        for kernel_id, config in zip(kernel_ids, kernel_configs, strict=True):
            self._queue(
                agent.id,
                f"creates kernel {self._name(kernel_id)}",
                _call(
                    "handle_kernel_creating",
                    KernelCreatingAnycastEvent(kernel_id=kernel_id, session_id=session_id, reason="creating-container"),
                ),
                kernel=True,
            )
            self._queue(
                agent.id,
                f"runs kernel {self._name(kernel_id)}",
                self._started(agent, session_id, kernel_id, config),
                kernel=True,
            )

    def _started(
        self, agent: FakeAgent, session_id: SessionId, kernel_id: KernelId, config: Any
    ) -> Callable[[Any], Awaitable[Any]]:
        async def deliver(coordinator: Any) -> None:
            agent.running_kernels.add(kernel_id)
            await self._report_presence({kernel_id: True})
            # A session the scheduler accepts asks for every slot type the manager knows, at zero
            # for those not requested (cuda.device: 0 here). The agent accepts a slot type it does
            # not have only at zero, and drops it (the agent's resource stage, normalize_slots with
            # ignore_unknown), so it reports no allocation for it; these agents have no GPU.
            slots = {
                name: amount
                for name, amount in dict(_get(config, "resource_slots") or {}).items()
                if Decimal(str(amount)) != 0
            }
            creation_info = await self.creation_info(agent, kernel_id, slots)
            await coordinator.handle_kernel_running(
                KernelStartedAnycastEvent(
                    kernel_id=kernel_id,
                    session_id=session_id,
                    reason="new-container-started",
                    creation_info=creation_info,
                )
            )

        return deliver

    async def creation_info(self, agent: FakeAgent, kernel_id: KernelId, slots: dict[str, Any]) -> dict[str, Any]:
        """What the agent reports of a kernel it started: its container, allocation and address."""
        return {
            "container_id": f"container-{kernel_id.hex[:12]}",
            "resource_spec": {
                "allocations": {name.split(".")[0]: {name: {"0": str(amount)}} for name, amount in slots.items()}
            },
            "kernel_host": f"{agent.id}.fleet",
            "repl_in_port": 2000,
            "repl_out_port": 2001,
            "stdin_port": 2002,
            "stdout_port": 2003,
        }

    def _on_destroy_kernel(
        self,
        agent: FakeAgent,
        behaviour: Behaviour,
        kernel_id: KernelId,
        session_id: SessionId,
        reason: str,
        _suppress: bool,
    ) -> None:
        self._queue(
            agent.id,
            f"terminated kernel {self._name(kernel_id)}",
            _call(
                "handle_kernel_terminated",
                KernelTerminatedAnycastEvent(
                    kernel_id=kernel_id,
                    session_id=session_id,
                    reason=KernelLifecycleEventReason.USER_REQUESTED,
                    exit_code=0,
                ),
            ),
        )

    def _queue(
        self, agent: AgentId, what: str, deliver: Callable[[Any], Awaitable[Any]], *, kernel: bool = False
    ) -> None:
        behaviour = self.behaviour_of(agent)
        held = kernel and behaviour.slow_kernels
        (behaviour.held if held else self.queue).append(Report(agent, what, deliver))

    def _name(self, kernel_id: KernelId) -> str:
        names = {kernel: name for name, kernel in self.kernel_names.items()}
        return names.get(kernel_id, str(kernel_id)[:8])

    # -- what the scenario does to the fleet -------------------------------------------------

    def disappear(self, agent: str) -> None:
        """The agent is gone: it answers nothing, sends nothing, and its reports never arrive."""
        self._agent(agent).reachable = False
        self.queue = [r for r in self.queue if r.agent != agent]

    def release(self, agent: str) -> None:
        """The agent sends the reports it held back, and from now on sends them as they come."""
        behaviour = self.behaviour_of(agent)
        behaviour.slow_kernels = False
        self.queue.extend(behaviour.held)
        behaviour.held.clear()

    def lose_kernel(self, agent: str, kernel_id: KernelId) -> None:
        """The kernel's container is gone from the agent, and the agent says nothing about it."""
        self._agent(agent).running_kernels.discard(kernel_id)

    # -- time passing --------------------------------------------------------------------------

    async def deliver(self, coordinator: Any, limit: int | None = None) -> list[Report]:
        """Hand the queued reports (all, or the first ``limit``) to the coordinator, in the order
        the agents sent them."""
        delivered: list[Report] = []
        while self.queue and (limit is None or len(delivered) < limit):
            report = self.queue.pop(0)
            try:
                await report.deliver(coordinator)
            except Exception as error:  # noqa: BLE001 - the manager's event dispatcher logs it and moves on
                self.failed_deliveries.append((report, error))
                swallowed.keep(error, f"delivering {report}")
            delivered.append(report)
        self.delivered.extend(delivered)
        return delivered

    async def heartbeat(self) -> None:
        """Every reachable agent reports the presence of the kernels it runs, as a real agent does
        (``update_kernel_presence_batch``); what stops reporting goes stale in Valkey's own time."""
        for agent in self.pool.agents.values():
            if agent.reachable and agent.running_kernels:
                await self._report_presence({kernel: True for kernel in agent.running_kernels})

    async def _report_presence(self, presences: dict[KernelId, bool]) -> None:
        # Valkey is down: this report is lost; events travel apart.
        with contextlib.suppress(Exception):
            await self.valkey.update_kernel_presence_batch(presences)


def _call(method: str, *args: Any) -> Callable[[Any], Awaitable[Any]]:
    """A report that calls the coordinator's ``method`` with ``args``."""
    return lambda coordinator: getattr(coordinator, method)(*args)


def _get(config: Any, key: str) -> Any:
    return config.get(key) if isinstance(config, dict) else getattr(config, key, None)
