"""The PostgreSQL server the database tier runs on: started by the suite, or given by POSTGRES_DSN.

``PostgresServer.start()`` looks for the machine's PostgreSQL binaries (``initdb`` and ``pg_ctl`` on
PATH, or under ``/usr/lib/postgresql/<version>/bin``), creates a throw-away cluster in a temporary
directory and starts it on 127.0.0.1 (a free port) with its socket in that directory. It runs
without durability (``fsync=off``): the data lives only as long as the test session.

PostgreSQL refuses to run as root; when the suite runs as root, both commands run as the
``postgres`` system user (``runuser``), which owns the temporary directory.

``POSTGRES_DSN=postgresql://user@host:port/dbname`` skips all of that and uses an existing server;
the user needs the CREATEDB privilege (each scenario gets a database of its own).

``python -m support.database.server`` checks that one of the two is available and otherwise
prints, on one line, how to get it (``make test`` runs that check first).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HOW_TO_GET_POSTGRES = (
    "The database tier needs PostgreSQL: install its server binaries (Debian: apt-get install "
    "postgresql, which provides initdb and pg_ctl) or set POSTGRES_DSN=postgresql://user@host:port/db "
    "for an existing server whose user may create databases."
)
SERVER_USER = "postgres"  # who runs initdb and pg_ctl when the suite runs as root


class DatabaseUnavailable(RuntimeError):
    """Neither PostgreSQL binaries nor POSTGRES_DSN: the message says how to get one."""


def find_binaries() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``, newest installed version first."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version(p.parent.name), reverse=True)
    for bindir in versions:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    return None


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _memory_backed_tmp() -> str | None:
    """/dev/shm when the machine has it: a throw-away cluster on RAM copies databases in
    milliseconds, where a disk's write-back makes each copy cost a large part of a second."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    """A running server: where to connect, and (if the suite started it) how to stop it."""

    host: str
    port: int
    user: str
    admin_database: str
    password: str | None = None
    _bindir: Path | None = None
    _datadir: Path | None = None
    _workdir: Path | None = None

    @classmethod
    def start(cls) -> PostgresServer:
        dsn = os.environ.get("POSTGRES_DSN")
        if dsn:
            return cls.from_dsn(dsn)
        bindir = find_binaries()
        if bindir is None:
            raise DatabaseUnavailable(HOW_TO_GET_POSTGRES)
        return cls._launch(bindir)

    @classmethod
    def from_dsn(cls, dsn: str) -> PostgresServer:
        from sqlalchemy.engine import make_url

        url = make_url(dsn)
        return cls(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or SERVER_USER,
            admin_database=url.database or "postgres",
            password=url.password,
        )

    @classmethod
    def _launch(cls, bindir: Path) -> PostgresServer:
        workdir = Path(tempfile.mkdtemp(prefix="bep-1033-pg-", dir=_memory_backed_tmp()))
        datadir = workdir / "data"
        as_root = os.geteuid() == 0
        if as_root:
            owner = pwd.getpwnam(SERVER_USER)
            os.chown(workdir, owner.pw_uid, owner.pw_gid)
        server = cls(
            host="127.0.0.1", port=_free_port(), user=SERVER_USER, admin_database="postgres",
            _bindir=bindir, _datadir=datadir, _workdir=workdir,
        )
        server._run("initdb", "-D", str(datadir), "-U", SERVER_USER, "--auth=trust", "--no-sync",
                    "--encoding=UTF8", "--locale=C")
        options = " ".join([
            "-c listen_addresses=127.0.0.1", f"-p {server.port}", f"-k {workdir}",
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c jit=off",
            "-c max_connections=200", "-c checkpoint_timeout=1h",
        ])
        server._run("pg_ctl", "-D", str(datadir), "-w", "-s", "-l", str(workdir / "server.log"),
                    "-o", options, "start")
        return server

    def _run(self, program: str, *args: str) -> None:
        assert self._bindir is not None
        command = [str(self._bindir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self._workdir)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")

    def url(self, database: str | None = None, *, driver: str = "postgresql+asyncpg") -> str:
        """A URL for one database of this server: SQLAlchemy's (asyncpg driver) by default,
        ``driver="postgresql"`` for a plain libpq/asyncpg DSN."""
        auth = self.user if self.password is None else f"{self.user}:{self.password}"
        return f"{driver}://{auth}@{self.host}:{self.port}/{database or self.admin_database}"

    @property
    def admin_dsn(self) -> str:
        return self.url(driver="postgresql")

    @property
    def started_here(self) -> bool:
        return self._datadir is not None

    def stop(self) -> None:
        if not self.started_here:
            return
        try:
            self._run("pg_ctl", "-D", str(self._datadir), "-m", "immediate", "-s", "stop")
        finally:
            shutil.rmtree(self._workdir, ignore_errors=True)


def main() -> int:
    if os.environ.get("POSTGRES_DSN") or find_binaries() is not None:
        return 0
    print(HOW_TO_GET_POSTGRES, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
