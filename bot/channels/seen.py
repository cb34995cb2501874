"""Which platform messages were already taken: platforms redeliver (Zalo retries slow webhooks,
Telegram re-sends unconfirmed updates after a restart), and each message must be answered once.

Kept in SQLite beside the conversations so a restart does not forget. A claim is released when the
engine failed, so a redelivery can still be answered.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from bot.channels.channel_db import open_channel_db

KEEP_SECONDS = 7 * 24 * 3600  # far longer than any platform retries a delivery


class SeenMessages:
    def __init__(self, path: Path) -> None:
        self._db = open_channel_db(
            path, "CREATE TABLE IF NOT EXISTS seen_messages (channel TEXT NOT NULL, message_id TEXT NOT NULL,"
            " seen_at REAL NOT NULL, PRIMARY KEY (channel, message_id))"
        )
        self._lock = threading.Lock()
        self._claims = 0

    def claim(self, channel: str, message_id: str, now: float | None = None) -> bool:
        """True the first time a message is seen; False for a redelivery."""
        now = time.time() if now is None else now
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO seen_messages VALUES (?, ?, ?)", (channel, message_id, now)
            )
            self._claims += 1
            if self._claims % 1000 == 0:
                self._db.execute("DELETE FROM seen_messages WHERE seen_at < ?", (now - KEEP_SECONDS,))
            return cursor.rowcount == 1

    def release(self, channel: str, message_id: str) -> None:
        with self._lock:
            self._db.execute(
                "DELETE FROM seen_messages WHERE channel = ? AND message_id = ?", (channel, message_id)
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
