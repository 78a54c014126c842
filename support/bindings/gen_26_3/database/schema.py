"""Backend.AI's own schema, created once per test session in a template database.

The schema is the manager's SQLAlchemy metadata (every model module registered through
``ensure_all_tables_registered``), created with ``metadata.create_all`` after the ``uuid-ossp``
extension, as ``backend.ai mgr schema oneshot`` does. The template also holds the reference rows a
fresh installation has: the resource slot types the manager's migration seeds.

Every scenario starts from that state: the tables are emptied before it runs (support.bindings.gen_26_3.database.fixtures).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import asyncpg
import sqlalchemy as sa
from ai.backend.manager.models.base import ensure_all_tables_registered, metadata

from support.bindings.common.moved import create_async_engine

# (slot_name, slot_type, display_name, rank), as the manager's migration seeds them.
SLOT_TYPES = [
    ("cpu", "count", "CPU", 40),
    ("mem", "bytes", "Memory", 50),
    ("cuda.device", "count", "GPU (CUDA)", 10),
    ("cuda.shares", "count", "GPU (fGPU)", 20),
    ("rocm.device", "count", "GPU (ROCm)", 30),
    ("tpu.device", "count", "TPU", 35),
]


REFERENCE_TABLES = frozenset({"resource_slot_types"})


@dataclass(frozen=True)
class Schema:
    """What a release's template holds besides its tables: the statements ``mgr schema oneshot`` runs
    before ``create_all`` (functions the tables' defaults call) and the reference rows it seeds after
    it, which every scenario starts with again (idempotent statements, run after each emptying)."""

    before_tables: tuple[str, ...] = ()
    reference_rows: tuple[str, ...] = ()


async def create_template(admin_dsn: str, url: str, name: str, schema: Schema = Schema()) -> int:
    """Create database ``name`` with the full schema; returns the number of tables."""
    ensure_all_tables_registered()
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"'))
            for statement in schema.before_tables:
                await conn.exec_driver_sql(statement)
            await conn.run_sync(metadata.create_all)
            await conn.execute(
                sa.text(
                    "INSERT INTO resource_slot_types (slot_name, slot_type, display_name, rank) "
                    "VALUES (:slot_name, :slot_type, :display_name, :rank)"
                ),
                [dict(zip(("slot_name", "slot_type", "display_name", "rank"), row, strict=True)) for row in SLOT_TYPES],
            )
            for statement in schema.reference_rows:
                await conn.exec_driver_sql(statement)
    finally:
        await engine.dispose()
    return len(metadata.tables)


async def drop(admin_dsn: str, name: str) -> None:
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@functools.cache  # the tables do not change once every model is registered
def truncate_statement(schema: Schema = Schema()) -> str:
    """Empty every table but the reference rows (resource slot types), and seed the schema's
    reference rows again."""
    ensure_all_tables_registered()
    names = sorted(name for name in metadata.tables if name not in REFERENCE_TABLES)
    truncate = "TRUNCATE " + ", ".join(f'"{name}"' for name in names) + " RESTART IDENTITY CASCADE"
    return ";".join((truncate, *schema.reference_rows))


@functools.cache  # made once: finding every model module walks the package tree (some 2 ms)
def delete_script(schema: Schema = Schema()) -> str:
    """Empty every table but the reference rows, cheaper than truncation on nearly empty tables:
    one transaction of DELETEs with foreign-key triggers off (needs a superuser, as the suite's
    own server has; ``truncate_statement`` is the fallback)."""
    ensure_all_tables_registered()
    names = sorted(name for name in metadata.tables if name not in REFERENCE_TABLES)
    deletes = "".join(f'DELETE FROM "{name}";' for name in names)
    seeds = "".join(f"{statement.strip()};" for statement in schema.reference_rows)
    return f"BEGIN; SET LOCAL session_replication_role = replica; {deletes} COMMIT; {seeds}"
