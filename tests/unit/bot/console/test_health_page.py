"""The health page's facts, on a real SQLite status store and real catalog files."""

from __future__ import annotations

import gzip
import os
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.console.pages.health import health_facts
from bot.status.importer import import_file
from bot.status.store import ApplicationRecord, StatusStore, notifications
from tests.support.status_data import CODE, one_application_store

HEADER = "ma_ho_so,thu_tuc,ho_ten,so_dien_thoai,ngay_nhan,ngay_hen_tra,trang_thai,ghi_chu"


@pytest.fixture
def store(tmp_path: Path) -> StatusStore:
    store = one_application_store(tmp_path)
    yield store
    store.close()


def gzipped(path: Path, data: bytes) -> Path:
    with gzip.open(path, "wb") as f:
        f.write(data)
    return path


def test_health_facts_before_any_import(store: StatusStore, tmp_path: Path) -> None:
    facts = health_facts([], tmp_path / "no-model.tar.gz", store, tmp_path / "missing.gz")
    assert facts["last_import"] is None and facts["catalog"] is None  # the one upsert was no import
    assert facts["notices"] == {"sent": 0, "failed": 0}
    assert facts["model"] == "—" and facts["channels"] == []


def test_health_facts_after_an_import_and_todays_notices(store: StatusStore, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("\n".join([
        HEADER,
        f"{CODE},khai_sinh,Nguyễn Thị Hoa,0912345678,03/11/2025,20/11/2025,Đang xử lý,",  # as stored: unchanged
        "H12.22-251103-0043,khai_sinh,Lê Văn C,0987654321,03/11/2025,,Đã tiếp nhận,",  # new
        "H12.22-251103-0044,khai_sinh,Lê Văn D,0987654321,31/02/2025,,Đã tiếp nhận,",  # bad date
    ]) + "\n", encoding="utf-8")
    import_file(export, store, ("khai_sinh",))

    for recipient in ("telegram:1", "telegram:2", "telegram:3", "telegram:4"):
        store.subscribe(CODE, "telegram", recipient)
    assert store.upsert_many([], "x") == []  # not an import (no rejected count): the file's stays the last
    moved = store.upsert(ApplicationRecord(CODE, "khai_sinh", "Nguyễn Thị Hoa", "0912345678", date(2025, 11, 3),
                                           date(2025, 11, 20), "da_co_ket_qua", None), "api")
    for notice in store.pending_notifications():
        assert store.claim_notification(notice.history_id, notice.channel, notice.recipient)
    store.mark_notification_failed(moved.history_id, "telegram", "telegram:2")
    with store._write() as conn:  # noqa: SLF001 - one notice was sent two days ago
        conn.execute(notifications.update().where(notifications.c.recipient == "telegram:4")
                     .values(at=datetime.now(timezone.utc) - timedelta(days=2)))

    catalog = gzipped(tmp_path / "catalog.jsonl.gz", b'{"crawled": "2025-10-01", "records": 2631}\n{}\n')
    model = tmp_path / "caunoi.tar.gz"
    model.write_bytes(b"model")
    os.utime(model, (0, datetime(2026, 12, 7, 14, 4, tzinfo=timezone.utc).timestamp()))
    (tmp_path / "caunoi.fingerprint").write_text("c1b1975bc1bb6e2e0da279e0b7ea7acc\n", encoding="utf-8")
    facts = health_facts(["rest", "telegram", "mystery"], model, store, catalog)
    last = facts["last_import"]
    assert (last.source, last.added, last.updated, last.unchanged, last.rejected) == (
        "import:export.csv", 1, 0, 1, 1)
    assert abs(last.at - datetime.now(timezone.utc)) < timedelta(minutes=1)
    assert facts["notices"] == {"sent": 2, "failed": 1}
    assert facts["catalog"] == {"crawled": "2025-10-01", "records": 2631}
    assert facts["channels"] == [{"name": "rest", "label": "REST"}, {"name": "telegram", "label": "Telegram"},
                                 {"name": "mystery", "label": "mystery"}]
    # Vietnam's local time (UTC+7), and the training inputs' fingerprint that `caunoi train` wrote.
    assert facts["model"] == "caunoi.tar.gz, huấn luyện 07/12/2026 21:04, mã đầu vào c1b1975bc1bb"
    assert facts["kb"]["procedures"] > 0 and facts["peak_mb"] > 0
    assert re.fullmatch(r"[0-9a-f]{12}", facts["kb"]["version"])
