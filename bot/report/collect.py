"""What people asked and what went unanswered, read from the Rasa SQL tracker store.

The store (bot/rasa_ext/tracker_store.py) keeps one `events` row per Rasa event, in order of `id`, with the
event as JSON in `data`. A user turn is a user event and the bot events after it, until the same
conversation's next user event; every reply carries `custom.procedure_id` and `custom.topic`.
An answer from the national catalog names its procedure "portal:<code>": those are counted apart from
the curated ones, as the candidates for the digital team to curate (`caunoi kb draft portal:<code>`).
Only SELECTs are issued, and SQLite files are opened read-only, so a report can run beside a
live assistant.

Dates are local dates in Vietnam (Asia/Ho_Chi_Minh, UTC+7 all year, no daylight saving): the
people and the staff reading the report are there, whatever the server's clock zone is.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.catalog.tier import PORTAL
from bot.dialogue.intents import Topic
from bot.dialogue.reply import ANSWER_TOPICS
from bot.privacy.redact import PLACEHOLDERS, redact


def _vietnam_tz() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Ho_Chi_Minh")
    except (ImportError, KeyError):  # no tz database on this machine: Vietnam is UTC+7 all year anyway
        return timezone(timedelta(hours=7), "ICT")


LOCAL_TZ = _vietnam_tz()
TIMEZONE_NAME = "Asia/Ho_Chi_Minh"
# Questions that matched nothing, the catalog's "nothing close" (unknown_procedure) included.
UNANSWERED_TOPICS = (Topic.FALLBACK, Topic.OUT_OF_SCOPE, Topic.UNKNOWN_PROCEDURE)
# Asked back which procedure: the curated buttons, or a choice of close portal procedures.
UNCLEAR_TOPIC = Topic.CLARIFY.value
# Bot events of a turn can be stored a moment after midnight; read this much past the period's end.
_REPLY_GRACE_SECONDS = 600
_EXTERNAL_PREFIX = "EXTERNAL: "  # Rasa's text for engine-triggered turns (status notices): not a person


class ReportError(Exception):
    """A problem the user can fix (no database, not a tracker store); printed as one line."""


@dataclass(frozen=True)
class Period:
    since: date | None = None  # first local day included
    until: date | None = None  # last local day included

    def bounds(self) -> tuple[float | None, float | None]:
        """[start, end) as Unix timestamps, the unit of the `timestamp` column."""
        start = datetime.combine(self.since, time(), LOCAL_TZ).timestamp() if self.since else None
        end = (
            datetime.combine(self.until + timedelta(days=1), time(), LOCAL_TZ).timestamp() if self.until else None
        )
        return start, end


@dataclass
class Report:
    period: Period
    first_message: datetime | None = None  # local time of the first counted user message
    last_message: datetime | None = None
    conversations: int = 0
    user_messages: int = 0
    no_reply: int = 0  # user messages the assistant stored no reply for
    procedures: Counter[str] = field(default_factory=Counter)  # curated procedure_id -> turns answered about it
    portal: Counter[str] = field(default_factory=Counter)  # "portal:<code>" -> turns answered from the catalog
    topics: Counter[str] = field(default_factory=Counter)  # reply topic -> turns
    unanswered: Counter[str] = field(default_factory=Counter)  # redacted, normalised question -> times
    unclear: Counter[str] = field(default_factory=Counter)  # questions the assistant had to ask back about
    channels: Counter[str] = field(default_factory=Counter)
    inputs: Counter[str] = field(default_factory=Counter)  # "text" / "voice"
    days: Counter[date] = field(default_factory=Counter)  # local day -> user messages (the console's chart)


@dataclass(frozen=True)
class Event:
    sender_id: str
    type_name: str  # "user" or "bot"
    timestamp: float
    data: dict[str, Any]


_SPACES = re.compile(r"\s+")
_PLACEHOLDER_SPLIT = re.compile("(" + "|".join(re.escape(p) for p in PLACEHOLDERS) + ")")


def question_key(text: str | None) -> str:
    """How questions are grouped: redacted, lower-cased (placeholders kept as written), spaces
    collapsed, surrounding punctuation dropped ("Thời tiết hôm nay?" = "thời tiết  hôm nay")."""
    parts = _PLACEHOLDER_SPLIT.split(redact(text or ""))
    lowered = "".join(part if i % 2 else part.lower() for i, part in enumerate(parts))
    return _SPACES.sub(" ", lowered).strip(" .,;:!?…\"'“”")


# --- reading --------------------------------------------------------------------------------

def _readonly_sqlite(path: str, readonly: bool = True) -> sa.engine.Engine:
    file = Path(path).expanduser()
    if not file.is_file():
        raise ReportError(f"no conversation database at {file} (start the assistant first, or give --db)")
    if not readonly:  # `caunoi purge`: waits its turn behind the running server's writes
        return sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(str(file.resolve()), timeout=30))
    uri = f"file:{quote(str(file.resolve()))}?mode=ro"
    return sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))


def open_engine(url: str, readonly: bool = True) -> sa.engine.Engine:
    """An engine for an SQLAlchemy URL; SQLite files read-only (unless `readonly` is False), and they must exist."""
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError as exc:
        raise ReportError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise ReportError(f"{url}: give the SQLite file, e.g. sqlite:///data/trackers.db")
        return _readonly_sqlite(parsed.database, readonly)
    return sa.create_engine(parsed)


_QUERY = "SELECT sender_id, type_name, timestamp, data FROM events WHERE type_name IN ('user', 'bot')"


def read_events(engine: sa.engine.Engine, period: Period) -> Iterator[Event]:
    """User and bot events of the period (plus a grace for late replies), in stored order."""
    start, end = period.bounds()
    query, params = _QUERY, {}
    if start is not None:
        query += " AND timestamp >= :start"
        params["start"] = start
    if end is not None:
        query += " AND timestamp < :end"
        params["end"] = end + _REPLY_GRACE_SECONDS
    query += " ORDER BY id"
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("events"):
                raise ReportError(f"{engine.url}: no Rasa 'events' table: not a Cầu Nối conversation store")
            rows = conn.execution_options(stream_results=True).execute(sa.text(query), params)
            for sender_id, type_name, timestamp, data in rows:
                try:
                    parsed = json.loads(data) if data else {}
                except ValueError:
                    continue  # a damaged row must not stop the report
                yield Event(sender_id, type_name, float(timestamp or parsed.get("timestamp") or 0), parsed)
    except sa.exc.DBAPIError as exc:
        first_line = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise ReportError(f"cannot read {engine.url}: {first_line}") from exc


# --- summing up -----------------------------------------------------------------------------

@dataclass
class _Turn:
    timestamp: float
    text: str
    channel: str
    voice: bool
    counted: bool  # inside the period, and sent by a person
    topics: list[str] = field(default_factory=list)
    procedures: list[str] = field(default_factory=list)


def _open_turn(event: Event, start: float | None, end: float | None) -> _Turn:
    data = event.data
    metadata = data.get("metadata") or {}
    text = data.get("text") or ""
    external = bool(metadata.get("is_external")) or text.startswith(_EXTERNAL_PREFIX)
    inside = (start is None or event.timestamp >= start) and (end is None or event.timestamp < end)
    return _Turn(
        timestamp=event.timestamp,
        text=text,
        channel=data.get("input_channel") or "không rõ",
        voice=metadata.get("input") == "voice",
        counted=inside and not external,
    )


def _add_reply(turn: _Turn, event: Event) -> None:
    custom = (event.data.get("data") or {}).get("custom")
    if not isinstance(custom, dict) or not custom.get("topic"):
        return
    topic = str(custom["topic"])
    turn.topics.append(topic)
    if topic in ANSWER_TOPICS and custom.get("procedure_id"):
        turn.procedures.append(str(custom["procedure_id"]))


def _count(report: Report, senders: set[str], sender_id: str, turn: _Turn) -> None:
    if not turn.counted:
        return
    senders.add(sender_id)
    report.user_messages += 1
    report.channels[turn.channel] += 1
    report.inputs["voice" if turn.voice else "text"] += 1
    local = datetime.fromtimestamp(turn.timestamp, LOCAL_TZ)
    if report.first_message is None or local < report.first_message:
        report.first_message = local
    if report.last_message is None or local > report.last_message:
        report.last_message = local
    report.days[local.date()] += 1
    if not turn.topics:
        report.no_reply += 1
    topics = set(turn.topics)
    report.topics.update(topics)
    for procedure_id in set(turn.procedures):
        (report.portal if procedure_id.startswith(PORTAL) else report.procedures)[procedure_id] += 1
    if topics & set(UNANSWERED_TOPICS):
        report.unanswered[question_key(turn.text)] += 1
    elif UNCLEAR_TOPIC in topics:
        report.unclear[question_key(turn.text)] += 1


def summarise(events: Iterable[Event], period: Period) -> Report:
    start, end = period.bounds()
    report = Report(period)
    senders: set[str] = set()
    open_turns: dict[str, _Turn] = {}
    for event in events:
        if event.type_name == "user":
            previous = open_turns.get(event.sender_id)
            if previous is not None:
                _count(report, senders, event.sender_id, previous)
            open_turns[event.sender_id] = _open_turn(event, start, end)
        elif event.type_name == "bot" and event.sender_id in open_turns:
            _add_reply(open_turns[event.sender_id], event)
    for sender_id, turn in open_turns.items():
        _count(report, senders, sender_id, turn)
    report.conversations = len(senders)
    return report


def collect(url: str, period: Period | None = None) -> Report:
    """The report for `period` (default: everything) from the tracker store at `url` (an SQLAlchemy URL)."""
    period = period or Period()
    engine = open_engine(url)
    try:
        return summarise(read_events(engine, period), period)
    finally:
        engine.dispose()
