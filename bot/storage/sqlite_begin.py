"""SQLite engines that several processes write: WAL, a busy timeout, and our own BEGIN.

Python's sqlite3 opens a transaction lazily, as a reader, and upgrades it at the first write; two
processes doing that at once make one of them fail with "database is locked" instead of waiting.
With `isolation_level=None` we send BEGIN ourselves: BEGIN IMMEDIATE (take the write lock up front,
waiting up to the busy timeout) when the connection's execution option `write_option` is set.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine


def explicit_begin(engine: Engine, busy_timeout_s: float, write_option: str,
                   synchronous_normal: bool = False) -> Engine:
    """Adds the hooks to `engine` (an SQLite engine made by the caller with its own pool); returns it."""

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we send BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        if synchronous_normal:
            cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: still consistent after a crash
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(write_option, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
