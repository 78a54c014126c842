"""The pytest plugin of the database tier on 26.9.6: 26.3's (support.bindings.gen_26_3.database.fixtures),
with 26.9's schema template. ``mgr schema oneshot`` of 26.9.6 creates the ``uuid_generate_v7()``
function before the tables (several tables' ids default to it) and seeds the global entities of the
RBAC graph after them (``SEED_GLOBAL_ENTITIES_SQL``: the global and public scopes); every scenario
starts with those seed rows again."""

from __future__ import annotations

import pytest
from ai.backend.manager.models.global_entity.seed import SEED_GLOBAL_ENTITIES_SQL
from ai.backend.manager.models.uuid7 import UUID_GENERATE_V7_DDL

from support.bindings.gen_26_3.database.fixtures import (
    database,
    database_engine,
    postgres,
    pytest_configure,
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_testnodedown,
)
from support.bindings.gen_26_3.database.schema import Schema

SCHEMA = Schema(before_tables=(UUID_GENERATE_V7_DDL,), reference_rows=SEED_GLOBAL_ENTITIES_SQL)


@pytest.fixture(scope="session")
def database_schema() -> Schema:
    return SCHEMA


__all__ = [
    "SCHEMA",
    "database",
    "database_engine",
    "database_schema",
    "postgres",
    "pytest_configure",
    "pytest_sessionfinish",
    "pytest_terminal_summary",
    "pytest_testnodedown",
]
