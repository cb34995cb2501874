"""The cached SQL tracker store: nothing lost, and another writer invalidates the cache."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.tracker_store import CachedSQLTrackerStore
from tests.support.pg import DATABASES


def _store(root: Path, db: Path | str) -> CachedSQLTrackerStore:
    domain = Domain.load(str(root / "domain.yml"))
    if isinstance(db, Path):
        return CachedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db), host=None)
    url = sa.engine.make_url(db)
    return CachedSQLTrackerStore(domain=domain, dialect="postgresql", host=url.host, port=url.port,
                                 db=url.database, username=url.username, password=url.password)


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    if request.param == "sqlite":
        return tmp_path / "trackers.db"
    from tests.support.pg import new_database

    return new_database(request.getfixturevalue("postgres_url"))


def test_cache_reflects_sql_and_other_writers(root: Path, database: Path | str) -> None:
    async def scenario() -> None:
        db = database
        first, second = _store(root, db), _store(root, db)
        tracker = DialogueStateTracker("u1", first.domain.slots)
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered("làm căn cước cần gì"))
        tracker.update(SlotSet("procedure", "can_cuoc"))
        await first.save(tracker)

        cached = await first.retrieve("u1")
        assert cached is tracker  # the newest id in SQL is the one this store wrote: no re-read
        assert cached.get_slot("procedure") == "can_cuoc"
        cached.update(SlotSet("procedure", "mutated"))  # a turn that fails before saving…
        again = await first.retrieve("u1")  # …must not leak: this comes from SQL
        assert again is not cached and again.get_slot("procedure") == "can_cuoc"
        again.update(SlotSet("topic", "fee"))
        await first.save(again)  # saved from an SQL read: only the new event is added
        assert [e.as_dict() for e in (await _store(root, db).retrieve("u1")).events][-1]["value"] == "fee"

        # another replica appends to the same conversation
        other = await second.retrieve("u1")
        other.update(SlotSet("procedure", "ket_hon"))
        await second.save(other)
        assert (await first.retrieve("u1")).get_slot("procedure") == "ket_hon"

        # more turns through the cache, then a fresh process (restart) reads back exactly the same
        for turn in range(3):
            current = await first.retrieve("u1")
            current.update(UserUttered(f"câu {turn}"))
            current.update(SlotSet("topic", f"t{turn}"))
            await first.save(current)
        latest = await first.retrieve("u1")
        restarted = await _store(root, db).retrieve("u1")
        assert [e.as_dict() for e in restarted.events] == [e.as_dict() for e in latest.events]
        assert restarted.get_slot("procedure") == "ket_hon" and restarted.get_slot("topic") == "t2"

    asyncio.run(scenario())


def test_exclusive_store_writes_new_conversations_whole_and_in_order(root: Path, tmp_path: Path) -> None:
    """The first save of a conversation retrieve() did not find skips the count of stored events;
    interleaved conversations still store every event, and a restart reads them all back."""

    async def scenario() -> None:
        db = tmp_path / "trackers.db"
        domain = Domain.load(str(root / "domain.yml"))
        store = CachedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db), host=None, exclusive=True)

        async def conversation(sender: str) -> None:
            tracker = await store.retrieve(sender)
            assert tracker is None
            tracker = DialogueStateTracker(sender, domain.slots)
            tracker.update(ActionExecuted("action_listen"))
            await store.save(tracker)
            for turn in range(5):
                tracker = await store.retrieve(sender)
                tracker.update(UserUttered(f"{sender} câu {turn}"))
                tracker.update(SlotSet("topic", f"t{turn}"))
                await store.save(tracker)

        await asyncio.gather(*(conversation(f"u{i}") for i in range(8)))
        restarted = CachedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db), host=None)
        for i in range(8):
            events = (await restarted.retrieve(f"u{i}")).events
            texts = [e.text for e in events if isinstance(e, UserUttered)]
            assert texts == [f"u{i} câu {turn}" for turn in range(5)]
            assert events[-1].as_dict()["value"] == "t4"
        # the columns `caunoi report` and `caunoi purge` read are filled as Rasa's own store fills them
        with sqlite3.connect(db) as connection:
            rows = connection.execute(
                "SELECT type_name, intent_name, action_name, timestamp, data FROM events"
                " WHERE sender_id = 'u3' ORDER BY id"
            ).fetchall()
        assert [r[0] for r in rows] == ["action"] + ["user", "slot"] * 5
        assert rows[0][2] == "action_listen" and rows[1][1] is None and rows[2][1] is None
        assert all(isinstance(r[3], float) and json.loads(r[4])["timestamp"] == r[3] for r in rows)

    asyncio.run(scenario())
