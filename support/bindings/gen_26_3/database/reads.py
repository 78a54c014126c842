"""What the database says after a scenario ran: the rows Then steps read, as plain values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from ai.backend.manager.models.endpoint import EndpointRow
from ai.backend.manager.models.image import ImageRow
from ai.backend.manager.models.kernel import KernelRow
from ai.backend.manager.models.keypair import KeyPairRow
from ai.backend.manager.models.resource_slot.row import AgentResourceRow, ResourceAllocationRow
from ai.backend.manager.models.routing import RoutingRow
from ai.backend.manager.models.scheduling_history.row import (
    DeploymentHistoryRow,
    RouteHistoryRow,
    SessionSchedulingHistoryRow,
)
from ai.backend.manager.models.session import SessionRow
from ai.backend.manager.models.utils import ExtendedAsyncSAEngine


@dataclass(frozen=True)
class HistoryEntry:
    phase: str
    result: str
    message: str
    from_status: str | None
    to_status: str | None
    error_code: str | None
    attempts: int

    def __str__(self) -> str:
        return f"{self.phase} {self.result} {self.from_status}->{self.to_status} x{self.attempts}"


class DatabaseReader:
    def __init__(self, engine: ExtendedAsyncSAEngine) -> None:
        self._engine = engine

    async def _all(self, statement: sa.Select) -> list[Any]:
        async with self._engine.connect() as conn:
            return list((await conn.execute(statement)).mappings())

    async def session(self, session_id: uuid.UUID) -> dict[str, Any]:
        rows = await self._all(sa.select(SessionRow.__table__).where(SessionRow.__table__.c.id == session_id))
        if not rows:
            raise AssertionError(f"session {session_id} is not in the database")
        return dict(rows[0])

    async def sessions(self) -> list[dict[str, Any]]:
        """Every session row, oldest first."""
        table = SessionRow.__table__
        return [dict(r) for r in await self._all(sa.select(table).order_by(table.c.created_at, table.c.id))]

    async def kernels_of(self, session_id: uuid.UUID) -> list[dict[str, Any]]:
        """The kernel rows of a session, in cluster order."""
        table = KernelRow.__table__
        statement = sa.select(table).where(table.c.session_id == session_id).order_by(table.c.cluster_idx)
        return [dict(r) for r in await self._all(statement)]

    async def image(self, image_id: uuid.UUID) -> dict[str, Any]:
        rows = await self._all(sa.select(ImageRow.__table__).where(ImageRow.__table__.c.id == image_id))
        if not rows:
            raise AssertionError(f"image {image_id} is not in the database")
        return dict(rows[0])

    async def access_keys_of(self, user_id: uuid.UUID) -> list[str]:
        table = KeyPairRow.__table__
        return [r["access_key"] for r in await self._all(sa.select(table.c.access_key).where(table.c.user == user_id))]

    async def kernel(self, kernel_id: uuid.UUID) -> dict[str, Any]:
        rows = await self._all(sa.select(KernelRow.__table__).where(KernelRow.__table__.c.id == kernel_id))
        if not rows:
            raise AssertionError(f"kernel {kernel_id} is not in the database")
        return dict(rows[0])

    async def history(self, session_id: uuid.UUID) -> list[HistoryEntry]:
        return await self._history(SessionSchedulingHistoryRow.__table__.c.session_id, session_id)

    async def deployment(self, deployment_id: uuid.UUID) -> dict[str, Any]:
        rows = await self._all(sa.select(EndpointRow.__table__).where(EndpointRow.__table__.c.id == deployment_id))
        if not rows:
            raise AssertionError(f"deployment {deployment_id} is not in the database")
        return dict(rows[0])

    async def routes(self, deployment_id: uuid.UUID) -> list[dict[str, Any]]:
        table = RoutingRow.__table__
        statement = sa.select(table).where(table.c.endpoint == deployment_id).order_by(table.c.created_at, table.c.id)
        return [dict(r) for r in await self._all(statement)]

    async def route(self, route_id: uuid.UUID) -> dict[str, Any]:
        rows = await self._all(sa.select(RoutingRow.__table__).where(RoutingRow.__table__.c.id == route_id))
        if not rows:
            raise AssertionError(f"route {route_id} is not in the database")
        return dict(rows[0])

    async def deployment_history(self, deployment_id: uuid.UUID) -> list[HistoryEntry]:
        return await self._history(DeploymentHistoryRow.__table__.c.deployment_id, deployment_id)

    async def route_history(self, route_id: uuid.UUID) -> list[HistoryEntry]:
        return await self._history(RouteHistoryRow.__table__.c.route_id, route_id)

    async def _history(self, key: sa.Column, value: uuid.UUID) -> list[HistoryEntry]:
        table = key.table
        rows = await self._all(sa.select(table).where(key == value).order_by(table.c.created_at, table.c.id))
        return [
            HistoryEntry(
                phase=r["phase"],
                result=str(getattr(r["result"], "value", r["result"])),
                message=r["message"],
                from_status=_name(r["from_status"]),
                to_status=_name(r["to_status"]),
                error_code=r["error_code"],
                attempts=r["attempts"],
            )
            for r in rows
        ]

    async def agent_in_use(self, agent_id: str) -> dict[str, Decimal]:
        table = AgentResourceRow.__table__
        rows = await self._all(sa.select(table.c.slot_name, table.c.used).where(table.c.agent_id == agent_id))
        return {r["slot_name"]: Decimal(r["used"]) for r in rows if r["used"]}

    async def allocations(self, kernel_id: uuid.UUID) -> list[dict[str, Any]]:
        table = ResourceAllocationRow.__table__
        return [dict(r) for r in await self._all(sa.select(table).where(table.c.kernel_id == kernel_id))]


def _name(value: Any) -> str | None:
    if value is None:
        return None
    return getattr(value, "name", str(value))
