"""A database the assistant's processes share (SQLite by default, PostgreSQL when scaled out): an engine,
short write transactions that take the lock up front, and plain reads. The status store and the
console's store are both one of these, on the same database."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.storage.sqlite_begin import explicit_begin

BUSY_TIMEOUT_SECONDS = 30


def _sqlite_engine(url: str) -> Engine:
    # Connections are shared by the server's worker threads one at a time (the pool hands each out alone).
    engine = sa.create_engine(
        url, future=True, poolclass=sa.pool.QueuePool, pool_size=2, max_overflow=4,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS},
    )
    return explicit_begin(engine, BUSY_TIMEOUT_SECONDS, "caunoi_write", synchronous_normal=True)


def open_engine(url: str) -> Engine:
    """An engine for this database; writers use `.execution_options(caunoi_write=True)` (BEGIN IMMEDIATE)."""
    if sa.engine.make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return sa.create_engine(url, future=True, pool_pre_ping=True)


def create_tables(engine: Engine, metadata: sa.MetaData, attempts: int = 5) -> None:
    """The tables, made if missing. Replicas starting together on one PostgreSQL both see a table missing and
    both create it: the loser gets a duplicate error (pg_type's unique index, or "already exists"), and
    looking again finds the winner's table. On a new SQLite file, the first connections race to switch it
    to WAL, and the losers are told "database is locked" at once, without waiting: they look again too."""
    for attempt in range(attempts):
        try:
            metadata.create_all(engine)
            return
        except (sa.exc.IntegrityError, sa.exc.ProgrammingError, sa.exc.OperationalError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


class Database:
    def __init__(self, url: str, metadata: sa.MetaData) -> None:
        self._engine = open_engine(url)
        self._writer = self._engine.execution_options(caunoi_write=True)
        create_tables(self._engine, metadata)

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._writer.begin() as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            yield conn

    def close(self) -> None:
        self._engine.dispose()
