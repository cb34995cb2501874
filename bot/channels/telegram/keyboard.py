"""Reply buttons as a Telegram inline keyboard.

A tap sends back the button's `callback_data`, at most 64 bytes. Engine payloads such as
`/ask_documents{"procedure":"xac_nhan_tinh_trang_hon_nhan"}` can be longer: those travel as a short
key into a small SQLite table (deterministic, so the table only grows with distinct payloads, and
a button still works after a restart).
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.channel_db import open_channel_db
from bot.channels.replies import Button

MAX_CALLBACK_BYTES = 64
KEY_PREFIX = "k:"


class CallbackPayloads:
    def __init__(self, path: Path) -> None:
        self._db = open_channel_db(
            path, "CREATE TABLE IF NOT EXISTS callback_payloads (key TEXT PRIMARY KEY, payload TEXT NOT NULL)")
        self._lock = threading.Lock()

    def encode(self, payload: str) -> str:
        if len(payload.encode()) <= MAX_CALLBACK_BYTES and not payload.startswith(KEY_PREFIX):
            return payload
        key = KEY_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:32]
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO callback_payloads VALUES (?, ?)", (key, payload))
        return key

    def decode(self, data: str) -> str | None:
        """The engine payload for a tap; None for a key this bot never issued."""
        if not data.startswith(KEY_PREFIX):
            return data
        with self._lock:
            row = self._db.execute("SELECT payload FROM callback_payloads WHERE key = ?", (data,)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        with self._lock:
            self._db.close()


def inline_keyboard(buttons: tuple[Button, ...], payloads: CallbackPayloads) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    # One button per row: titles are long Vietnamese names, read on narrow phone screens.
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.title[:64], callback_data=payloads.encode(b.payload))] for b in buttons]
    )
