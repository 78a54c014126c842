"""Writing arranged rows: one transaction, one multi-row statement per table and set of columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from ai.backend.manager.models.utils import ExtendedAsyncSAEngine

from support.bindings.gen_26_3.factories.rows import Row


async def write_rows(engine: ExtendedAsyncSAEngine, rows: Sequence[Row | sa.Executable]) -> None:
    async with engine.begin() as conn:
        for statement, values in _batches(rows):
            await conn.execute(statement, values) if values else await conn.execute(statement)


def _batches(rows: Sequence[Row | sa.Executable]) -> list[tuple[sa.Executable, list[dict[str, Any]]]]:
    """Group rows table by table, in the order each table first appears (which keeps foreign keys
    satisfied, as every table first appears after the tables it refers to); a statement that is
    not a row ends the group before it."""
    batches: list[tuple[sa.Executable, list[dict[str, Any]]]] = []
    pending: dict[tuple[str, frozenset[str]], list[dict[str, Any]]] = {}
    tables: dict[tuple[str, frozenset[str]], sa.Table] = {}

    def close() -> None:
        for key, values in pending.items():
            batches.append((sa.insert(tables[key]), values))
        pending.clear()

    for row in rows:
        if isinstance(row, Row):
            key = (row.table.name, frozenset(row.values))
            tables[key] = row.table
            pending.setdefault(key, []).append(row.values)
        else:
            close()
            batches.append((row, []))
    close()
    return batches
