"""pytest fixtures of the database tier: one PostgreSQL server per test session, one clean
database per scenario, and how long each of those took.

``postgres`` (session scope) starts the server (support.database.server) and builds the schema
template (support.database.schema) the first time a database scenario asks for it; a run that
selects no database scenario starts nothing.

``database`` (function scope) copies the template into a database of the scenario's own and
connects to it the way the manager does (``connect_database`` with the manager's own
``DatabaseConfig``); at teardown it disconnects and drops the copy.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import statistics
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
import pytest_asyncio
from ai.backend.manager.config.unified import DatabaseConfig
from ai.backend.manager.models.utils import ExtendedAsyncSAEngine, connect_database

from .schema import clone, create_template, drop
from .server import DatabaseUnavailable, PostgresServer


@dataclass
class DatabaseTimings:
    server_start: float | None = None
    schema: float | None = None
    tables: int = 0
    resets: list[float] = field(default_factory=list)  # copy template + connect, per scenario
    teardowns: list[float] = field(default_factory=list)  # disconnect + drop, per scenario

    def summary(self) -> str | None:
        if self.server_start is None:
            return None
        parts = [f"server started in {self.server_start:.2f} s", f"schema ({self.tables} tables) in {self.schema:.2f} s"]
        if self.resets:
            parts.append(
                f"{len(self.resets)} scenario databases, fresh copy {statistics.median(self.resets) * 1000:.0f} ms"
                f" and drop {statistics.median(self.teardowns or [0]) * 1000:.0f} ms (medians)"
            )
        return "database tier: " + ", ".join(parts)


TIMINGS = pytest.StashKey[DatabaseTimings]()


@dataclass
class PostgresCluster:
    server: PostgresServer
    template: str
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def next_name(self) -> str:
        return f"{self.template}_s{next(self._names)}"


@dataclass(frozen=True)
class ScenarioDatabase:
    name: str
    engine: ExtendedAsyncSAEngine
    config: DatabaseConfig


def pytest_configure(config: pytest.Config) -> None:
    config.stash[TIMINGS] = DatabaseTimings()


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    line = config.stash[TIMINGS].summary()
    if line:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def postgres(request: pytest.FixtureRequest) -> Iterator[PostgresCluster]:
    timings = request.config.stash[TIMINGS]
    started = time.perf_counter()
    try:
        server = PostgresServer.start()
    except DatabaseUnavailable as missing:
        pytest.exit(str(missing), returncode=3)
    timings.server_start = time.perf_counter() - started
    template = f"bep1033_{os.getpid()}"
    try:
        started = time.perf_counter()
        timings.tables = asyncio.run(create_template(server.admin_dsn, server.url(template), template))
        timings.schema = time.perf_counter() - started
        yield PostgresCluster(server, template)
    finally:
        if not server.started_here:
            asyncio.run(drop(server.admin_dsn, template))
        server.stop()


def database_config(server: PostgresServer, name: str, **overrides) -> DatabaseConfig:
    return DatabaseConfig.model_validate({
        "addr": {"host": server.host, "port": server.port},
        "name": name,
        "user": server.user,
        "password": server.password,
        **overrides,
    })


@pytest_asyncio.fixture
async def database(request: pytest.FixtureRequest, postgres: PostgresCluster) -> AsyncIterator[ScenarioDatabase]:
    timings = request.config.stash[TIMINGS]
    name = postgres.next_name()
    started = time.perf_counter()
    await clone(postgres.server.admin_dsn, postgres.template, name)
    config = database_config(postgres.server, name, **getattr(request, "param", {}))
    async with connect_database(config) as engine:
        timings.resets.append(time.perf_counter() - started)
        yield ScenarioDatabase(name, engine, config)
        started = time.perf_counter()
    await drop(postgres.server.admin_dsn, name)
    timings.teardowns.append(time.perf_counter() - started)
