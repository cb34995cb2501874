"""One application in a real SQLite status store, for dialogue tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.status.store import ApplicationRecord, StatusStore

CODE = "H12.22-251103-0042"  # khai_sinh, in progress, due 20/11/2025; the phone on file ends in 5678


def one_application_store(folder: Path) -> StatusStore:
    store = StatusStore(f"sqlite:///{folder / 'status.db'}", b"k" * 32)
    store.upsert(ApplicationRecord(CODE, "khai_sinh", "Nguyễn Thị Hoa", "0912345678", date(2025, 11, 3),
                                   date(2025, 11, 20), "dang_xu_ly", None), "test")
    return store
