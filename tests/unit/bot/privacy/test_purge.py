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
from bot.rasa_ext.tracker_store import CachedSQLTrackerStore
from bot.report.collect import open_engine
from bot.settings import Settings
from bot.status.store import ApplicationRecord, StatusStore, applications, notifications, stage_history, subscriptions
from tests.support.pg import DATABASES, new_database

CODE = "H12.22-251103-0042"
DAY = 86400.0
NOW = time.time()


@pytest.fixture(params=DATABASES)
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


@pytest.fixture(params=DATABASES)
def status_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'status.db'}"
    return new_database(request.getfixturevalue("postgres_url"))


@pytest.fixture
def status_store(status_url: str):
    store = StatusStore(status_url, SALT)
    yield store
    store.close()


def _backdate(url: str, table: sa.Table, column: str, when: datetime, **where: str) -> None:
    """Pretend a row was written at `when` (the store stamps rows with the real time)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(table.update().where(*[table.c[k] == v for k, v in where.items()]).values({column: when}))
    finally:
        engine.dispose()


def test_purge_status_store(status_store: StatusStore, status_url: str) -> None:
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
    assert (summary.verify_failures, summary.notifications, summary.subscriptions) == (1, 0, 0)
    assert store.failures_since("old", now - timedelta(days=3)) == 1

    summary = purge(None, store, 90)
    assert (summary.verify_failures, summary.notifications, summary.subscriptions) == (1, 0, 0)
    assert store.failures_since("old", now - timedelta(days=3)) == 0
    assert store.failures_since("recent", now - timedelta(hours=1)) == 1  # the guessing limit still sees it

    # The notice went out 100 days ago: its record goes, and the change is still never sent twice
    # (the subscription and its file are recent, so the subscription stays)
    _backdate(status_url, notifications, "at", now - timedelta(days=100), recipient="chat-1")
    dry = purge(None, store, 90, dry_run=True)
    assert (dry.notifications, dry.subscriptions) == (1, 0)
    done = purge(None, store, 90)
    assert (done.notifications, done.subscriptions) == (1, 0)
    assert store.pending_notifications() == []
    # a later change is news again
    newer = store.upsert(replace(RECORD, stage="da_co_ket_qua"), "import")
    assert [n.history_id for n in store.pending_notifications()] == [newer.history_id]
    # 100 days on, nothing has happened to the file or the subscription for a whole retention period
    later = (now + timedelta(days=100)).timestamp()
    assert purge(None, store, 90, dry_run=True, now=later).subscriptions == 1
    assert store.subscriptions_for("chat-1") == [CODE]
    assert purge(None, store, 90, now=later).subscriptions == 1
    assert store.subscriptions_for("chat-1") == []


def _code(n: int) -> str:
    return f"H12.22-251103-{n:04d}"


def test_purge_subscriptions(status_store: StatusStore, status_url: str) -> None:
    """Which subscriptions `caunoi purge` removes (retention 90 days): those whose file ended (final stage)
    more than 90 days ago, and those where neither the subscription nor its file changed for 90 days.
    A subscriber whose file is still moving keeps the subscription and gets the final notice."""
    store, now = status_store, datetime.now(timezone.utc)
    days = lambda n: now - timedelta(days=n)  # noqa: E731
    # code n: (stage, last change of the file, when the subscription was made, purged?)
    cases = {
        1: ("da_tra_ket_qua", days(100), days(120), True),  # ended 100 days ago
        2: ("tu_choi", days(100), days(10), True),  # ended 100 days ago; subscribed after the end
        3: ("da_tra_ket_qua", days(10), days(120), False),  # ended 10 days ago: the final notice is recent
        4: ("dang_xu_ly", days(10), days(200), False),  # long-running file, still moving: keep
        5: ("can_bo_sung", days(100), days(100), True),  # nothing happened for 100 days: forgotten
        6: ("dang_xu_ly", days(100), days(5), False),  # quiet file, but a new subscription
        7: ("da_co_ket_qua", days(95), days(91), True),  # result ready but never collected, 95 days on
    }
    for n, (stage, changed, made, _purged) in cases.items():
        record = replace(RECORD, code=_code(n))
        store.upsert(record, "import")
        store.subscribe(_code(n), "zalo", f"user-{n}")
        store.subscribe(_code(n), "telegram", f"chat-{n}")
        store.upsert(replace(record, stage=stage), "import")
        _backdate(status_url, applications, "updated_at", changed, code=_code(n))
        _backdate(status_url, stage_history, "at", changed, code=_code(n))
        _backdate(status_url, subscriptions, "created_at", made, code=_code(n))
    # subscriptions to codes the store does not know (the file was removed from it)
    store.subscribe(_code(98), "zalo", "user-98")
    _backdate(status_url, subscriptions, "created_at", days(100), code=_code(98))
    store.subscribe(_code(99), "zalo", "user-99")  # made today: kept
    purged = {n for n, case in cases.items() if case[3]} | {98}
    kept = set(cases) - purged | {99}

    def subscribed() -> set[int]:
        return {n for n in [*cases, 98, 99] if store.subscriptions_for(f"user-{n}")}

    assert subscribed() == set(cases) | {98, 99}
    pending_before = store.pending_notifications()
    assert purge(None, store, 90, dry_run=True).subscriptions == 2 * len(purged) - 1  # 98 has one subscriber
    assert subscribed() == set(cases) | {98, 99}  # a dry run changes nothing
    summary = purge(None, store, 90)
    assert summary.subscriptions == 2 * len(purged) - 1
    assert subscribed() == kept
    assert {n for n in kept if store.subscriptions_for(f"chat-{n}")} == kept - {99}  # both channels kept
    # The kept subscribers still get the changes not sent yet (code 3: its final notice), nobody else does
    still = {(p.code, p.recipient) for p in store.pending_notifications()}
    assert still == {(p.code, p.recipient) for p in pending_before if p.code in {_code(n) for n in kept}}
    assert (_code(3), "user-3") in still
    assert purge(None, store, 90).subscriptions == 0  # nothing left to do


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
        assert "Notice subscriptions that would be deleted: 0" in out
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


def test_purge_language_choices(status_store: StatusStore, status_url: str) -> None:
    """A language choice neither made nor used for the retention period is forgotten; one in use stays."""
    from bot.status.store import language_choices

    store, now = status_store, datetime.now(timezone.utc)
    for sender in ("telegram:1", "telegram:2", "zalo:3"):
        store.remember_language(sender, "qaa")
    engine = sa.create_engine(status_url)
    try:
        with engine.begin() as conn:  # the first two were made 100 days ago
            conn.execute(language_choices.update().where(language_choices.c.sender_hash.in_(
                [store._sender_hash("telegram:1"), store._sender_hash("telegram:2")]))
                .values(at=now - timedelta(days=100)))
    finally:
        engine.dispose()
    assert store.language_of("telegram:2") == "qaa"  # used today: kept
    later = now.timestamp()
    assert purge(None, store, 90, dry_run=True, now=later).language_choices == 1
    assert purge(None, store, 90, now=later).language_choices == 1
    assert store.language_of("telegram:1") is None
    assert store.language_of("telegram:2") == "qaa" and store.language_of("zalo:3") == "qaa"
