"""The channels' small SQLite file (`data/channels.db`): delivered message ids, long button payloads."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def open_channel_db(path: Path, schema: str) -> sqlite3.Connection:
    """Autocommit, WAL (readers never block the writer), usable from any thread behind the caller's lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(schema)
    return db
