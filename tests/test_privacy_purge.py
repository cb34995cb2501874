"""`caunoi purge` on real SQLite and a real PostgreSQL: old conversations go, status codes are blanked
after their session, old status records go, and nothing that is still needed is touched."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.cli import main
from bot.privacy.purge import purge, retention_days, session_expiry_minutes
from bot.report.collect import open_engine
from bot.settings import Settings
from bot.status.store import ApplicationRecord, StatusStore
from bot.tracker_store import CachedSQLTrackerStore
from tests.pg import new_database

CODE = "H12.22-251103-0042"
DAY = 86400.0
NOW = time.time()


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'trackers.db'}"
    return new_database(request.getfixturevalue("postgres_url"))


def _store(root: Path, url: str) -> CachedSQLTrackerStore:
    domain = Domain.load(str(root / "domain.yml"))
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return CachedSQLTrackerStore(domain=domain, dialect="sqlite", db=parsed.database, host=None)
    return CachedSQLTrackerStore(domain=domain, dialect="postgresql", host=parsed.host, port=parsed.port,
                                 db=parsed.database, username=parsed.username, password=parsed.password)


def _conversation(store: CachedSQLTrackerStore, sender: str, *turns: tuple[float, list]) -> None:
    """Save a conversation whose events happened `age` seconds before NOW."""
    tracker = DialogueStateTracker(sender, store.domain.slots)
    for age, events in turns:
        for event in events:
            event.timestamp = NOW - age
            tracker.update(event)
    asyncio.run(store.save(tracker))


def _status_turn() -> list:
    return [ActionExecuted("action_listen"), UserUttered(f"hồ sơ {CODE}"), SlotSet("status_code", CODE),
            BotUttered("Bạn gõ 4 số cuối."), UserUttered("5678"), SlotSet("status_verified", CODE)]


def _fill(root: Path, url: str) -> CachedSQLTrackerStore:
    store = _store(root, url)
    _conversation(store, "old", (100 * DAY, [ActionExecuted("action_listen"), UserUttered("làm căn cước"),
                                              BotUttered("Cần tờ khai.")]))
    _conversation(store, "old_status", (95 * DAY, _status_turn()))
    _conversation(store, "quiet", (2 * 3600, _status_turn()))  # session expired 1 h ago
    _conversation(store, "active", (10 * 60, _status_turn()))  # session still on
    _conversation(store, "next_session", (50 * 60, _status_turn()),
                  (5 * 60, [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
                            UserUttered("xin chào")]))
    return store


def _slots(url: str) -> dict[str, list]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT sender_id, data FROM events WHERE type_name = 'slot' ORDER BY id"))
            out: dict[str, list] = {}
            for sender, data in rows:
                out.setdefault(sender, []).append(json.loads(data)["value"])
            return out
    finally:
        engine.dispose()


def _senders(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return set(conn.execute(sa.text("SELECT DISTINCT sender_id FROM events")).scalars())
    finally:
        engine.dispose()


def test_purge_trackers(root: Path, tracker_url: str) -> None:
    _fill(root, tracker_url)
    before = _slots(tracker_url)
    engine = open_engine(tracker_url, readonly=False)
    try:
        dry = purge(engine, None, 90, 60, dry_run=True, now=NOW)
        assert (dry.conversations, dry.events) == (2, 3 + 6)
        assert dry.status_slots == 4  # quiet: 2, next_session: 2 (an earlier session); active: kept
        assert _slots(tracker_url) == before and "old" in _senders(tracker_url)  # a dry run changes nothing

        done = purge(engine, None, 90, 60, now=NOW)
        assert (done.conversations, done.events, done.status_slots) == (2, 9, 4)
        assert _senders(tracker_url) == {"quiet", "active", "next_session"}
        slots = _slots(tracker_url)
        assert slots["quiet"] == [None, None] and slots["next_session"] == [None, None]
        assert slots["active"] == [CODE, CODE]  # the dialogue still needs it

        again = purge(engine, None, 90, 60, now=NOW)  # nothing left to do
        assert (again.conversations, again.events, again.status_slots) == (0, 0, 0)
    finally:
        engine.dispose()
    # Rasa reads the purged conversation back: the code is gone from its slots, the rest is there
    restored = asyncio.run(_store(root, tracker_url).retrieve("quiet"))
    assert restored.get_slot("status_code") is None and restored.get_slot("status_verified") is None
    assert restored.latest_message.text == "5678"


def test_conversation_with_a_new_message_is_kept(root: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'trackers.db'}"
    store = _store(root, url)
    _conversation(store, "back", (200 * DAY, [ActionExecuted("action_listen"), UserUttered("cũ")]),
                  (60, [UserUttered("mới")]))
    engine = open_engine(url, readonly=False)
    try:
        summary = purge(engine, None, 90, 60, now=NOW)
    finally:
        engine.dispose()
    assert summary.conversations == 0 and _senders(url) == {"back"}


SALT = b"k" * 32
RECORD = ApplicationRecord(CODE, "khai_sinh", "Nguyễn Văn An", "0912 345 678", date(2025, 11, 3), None,
                           "da_tiep_nhan", None)


@pytest.fixture(params=["sqlite", "postgresql"])
def status_store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'status.db'}"
    else:
        url = new_database(request.getfixturevalue("postgres_url"))
    store = StatusStore(url, SALT)
    yield store
    store.close()


def test_purge_status_store(status_store: StatusStore) -> None:
    store = status_store
    now = datetime.now(timezone.utc)
    store.add_failure("old", now - timedelta(days=2))
    store.add_failure("recent", now - timedelta(minutes=5))
    store.upsert(RECORD, "import")
    store.subscribe(CODE, "telegram", "chat-1")
    changed = store.upsert(replace(RECORD, stage="dang_xu_ly"), "import")
    [notice] = store.pending_notifications()
    assert notice.history_id == changed.history_id
    assert store.claim_notification(notice.history_id, notice.channel, notice.recipient)

    summary = purge(None, store, 90, dry_run=True)
    assert (summary.verify_failures, summary.notifications) == (1, 0)
    assert store.failures_since("old", now - timedelta(days=3)) == 1

    summary = purge(None, store, 90)
    assert (summary.verify_failures, summary.notifications) == (1, 0)
    assert store.failures_since("old", now - timedelta(days=3)) == 0
    assert store.failures_since("recent", now - timedelta(hours=1)) == 1  # the guessing limit still sees it

    # 100 days on, the notification record goes, and the change is still never sent twice
    later = (now + timedelta(days=100)).timestamp()
    assert purge(None, store, 90, dry_run=True, now=later).notifications == 1
    assert purge(None, store, 90, now=later).notifications == 1
    assert store.pending_notifications() == []
    # a later change is news again
    newer = store.upsert(replace(RECORD, stage="da_co_ket_qua"), "import")
    assert [n.history_id for n in store.pending_notifications()] == [newer.history_id]


def _settings(root: Path, tmp_path: Path, sections: dict) -> Settings:
    from bot.settings import Commune

    return Settings(root, root / "procedures_kb", tmp_path, root / "models", Commune("x", "x", "x", "x", "x"), (),
                    sections)


def test_retention_days_from_env_then_settings(root: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CAUNOI_RETENTION_DAYS", raising=False)
    assert retention_days(_settings(root, tmp_path, {})) == 90
    assert retention_days(_settings(root, tmp_path, {"privacy": {"retention_days": 30}})) == 30
    monkeypatch.setenv("CAUNOI_RETENTION_DAYS", "7")
    assert retention_days(_settings(root, tmp_path, {"privacy": {"retention_days": 30}})) == 7
    for bad in ("0", "-3", "abc", "nan"):
        monkeypatch.setenv("CAUNOI_RETENTION_DAYS", bad)
        with pytest.raises(ValueError):
            retention_days(_settings(root, tmp_path, {}))
    assert session_expiry_minutes(root) == 60
    assert session_expiry_minutes(tmp_path) == 60  # no domain.yml: the default


def test_cli_purge(root: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    from bot.settings import load_settings

    monkeypatch.setenv("CAUNOI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CAUNOI_RETENTION_DAYS", raising=False)
    monkeypatch.delenv("CAUNOI_STATUS_DB", raising=False)
    load_settings.cache_clear()
    try:
        assert main(["purge", "--dry-run"]) == 0  # nothing stored yet: nothing created either
        out = capsys.readouterr().out
        assert "No conversation database yet" in out and "No status database yet" in out
        assert not (tmp_path / "status.db").exists() and not (tmp_path / "trackers.db").exists()

        url = f"sqlite:///{tmp_path / 'trackers.db'}"
        _fill(root, url)
        StatusStore(f"sqlite:///{tmp_path / 'status.db'}", SALT).close()
        assert main(["purge", "--dry-run"]) == 0
        out = capsys.readouterr().out
        assert "Conversations to delete: 2 (9 events)" in out and "dry run" in out
        assert "old" in _senders(url)
        assert main(["purge", "--older-than", "96"]) == 0
        out = capsys.readouterr().out
        assert "Conversations deleted: 1 (3 events)" in out and "Status slot values blanked: 6" in out  # old_status too
        assert _senders(url) == {"old_status", "quiet", "active", "next_session"}
        assert main(["purge", "--older-than", "0"]) == 2
        assert main(["purge", "--db", f"sqlite:///{tmp_path / 'missing.db'}"]) == 2
        assert "no conversation database" in capsys.readouterr().err
    finally:
        load_settings.cache_clear()
