"""SQL tracker store with an in-process cache of recently active conversations.

Rasa's SQLTrackerStore re-reads and re-parses a conversation's whole history on every message
(41 % of the server's CPU under load, measured with py-spy). Every event is still written to SQL
(SQLite by default, PostgreSQL by URL), so nothing is lost on restart; the cache only saves the
re-read. A cached tracker is used only when the newest event id in SQL is the one this process
wrote, so another replica writing to the same conversation invalidates it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Any = None, cache_size: int = 2000, **kwargs: Any) -> None:
        if kwargs.get("host") is None:  # Rasa passes the endpoint's `url` as host; SQLite has none
            kwargs.pop("host", None)
        super().__init__(domain=domain, **kwargs)
        self._cache: OrderedDict[str, tuple[int | None, DialogueStateTracker]] = OrderedDict()
        self._cache_size = int(cache_size)

    def _last_event_id(self, sender_id: str) -> int | None:
        import sqlalchemy as sa

        with self.session_scope() as session:
            query = session.query(sa.func.max(self.SQLEvent.id)).filter(self.SQLEvent.sender_id == sender_id)
            return query.scalar()

    def _remember(self, sender_id: str, last_id: int | None, tracker: DialogueStateTracker) -> None:
        self._cache[sender_id] = (last_id, tracker)
        self._cache.move_to_end(sender_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        cached = self._cache.get(sender_id)
        if cached is not None:
            last_id, tracker = cached
            if self._last_event_id(sender_id) == last_id:
                self._cache.move_to_end(sender_id)
                return tracker.copy()  # the caller mutates it; the cache keeps its own
            del self._cache[sender_id]
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        self._remember(tracker.sender_id, self._last_event_id(tracker.sender_id), tracker.copy())
