"""The agent RPC boundary: a pool of in-memory agents that record every request they receive.

Mirrors ``ai.backend.manager.clients.agent.AgentClientPool.acquire(agent_id)`` and the
``AgentClient`` methods the scheduler calls. An agent can be unknown to the pool (acquire fails
like the real pool does), unreachable (every call fails with a connection error after being
sent), missing images, or refuse one kind of call.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ai.backend.common.types import AgentId, ImageConfig, KernelId, SessionId
from ai.backend.manager.errors.agent import AgentConnectionUnavailable

from support.bindings.common.fakes.strict import StrictDouble


@dataclass(frozen=True)
class AgentRequest:
    """One RPC the manager sent to an agent, and whether the agent carried it out."""

    agent_id: AgentId
    method: str
    args: tuple[Any, ...]
    succeeded: bool


@dataclass
class FakeAgent:
    id: AgentId
    images: set[str] = field(default_factory=set)
    running_kernels: set[KernelId] = field(default_factory=set)
    reachable: bool = True
    refused_calls: set[str] = field(default_factory=set)
    pulling: set[str] = field(default_factory=set)
    local_networks: list[str] = field(default_factory=list)


class AgentUnreachable(ConnectionRefusedError):
    pass


class AgentRefusal(RuntimeError):
    pass


class FakeAgentClient(StrictDouble):
    """What ``AgentClientPool.acquire`` yields for one agent."""

    _ports = itertools.count(30000)

    def __init__(self, pool: FakeAgentPool, agent: FakeAgent) -> None:
        self._pool = pool
        self._agent = agent
        self._refusals = pool.refusals  # shared, so the pool can report them

    @property
    def agent_id(self) -> AgentId:
        return self._agent.id

    def _receive(self, method: str, *args: Any) -> None:
        agent = self._agent
        if not agent.reachable:
            self._pool.requests.append(AgentRequest(agent.id, method, args, succeeded=False))
            raise AgentUnreachable(f"agent {agent.id} does not answer")
        if method in agent.refused_calls:
            self._pool.requests.append(AgentRequest(agent.id, method, args, succeeded=False))
            raise AgentRefusal(f"agent {agent.id} failed {method}")
        self._pool.requests.append(AgentRequest(agent.id, method, args, succeeded=True))
        if self._pool.listener is not None:
            self._pool.listener(agent, method, args)

    async def check_and_pull(self, image_configs: Mapping[str, ImageConfig]) -> Mapping[str, str]:
        self._receive("check_and_pull", dict(image_configs))
        started = {name: "pulling" for name in image_configs if name not in self._agent.images}
        self._agent.pulling.update(started)
        return started

    async def create_local_network(self, network_name: str) -> None:
        self._receive("create_local_network", network_name)
        self._agent.local_networks.append(network_name)

    async def assign_port(self) -> int:
        self._receive("assign_port")
        return next(self._ports)

    async def create_kernels(
        self,
        session_id: SessionId,
        kernel_ids: list[KernelId],
        kernel_configs: list[Any],
        cluster_info: Any,
        kernel_image_refs: Mapping[KernelId, Any],
    ) -> None:
        self._receive("create_kernels", session_id, tuple(kernel_ids), tuple(kernel_configs), cluster_info)

    async def destroy_kernel(
        self, kernel_id: KernelId, session_id: SessionId, reason: str, suppress_events: bool = True
    ) -> None:
        self._receive("destroy_kernel", kernel_id, session_id, reason, suppress_events)
        self._agent.running_kernels.discard(kernel_id)

    async def check_running(self, kernel_id: KernelId) -> bool:
        self._receive("check_running", kernel_id)
        return kernel_id in self._agent.running_kernels

    async def trigger_batch_execution(
        self, session_id: SessionId, kernel_id: KernelId, code: str, timeout: float | None
    ) -> None:
        self._receive("trigger_batch_execution", session_id, kernel_id, code, timeout)


class FakeAgentPool:
    """Stands in for ``AgentClientPool``: the scheduler acquires a client per agent."""

    def __init__(self) -> None:
        self.agents: dict[AgentId, FakeAgent] = {}
        self.requests: list[AgentRequest] = []
        self.refusals: list[str] = []
        # The other half of the agents, when a scenario simulates it (support.bindings.gen_26_3.fleet): told of every
        # request an agent carried out.
        self.listener: Callable[[FakeAgent, str, tuple[Any, ...]], None] | None = None

    def refused_calls(self) -> list[str]:
        return [f"FakeAgentClient.{name}" for name in self.refusals]

    def add(self, agent_id: AgentId, images: set[str] | None = None) -> FakeAgent:
        agent = FakeAgent(AgentId(agent_id), images=set(images or ()))
        self.agents[agent.id] = agent
        return agent

    def __getitem__(self, agent_id: str) -> FakeAgent:
        return self.agents[AgentId(agent_id)]

    @contextlib.asynccontextmanager
    async def acquire(self, agent_id: AgentId) -> AsyncIterator[FakeAgentClient]:
        agent = self.agents.get(AgentId(agent_id))
        if agent is None:
            raise AgentConnectionUnavailable(agent_id, "no such agent is registered")
        yield FakeAgentClient(self, agent)

    def requests_to(self, agent_id: str, method: str | None = None) -> list[AgentRequest]:
        return [r for r in self.requests if r.agent_id == agent_id and (method is None or r.method == method)]

    def __repr__(self) -> str:
        return f"FakeAgentPool({sorted(self.agents)})"
