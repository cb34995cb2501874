"""The status store on real SQLite and a real PostgreSQL server: the same behaviour on both."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot.status.phone import phone_hash
from bot.status.store import ApplicationRecord, StatusStore, initials, metadata, open_status_store
from tests.support.pg import DATABASES, new_database

SALT = b"k" * 32
CODE = "H12.22-251103-0042"
RECORD = ApplicationRecord(CODE, "khai_sinh", "Nguyễn Văn An", "0912 345 678", date(2025, 11, 3),
                           date(2025, 11, 10), "da_tiep_nhan", None)


@pytest.fixture(params=DATABASES)
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'status.db'}"
    return new_database(request.getfixturevalue("postgres_url"))


@pytest.fixture()
def store(db_url):
    s = StatusStore(db_url, SALT)
    yield s
    s.close()


def record(code: str = CODE, **changes) -> ApplicationRecord:
    return replace(RECORD, code=code, **changes)


def all_text(url: str) -> str:
    """Every value of every table, as text: what someone copying the database would see."""
    engine = sa.create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            return "\n".join(repr(tuple(row)) for table in metadata.sorted_tables
                             for row in conn.execute(sa.select(table)))
    finally:
        engine.dispose()


def _run_together(targets: list) -> None:
    """Each target on its own thread, all started before any is waited for."""
    threads = [threading.Thread(target=target) for target in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_initials():
    assert initials("Nguyễn Văn An") == "N.V.A."
    assert initials("  đỗ thị ánh ") == "Đ.T.Á."
    assert initials("") is None and initials(None) is None


def test_upsert_outcomes_and_history(store):
    first = store.upsert(record(), "import:a.csv")
    assert first.outcome == "added" and first.stage_changed is False and first.history_id is not None
    app = store.get(CODE)
    assert app.procedure_id == "khai_sinh" and app.name_initials == "N.V.A." and app.phone_last4 == "5678"
    assert app.received == date(2025, 11, 3) and app.due == date(2025, 11, 10) and app.stage == "da_tiep_nhan"
    assert app.updated_at.tzinfo is not None and abs(app.updated_at - datetime.now(timezone.utc)) < timedelta(minutes=1)
    assert [(h.stage, h.source) for h in app.history] == [("da_tiep_nhan", "import:a.csv")]
    assert app.history[0].at.tzinfo is not None

    again = store.upsert(record(), "import:a.csv")
    assert again.outcome == "unchanged" and not again.stage_changed and again.history_id is None
    assert store.get(CODE) == app  # not even updated_at moved

    moved = store.upsert(record(stage="dang_xu_ly"), "api")
    assert moved.outcome == "updated" and moved.stage_changed and moved.history_id > first.history_id
    later = store.get(CODE)
    assert later.stage == "dang_xu_ly" and later.updated_at >= app.updated_at
    assert [(h.stage, h.source) for h in later.history] == [("da_tiep_nhan", "import:a.csv"), ("dang_xu_ly", "api")]


def test_other_changes_update_without_history_except_new_papers_asked(store):
    store.upsert(record(), "x")
    due = store.upsert(record(due=date(2025, 11, 20)), "x")
    assert due.outcome == "updated" and not due.stage_changed and due.history_id is None
    assert store.get(CODE).due == date(2025, 11, 20)
    store.upsert(record(due=date(2025, 11, 20), stage="can_bo_sung", note="Thiếu giấy chứng sinh"), "x")
    more = store.upsert(record(due=date(2025, 11, 20), stage="can_bo_sung", note="Thiếu CCCD của mẹ"), "x")
    assert more.outcome == "updated" and not more.stage_changed and more.history_id is not None
    history = store.get(CODE).history
    assert [(h.stage, h.note) for h in history][-2:] == [("can_bo_sung", "Thiếu giấy chứng sinh"),
                                                         ("can_bo_sung", "Thiếu CCCD của mẹ")]
    blank = store.upsert(record(due=date(2025, 11, 20), stage="can_bo_sung", note="  Thiếu CCCD của mẹ "), "x")
    assert blank.outcome == "unchanged"  # only spaces differ


def test_codes_are_looked_up_as_typed(store):
    store.upsert(record(code="h12.22 - 251103 - 0042"), "x")
    assert store.get("H12.22-251103-0042").code == CODE
    assert store.get("h12 22 251103 0042").code == CODE
    assert store.get("H12.22-251103-0043") is None


def test_verify_right_wrong_and_unknown_look_the_same(store):
    store.upsert(record(), "x")
    assert store.verify(CODE, "5678").code == CODE
    assert store.verify("h12.22-251103-0042", " 5678 ").code == CODE
    wrong, unknown = store.verify(CODE, "5679"), store.verify("H12.22-251103-0099", "5678")
    assert wrong is None and unknown is None
    for bad in ("", "678", "05678", "abcd", None):
        assert store.verify(CODE, bad) is None


def test_the_database_never_holds_the_full_phone_or_name(store, db_url):
    store.upsert(record(name="Trần Thị Bích Ngọc", phone="+84 987 654 321", note="Thiếu giấy tờ"), "x")
    store.upsert(record(code="000.00.21.H12-251104-0007", name="Lê Văn Tám", phone="0389.111.222"), "x")
    store.subscribe(CODE, "telegram", "telegram:42")
    store.add_failure("telegram:42")
    text = all_text(db_url)
    for secret in ("Trần", "Bích", "Ngọc", "Tám", "0987654321", "987654321", "987 654 321", "0389111222",
                   "389111222"):
        assert secret not in text
    assert "T.T.B.N." in text and "4321" in text and phone_hash(SALT, "0987654321") in text


def test_subscriptions_and_notifications_never_twice(store):
    store.upsert(record(), "x")
    assert store.subscribe(CODE, "telegram", "telegram:42") is True
    assert store.subscribe("h12.22-251103-0042", "telegram", "telegram:42") is False
    assert store.subscribe(CODE, "zalo", "zalo:7") is True
    assert store.subscriptions_for("telegram:42") == [CODE]
    assert store.pending_notifications() == []  # the state at subscription time is not news

    change = store.upsert(record(stage="can_bo_sung", note="Thiếu giấy chứng sinh"), "api")
    pending = store.pending_notifications()
    assert [(p.history_id, p.code, p.stage, p.note, p.channel, p.recipient) for p in pending] == [
        (change.history_id, CODE, "can_bo_sung", "Thiếu giấy chứng sinh", "telegram", "telegram:42"),
        (change.history_id, CODE, "can_bo_sung", "Thiếu giấy chứng sinh", "zalo", "zalo:7"),
    ]
    assert store.claim_notification(change.history_id, "telegram", "telegram:42") is True
    assert store.claim_notification(change.history_id, "telegram", "telegram:42") is False
    assert [p.recipient for p in store.pending_notifications()] == ["zalo:7"]
    assert store.claim_notification(change.history_id, "zalo", "zalo:7") is True
    store.mark_notification_failed(change.history_id, "zalo", "zalo:7")
    assert store.pending_notifications() == []  # a failed send is not retried: never twice

    store.unsubscribe(CODE, "zalo", "zalo:7")
    final = store.upsert(record(stage="da_co_ket_qua"), "api")
    assert [(p.history_id, p.recipient) for p in store.pending_notifications()] == [(final.history_id, "telegram:42")]
    assert store.pending_notifications(limit=0) == []


def test_two_workers_claim_each_change_once(store, db_url):
    store.upsert(record(), "x")
    for n in range(5):
        store.subscribe(CODE, "telegram", f"telegram:{n}")
    store.upsert(record(stage="dang_xu_ly"), "x")
    other = StatusStore(db_url, SALT)  # a second server process would have its own store
    claimed: list[tuple[int, str]] = []
    try:
        def worker(s: StatusStore) -> None:
            for notice in s.pending_notifications():
                if s.claim_notification(notice.history_id, notice.channel, notice.recipient):
                    claimed.append((notice.history_id, notice.recipient))

        _run_together([lambda s=s: worker(s) for s in (store, other, store, other)])
    finally:
        other.close()
    assert sorted(r for _, r in claimed) == [f"telegram:{n}" for n in range(5)]


def test_concurrent_upserts_of_a_new_code_add_it_once(store, db_url):
    other = StatusStore(db_url, SALT)
    outcomes: list[str] = []
    try:
        _run_together([lambda s=s: outcomes.append(s.upsert(record(), "x").outcome) for s in (store, other) * 3])
    finally:
        other.close()
    assert sorted(outcomes) == ["added"] + ["unchanged"] * 5
    assert len(store.get(CODE).history) == 1


def test_failures_counting(store):
    now = datetime.now(timezone.utc)
    store.add_failure("telegram:42", now - timedelta(hours=2))
    store.add_failure("telegram:42")
    store.add_failure("telegram:42")
    store.add_failure("zalo:7")
    assert store.failures_since("telegram:42", now - timedelta(minutes=15)) == 2
    assert store.failures_since("telegram:42", now - timedelta(days=1)) == 3
    store.clear_failures("telegram:42")
    assert store.failures_since("telegram:42", now - timedelta(days=1)) == 0
    assert store.failures_since("zalo:7", now - timedelta(days=1)) == 1


def test_bad_records_are_refused(store):
    with pytest.raises(ValueError):
        store.upsert(record(phone="12"), "x")
    with pytest.raises(ValueError):
        store.upsert(record(stage="xong"), "x")
    with pytest.raises(ValueError):
        store.upsert(record(code="nope"), "x")
    assert store.get(CODE) is None


def test_the_store_survives_reopening(db_url):
    first = StatusStore(db_url, SALT)
    first.upsert(record(), "x")
    first.close()
    second = StatusStore(db_url, SALT)
    try:
        assert second.upsert(record(), "x").outcome == "unchanged"
    finally:
        second.close()


def test_open_status_store_defaults_to_sqlite_in_the_data_folder(tmp_path, monkeypatch):
    from bot.settings import load_settings

    monkeypatch.setenv("CAUNOI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CAUNOI_STATUS_DB", raising=False)
    load_settings.cache_clear()
    try:
        s = open_status_store()
        try:
            assert s.dialect == "sqlite"
            s.upsert(record(), "x")
        finally:
            s.close()
        assert (tmp_path / "data" / "status.db").exists() and (tmp_path / "data" / "status_salt").exists()
        monkeypatch.setenv("CAUNOI_STATUS_DB", f"sqlite:///{tmp_path / 'elsewhere.db'}")
        s = open_status_store()
        s.close()
        assert (tmp_path / "elsewhere.db").exists()
    finally:
        load_settings.cache_clear()


def test_upsert_many_refuses_a_bad_record_before_writing_any(store):
    store.upsert(record(code="H12.22-251103-0001"), "x")
    batch = [record(), record(code="H12.22-251103-0001", stage="dang_xu_ly"), record(code="H12.22-251103-0043",
                                                                                     phone="12")]
    with pytest.raises(ValueError, match="not a phone number"):
        store.upsert_many(batch, "import:a.csv", rejected=0)
    assert store.get(CODE) is None
    assert store.get("H12.22-251103-0001").stage == "da_tiep_nhan"
    assert store.last_import() is None


def test_upsert_many_is_one_transaction_when_a_write_fails_halfway(store, db_url):
    # The second record passes the checks but the database refuses it (no received date), after the first
    # was written in the same transaction.
    batch = [record(), record(code="H12.22-251103-0043", received=None)]
    with pytest.raises(sa.exc.IntegrityError):
        store.upsert_many(batch, "import:a.csv", rejected=1)
    assert store.get(CODE) is None
    assert store.last_import() is None
    assert all_text(db_url) == ""  # no application, history or import row left behind


def test_upsert_many_results_in_order(store):
    store.upsert(record(code="H12.22-251103-0001"), "x")
    results = store.upsert_many([record(), record(code="H12.22-251103-0001"),
                                 record(code="H12.22-251103-0001", stage="dang_xu_ly")], "batch")
    assert [(r.outcome, r.stage_changed) for r in results] == [("added", False), ("unchanged", False),
                                                               ("updated", True)]
    assert [h.source for h in store.get("H12.22-251103-0001").history] == ["x", "batch"]


def test_last_import_records_each_batch_with_its_counts(store):
    assert store.last_import() is None
    store.upsert(record(), "api")  # a single update is not an import
    assert store.last_import() is None

    store.upsert_many([record(), record(code="H12.22-251103-0043")], "import:a.csv", rejected=3)
    first = store.last_import()
    assert (first.source, first.added, first.updated, first.unchanged, first.rejected) == ("import:a.csv", 1, 0, 1, 3)
    assert first.at.tzinfo is not None and abs(first.at - datetime.now(timezone.utc)) < timedelta(minutes=1)

    store.upsert_many([record(stage="dang_xu_ly")], "import:b.csv", rejected=0)
    later = store.last_import()
    assert (later.source, later.added, later.updated, later.unchanged, later.rejected) == ("import:b.csv", 0, 1, 0, 0)
    assert later.at >= first.at
    store.upsert_many([], "import:empty.csv", rejected=2)  # every row refused: still an import
    assert (store.last_import().source, store.last_import().rejected) == ("import:empty.csv", 2)


def test_notice_counts_by_outcome_since_a_moment(store):
    store.upsert(record(), "x")
    for n in range(4):
        store.subscribe(CODE, "telegram", f"telegram:{n}")
    start = datetime.now(timezone.utc) - timedelta(seconds=1)
    assert store.notice_counts(start) == {}
    change = store.upsert(record(stage="dang_xu_ly"), "x")
    for n in range(4):
        assert store.claim_notification(change.history_id, "telegram", f"telegram:{n}")
    store.mark_notification_failed(change.history_id, "telegram", "telegram:1")
    store.mark_notification_failed(change.history_id, "telegram", "telegram:2")
    assert store.notice_counts(start) == {"sent": 2, "failed": 2}
    assert store.notice_counts(datetime.now(timezone.utc) + timedelta(minutes=1)) == {}
