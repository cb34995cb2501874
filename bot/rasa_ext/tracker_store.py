"""SQL tracker store with an in-process cache of recently active conversations.

Rasa's SQLTrackerStore re-reads and re-parses a conversation's whole history on every message and
counts the stored events again before every save (together about half of the server's CPU under
load, measured with py-spy). Every event is still written to SQL (SQLite by default, PostgreSQL by
URL) in the same transaction as before, so nothing is lost on restart; the cache only saves the
re-reads. A cached tracker is used only while the newest event id in SQL is the one this process
wrote, so another replica writing to the same conversation invalidates it; with `exclusive` (set by
`caunoi run`, which holds a lock on its data folder) there is no other writer and that check is
skipped.

Personal data (Decree 13/2023): every event is stored redacted (`bot.privacy.events.redact_event_dict`:
phones, ID numbers, application codes, emails and names in texts, entities, metadata and bot payloads),
except the status slots the dialogue needs during a session, which `caunoi purge` blanks afterwards.
The cache keeps the tracker as it was (memory only, this process).
"""

from __future__ import annotations

import itertools
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.privacy.events import redact_event_dict

logger = logging.getLogger(__name__)

_COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")  # what _row fills


@dataclass
class _Entry:
    last_id: int | None  # newest event row this process wrote for the conversation
    stored: int  # events of `tracker` already in SQL
    tracker: DialogueStateTracker | None  # None while handed out to Rasa for the current turn
    handed_out: DialogueStateTracker | None = None
    absent: bool = False  # retrieve found no such conversation: its first save writes every event


def _sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    # WAL: one fsync per commit instead of several, readers never block the writer; still durable.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _pooled_sqlite_engine(url: Any) -> sa.engine.Engine:
    """SQLAlchemy 1.4 opens a new SQLite connection per session (NullPool); keep a few open.

    Rasa touches the store only from its event-loop thread, so sharing connections is safe.
    """
    engine = sa.create_engine(
        url, poolclass=sa.pool.QueuePool, pool_size=2, max_overflow=2,
        connect_args={"check_same_thread": False},
    )
    sa.event.listen(engine, "connect", _sqlite_wal)
    return engine


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Any = None, cache_size: int = 2000, exclusive: bool = False, **kwargs: Any) -> None:
        if kwargs.get("host") is None:  # Rasa passes the endpoint's `url` as host; SQLite has none
            kwargs.pop("host", None)
        super().__init__(domain=domain, **kwargs)
        if self.engine.dialect.name == "sqlite":
            old = self.engine
            self.engine = _pooled_sqlite_engine(old.url)
            self.sessionmaker.configure(bind=self.engine)
            old.dispose()
        self._cache: OrderedDict[str, _Entry] = OrderedDict()
        self._cache_size = int(cache_size)
        self._exclusive = bool(exclusive)
        self._insert = self.SQLEvent.__table__.insert()  # built once; executemany per save
        self._max_id = sa.select(sa.func.max(self.SQLEvent.id)).where(self.SQLEvent.sender_id == sa.bindparam("sender"))
        self._returning = self.engine.dialect.name == "postgresql"
        self._index_sender_and_id()
        columns, marks = ", ".join(_COLUMNS), ", ".join("?" for _ in _COLUMNS)
        self._sqlite_insert = (
            f"INSERT INTO {self.SQLEvent.__tablename__} ({columns}) VALUES ({marks})"
            if self.engine.dialect.name == "sqlite" else None
        )

    @staticmethod
    def _row(sender_id: str, event: Any) -> dict[str, Any]:
        data = redact_event_dict(event.as_dict())
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    def _append_sqlite(self, tracker: DialogueStateTracker, entry: _Entry) -> int | None:
        """The new events of a cached conversation, straight through the pooled sqlite3
        connection: one executemany and one commit, without the ORM session's bookkeeping (a
        third of a save's CPU, measured)."""
        rows = [self._row(tracker.sender_id, event) for event in itertools.islice(tracker.events, entry.stored, None)]
        if not rows:
            return entry.last_id
        connection = self.engine.raw_connection()  # from the pool; close() gives it back
        try:
            cursor = connection.cursor()
            cursor.executemany(self._sqlite_insert, [tuple(row[c] for c in _COLUMNS) for row in rows])
            last_id = cursor.execute("SELECT last_insert_rowid()").fetchone()[0]
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            connection.close()
        return last_id

    def _last_inserted_id(self, session: Any) -> int | None:
        if self.engine.dialect.name == "sqlite":  # same connection, same transaction
            return session.execute(sa.text("SELECT last_insert_rowid()")).scalar()
        return None  # other databases: read back below

    def _last_event_id(self, sender_id: str) -> int | None:
        # Every turn on a shared database asks this (is the cached tracker still the newest?): a
        # plain statement on the (sender_id, id) index, without an ORM session around it.
        with self.engine.connect() as connection:
            return connection.execute(self._max_id, {"sender": sender_id}).scalar()

    def _index_sender_and_id(self) -> None:
        """`max(id) WHERE sender_id = ?` reads one index entry instead of every event of the
        conversation. Rasa indexes sender_id only; another replica may be creating the same index."""
        table = self.SQLEvent.__tablename__
        statement = f"CREATE INDEX IF NOT EXISTS caunoi_events_sender_id_id ON {table} (sender_id, id)"
        try:
            with self.engine.begin() as connection:
                connection.execute(sa.text(statement))
        except sa.exc.SQLAlchemyError as exc:
            logger.warning("Tracker store: index on (sender_id, id) not created (%s)", type(exc).__name__)

    def _remember(self, sender_id: str, entry: _Entry) -> None:
        self._cache[sender_id] = entry
        self._cache.move_to_end(sender_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The cached tracker itself, handed out for this turn (no copy: copying replays every
        event). Until Rasa saves it back, the conversation is read from SQL."""
        entry = self._cache.get(sender_id)
        if entry is not None:
            if entry.tracker is not None and (self._exclusive or self._last_event_id(sender_id) == entry.last_id):
                self._cache.move_to_end(sender_id)
                entry.handed_out, entry.tracker = entry.tracker, None
                return entry.handed_out
            del self._cache[sender_id]
        tracker = await super().retrieve(sender_id)
        if tracker is None and self._exclusive:
            self._cache[sender_id] = _Entry(None, 0, None, absent=True)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Like SQLTrackerStore.save, without re-counting stored events when the cache knows."""
        await self.stream_events(tracker)
        entry = self._cache.get(tracker.sender_id)
        if entry is not None and entry.absent:
            entry = _Entry(None, 0, None, handed_out=tracker)  # new conversation: nothing stored yet
        if entry is not None and entry.handed_out is not tracker:
            entry = None  # this tracker was read from SQL: count what SQL already has
        if entry is not None and self._sqlite_insert is not None:
            last_id = self._append_sqlite(tracker, entry)
            self._remember(tracker.sender_id, _Entry(last_id, len(tracker.events), tracker))
            return
        with self.session_scope() as session:
            if entry is not None:
                new_events = itertools.islice(tracker.events, entry.stored, None)
            else:
                new_events = self._additional_events(session, tracker)
            rows = [self._row(tracker.sender_id, event) for event in new_events]
            last_id = entry.last_id if entry else None
            if rows and self._returning:  # one statement, and the new ids with it (PostgreSQL)
                ids = session.execute(self._insert.values(rows).returning(self.SQLEvent.id)).scalars().all()
                last_id = max(ids)
            elif rows:  # the ORM and per-row statements cost more than the SQL itself
                session.execute(self._insert, rows)
                last_id = self._last_inserted_id(session)
            session.commit()
        if last_id is None:
            last_id = self._last_event_id(tracker.sender_id)
        # Rasa is done with the tracker once saved (it does not change it afterwards).
        self._remember(tracker.sender_id, _Entry(last_id, len(tracker.events), tracker))
