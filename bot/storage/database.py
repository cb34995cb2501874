"""A database the assistant's processes share (SQLite by default, PostgreSQL when scaled out): an engine,
short write transactions that take the lock up front, and plain reads. The status store and the
console's store are both one of these, on the same database."""

from __future__ import annotations

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


class Database:
    def __init__(self, url: str, metadata: sa.MetaData) -> None:
        self._engine = open_engine(url)
        self._writer = self._engine.execution_options(caunoi_write=True)
        metadata.create_all(self._engine)

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
