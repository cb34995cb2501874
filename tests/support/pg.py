"""A throwaway PostgreSQL server for the tests: its own data folder, loopback only, trust auth, stopped at
the end of the session. Uses the Debian package's binaries (`apt-get install postgresql`, which
`make test-tools` does); `initdb` refuses to run as root, so as root they run as the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.runtime.chat import free_port


class PostgresUnavailable(RuntimeError):
    """Why no test server could be started."""


def find_binary(name: str) -> Path | None:
    """`name` from PATH, else from the newest /usr/lib/postgresql/<version>/bin/ (Debian keeps it there)."""
    found = shutil.which(name)
    if found:
        return Path(found)
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    return Path(candidates[-1]) if candidates else None


class PostgresServer:
    def __init__(self) -> None:
        self.initdb = find_binary("initdb")
        self.pg_ctl = find_binary("pg_ctl")
        if self.initdb is None or self.pg_ctl is None:
            raise PostgresUnavailable("initdb/pg_ctl not found on PATH or in /usr/lib/postgresql/*/bin "
                                      "(install it: apt-get install postgresql, or `make test-tools`)")
        self.as_user: list[str] = []
        self.owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                self.owner = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PostgresUnavailable("running as root and there is no `postgres` user to run initdb as") from exc
            runuser = shutil.which("runuser")
            if runuser is None:
                raise PostgresUnavailable("running as root and `runuser` is missing")
            self.as_user = [runuser, "-u", "postgres", "--"]
        # Not under pytest's tmp folder: that one is private to root and the server user could not enter it.
        self.base = Path(tempfile.mkdtemp(prefix="caunoi-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        self.port = free_port()
        self.running = False

    def _run(self, *args: str | Path, timeout: float = 120) -> None:
        command = [*self.as_user, *map(str, args)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PostgresUnavailable(f"{' '.join(command)} failed ({done.returncode}):\n"
                                      f"{done.stdout[-2000:]}{done.stderr[-2000:]}{log}")

    def start(self) -> str:
        """Start the server, create the database `caunoi_test`, return its SQLAlchemy URL."""
        if self.owner is not None:
            os.chown(self.base, self.owner.pw_uid, self.owner.pw_gid)
        os.chmod(self.base, 0o700)
        self._run(self.initdb, "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.base} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run(self.pg_ctl, "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "60", "start")
        self.running = True
        return new_database(self.url("postgres"), "caunoi_test")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        try:
            if self.running:
                self._run(self.pg_ctl, "-D", self.data, "-m", "fast", "-w", "stop", timeout=60)
                self.running = False
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


def new_database(url: str, name: str | None = None) -> str:
    """A new, empty database on the server of `url` (e.g. the `postgres_url` fixture); its URL."""
    base = sa.engine.make_url(url)
    name = name or f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT", future=True)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


# For fixtures parametrised over both databases: the PostgreSQL case needs a server, so it is e2e.
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.e2e)]
