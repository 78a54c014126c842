"""pytest fixtures of the database tier: one PostgreSQL server per test session, one clean
database for every scenario, and how long each of those took.

``postgres`` (session scope) starts the server (support.bindings.common.database_server) and builds the schema
template (support.bindings.gen_26_3.database.schema) the first time a database scenario asks for it; a run that
selects no database scenario starts nothing.

``database_engine`` (session scope) connects to that database the way the manager does
(``connect_database`` with the manager's own ``DatabaseConfig``), once per run.

``database`` (function scope) empties every table before the scenario: each scenario starts from
the schema and its reference rows alone. Measured here: a template copy per scenario took 25-50 ms
on tmpfs, but the new connection pool it needs then cost some 100 ms more per scenario in statement
compilation and type introspection; with one warm pool, ``TRUNCATE`` of all tables takes about
35 ms and deleting the rows with foreign-key triggers off about 5 ms.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
import pytest_asyncio
from ai.backend.manager.config.unified import DatabaseConfig
from ai.backend.manager.models.utils import ExtendedAsyncSAEngine

from support.bindings.common.database_server import DatabaseUnavailable, PostgresServer, server_version
from support.bindings.common.moved import connect_database

from .schema import Schema, create_template, delete_script, drop, truncate_statement


@dataclass
class DatabaseTimings:
    server: str | None = None  # which PostgreSQL, and where it came from
    server_start: float | None = None
    schema: float | None = None
    tables: int = 0
    resets: list[float] = field(default_factory=list)  # emptying the database, per scenario
    workers: int = 0  # under pytest-xdist: how many workers, each with a server of its own

    def add_worker(self, other: dict) -> None:
        """Fold in one xdist worker's timings (the slowest start and schema, all resets)."""
        if other.get("server_start") is None:
            return
        self.workers += 1
        self.server = self.server or other["server"]
        self.server_start = max(self.server_start or 0.0, other["server_start"])
        self.schema = max(self.schema or 0.0, other["schema"] or 0.0)
        self.tables = max(self.tables, other["tables"])
        self.resets.extend(other["resets"])

    def summary(self) -> list[str]:
        if self.server_start is None:
            return []
        where = f"{self.workers} workers, a server each; the slowest " if self.workers else ""
        parts = [f"{where}server started in {self.server_start:.2f} s"]
        if self.schema is not None:
            parts.append(f"schema ({self.tables} tables) in {self.schema:.2f} s")
        if self.resets:
            parts.append(
                f"{len(self.resets)} scenarios on a clean database, reset in {statistics.median(self.resets) * 1000:.0f} ms"
                f" (median; {sum(self.resets):.2f} s in all)"
            )
        return [f"database tier: {self.server}", "database tier: " + ", ".join(parts)]


TIMINGS = pytest.StashKey[DatabaseTimings]()


@dataclass
class PostgresCluster:
    server: PostgresServer
    template: str


@dataclass(frozen=True)
class ScenarioDatabase:
    name: str
    engine: ExtendedAsyncSAEngine
    config: DatabaseConfig
    superuser: bool = True  # the suite's own server: rows can be deleted with foreign-key triggers off
    schema: Schema = field(default_factory=Schema)  # what the release's template holds besides its tables

    async def empty(self) -> None:
        """Every table emptied but the reference rows a fresh installation has (resource slot types)."""
        async with self.engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            assert raw is not None, "the pooled connection has no asyncpg connection"
            await raw.execute(delete_script(self.schema) if self.superuser else truncate_statement(self.schema))


def pytest_configure(config: pytest.Config) -> None:
    config.stash[TIMINGS] = DatabaseTimings()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands its timings to the controller, which reports them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        timings = session.config.stash[TIMINGS]
        workeroutput["database_timings"] = {
            "server": timings.server,
            "server_start": timings.server_start,
            "schema": timings.schema,
            "tables": timings.tables,
            "resets": timings.resets,
        }


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    timings = node.workeroutput.get("database_timings") if hasattr(node, "workeroutput") else None
    if timings:
        node.config.stash[TIMINGS].add_worker(timings)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    for line in config.stash[TIMINGS].summary():
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def database_schema() -> Schema:
    """What the release's template holds besides its tables (a later release's plugin replaces it)."""
    return Schema()


@pytest.fixture(scope="session")
def postgres(request: pytest.FixtureRequest, database_schema: Schema) -> Iterator[PostgresCluster]:
    timings = request.config.stash[TIMINGS]
    started = time.perf_counter()
    try:
        server = PostgresServer.start()
    except DatabaseUnavailable as missing:
        pytest.exit(str(missing), returncode=3)
    timings.server_start = time.perf_counter() - started
    template = f"bep1033_{os.getpid()}"
    try:
        timings.server = server.describe(asyncio.run(server_version(server.admin_dsn)))
        started = time.perf_counter()
        timings.tables = asyncio.run(create_template(server.admin_dsn, server.url(template), template, database_schema))
        timings.schema = time.perf_counter() - started
        yield PostgresCluster(server, template)
    finally:
        if not server.started_here:
            asyncio.run(drop(server.admin_dsn, template))
        server.stop()


def database_config(server: PostgresServer, name: str, **overrides) -> DatabaseConfig:
    return DatabaseConfig.model_validate(
        {
            "addr": {"host": server.host, "port": server.port},
            "name": name,
            "user": server.user,
            "password": server.password,
            **overrides,
        }
    )


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database_engine(postgres: PostgresCluster) -> AsyncIterator[tuple[ExtendedAsyncSAEngine, DatabaseConfig]]:
    """One connection pool for the whole run, made the way the manager makes it. Reusing it keeps
    SQLAlchemy's compiled statements and asyncpg's prepared statements and type codecs warm: a new
    pool per scenario spent more time warming up than the scenario spent running."""
    config = database_config(postgres.server, postgres.template)
    async with connect_database(config) as engine:
        yield engine, config


@pytest_asyncio.fixture
async def database(
    request: pytest.FixtureRequest, postgres: PostgresCluster, database_engine, database_schema: Schema
) -> ScenarioDatabase:
    """The run's database, emptied: every table except the reference rows a fresh installation
    has (resource slot types). On the suite's own server (superuser) the rows are deleted with
    foreign-key triggers off (about 5 ms); on a server given by POSTGRES_DSN, truncated
    (35-50 ms)."""
    timings = request.config.stash[TIMINGS]
    engine, config = database_engine
    started = time.perf_counter()
    database = ScenarioDatabase(
        postgres.template, engine, config, superuser=postgres.server.started_here, schema=database_schema
    )
    await database.empty()
    timings.resets.append(time.perf_counter() - started)
    return database
