"""The application-status store: what the commune's one-stop system says about each file, and who asked to
be told when it changes. SQLAlchemy Core, on SQLite (default, `data/status.db`) or PostgreSQL (by URL).

Personal data (Decree 13/2023): a file is found by its code and checked with the last 4 digits of the
phone number on it. So the store keeps the name's initials, the phone's last 4 digits and a keyed hash of
the whole number, never the name or the number themselves.

Every write is one short transaction. On SQLite it starts with BEGIN IMMEDIATE: the import command and
the running server write the same file, and a read transaction that later wants to write could otherwise
fail at once instead of waiting its turn (busy timeout).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.settings import Settings, load_settings
from bot.status.codes import normalize_code
from bot.status.config import status_db_url
from bot.status.phone import last4, load_salt, phone_digits, phone_hash
from bot.status.stages import FINAL_STAGES, STAGES
from bot.storage.database import Database


class UTCDateTime(sa.types.TypeDecorator):
    """A UTC instant, stored without zone (SQLite has none) and read back timezone-aware."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone-aware one")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=timezone.utc) if value is not None else None


metadata = sa.MetaData()
CODE, KEY = sa.String(64), sa.String(200)

applications = sa.Table(
    "applications", metadata,
    sa.Column("code", CODE, primary_key=True),
    sa.Column("procedure_id", sa.String(64), nullable=False),
    sa.Column("name_initials", sa.String(32)),
    sa.Column("phone_hash", sa.String(64), nullable=False),
    sa.Column("phone_last4", sa.String(4), nullable=False),
    sa.Column("received", sa.Date, nullable=False),
    sa.Column("due", sa.Date),
    sa.Column("stage", sa.String(20), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)
stage_history = sa.Table(
    "stage_history", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", CODE, nullable=False, index=True),
    sa.Column("stage", sa.String(20), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("source", KEY, nullable=False),
)
subscriptions = sa.Table(
    "subscriptions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", CODE, nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("recipient", KEY, nullable=False, index=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # Only changes after this history row are news to the subscriber.
    sa.Column("after_history_id", sa.Integer, nullable=False),
    sa.UniqueConstraint("code", "channel", "recipient", name="uq_subscription"),
)
notifications = sa.Table(
    "notifications", metadata,
    # The key is the "never twice" guarantee: a second claim of the same change fails to insert.
    sa.Column("history_id", sa.Integer, primary_key=True),
    sa.Column("channel", sa.String(32), primary_key=True),
    sa.Column("recipient", KEY, primary_key=True),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)
verify_failures = sa.Table(
    "verify_failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender", KEY, nullable=False, index=True),
    sa.Column("at", UTCDateTime, nullable=False),
)

# Each import or API batch, for the console's health page: when and what it did (counts only).
imports = sa.Table(
    "imports", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("source", KEY, nullable=False),
    sa.Column("added", sa.Integer, nullable=False),
    sa.Column("updated", sa.Integer, nullable=False),
    sa.Column("unchanged", sa.Integer, nullable=False),
    sa.Column("rejected", sa.Integer, nullable=False),
)

# The language a sender chose (bot/dialogue/language.py), remembered past the session; the sender is
# kept only as an HMAC, like a phone number, so the table names nobody.
language_choices = sa.Table(
    "language_choices", metadata,
    sa.Column("sender_hash", sa.String(64), primary_key=True),
    sa.Column("language", sa.String(16), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)


@dataclass(frozen=True)
class ApplicationRecord:
    """One row of an export. The full name and phone stay in memory: the store keeps initials and a hash."""

    code: str
    procedure_id: str
    name: str | None
    phone: str
    received: date
    due: date | None
    stage: str
    note: str | None


@dataclass(frozen=True)
class UpsertResult:
    outcome: str  # "added", "updated" or "unchanged"
    stage_changed: bool  # an existing file moved to another stage (False for a new file)
    history_id: int | None = None  # the history row written, if any


@dataclass(frozen=True)
class ImportRecord:
    at: datetime
    source: str
    added: int
    updated: int
    unchanged: int
    rejected: int


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    stage: str
    note: str | None
    at: datetime
    source: str


@dataclass(frozen=True)
class Application:
    code: str
    procedure_id: str
    name_initials: str | None
    phone_last4: str
    received: date
    due: date | None
    stage: str
    note: str | None
    updated_at: datetime
    history: list[HistoryEntry] = field(default_factory=list)


@dataclass(frozen=True)
class PendingNotice:
    history_id: int
    code: str
    stage: str
    note: str | None
    channel: str
    recipient: str


def initials(name: str | None) -> str | None:
    """"Nguyễn Văn An" → "N.V.A.": enough for staff to tell two files apart, not enough to name anyone."""
    words = re.findall(r"\w+", name or "")
    letters = [w[0].upper() for w in words if not w[0].isdigit()]
    return "".join(f"{c}." for c in letters) or None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _clean_note(note: str | None) -> str | None:
    note = (note or "").strip()
    return note or None


def _lookup_code(code: str) -> str:
    return normalize_code(code) or (code.strip().upper() if isinstance(code, str) else "")


class StatusStore(Database):
    def __init__(self, url: str, salt: bytes) -> None:
        self._salt = salt
        super().__init__(url, metadata)

    # -- applications -------------------------------------------------------------------------------------

    def _row_values(self, record: ApplicationRecord) -> dict[str, Any]:
        digits = phone_digits(record.phone)
        if digits is None:
            raise ValueError(f"{record.code}: not a phone number")
        if record.stage not in STAGES:
            raise ValueError(f"{record.code}: unknown stage {record.stage!r}")
        code = normalize_code(record.code)
        if code is None:
            raise ValueError(f"not an application code: {record.code!r}")
        return {
            "code": code, "procedure_id": record.procedure_id, "name_initials": initials(record.name),
            "phone_hash": phone_hash(self._salt, digits), "phone_last4": last4(digits),
            "received": record.received, "due": record.due, "stage": record.stage,
            "note": _clean_note(record.note),
        }

    def upsert(self, record: ApplicationRecord, source: str) -> UpsertResult:
        """Add or update one file; a new file, a new stage or new papers asked for are written to history."""
        return self.upsert_many([record], source)[0]

    def upsert_many(self, records: list[ApplicationRecord], source: str, rejected: int | None = None
                    ) -> list[UpsertResult]:
        """All the files or none, in one transaction: an import that fails halfway leaves nothing behind.
        With `rejected` (the rows refused before this), the batch is also noted in `imports`."""
        rows = [self._row_values(record) for record in records]  # a bad record raises before any write
        try:
            return self._upsert_all(rows, source, rejected)
        except IntegrityError:
            # Another process added one of these new codes between our read and insert: it is there now.
            return self._upsert_all(rows, source, rejected)

    def _upsert_all(self, rows: list[dict[str, Any]], source: str, rejected: int | None) -> list[UpsertResult]:
        with self._write() as conn:
            results = [self._upsert(conn, values, source) for values in rows]
            if rejected is not None:
                counts = {o: sum(r.outcome == o for r in results) for o in ("added", "updated", "unchanged")}
                conn.execute(imports.insert().values(at=_now(), source=source[:200], rejected=rejected, **counts))
            return results

    def _upsert(self, conn: Connection, values: dict[str, Any], source: str) -> UpsertResult:
        query = sa.select(applications).where(applications.c.code == values["code"]).with_for_update()
        old = conn.execute(query).mappings().first()
        now = _now()
        if old is None:
            conn.execute(applications.insert().values(**values, updated_at=now))
            history_id = self._add_history(conn, values, now, source)
            return UpsertResult("added", False, history_id)
        if all(old[k] == v for k, v in values.items()):
            return UpsertResult("unchanged", False)
        conn.execute(applications.update().where(applications.c.code == values["code"])
                     .values(**values, updated_at=now))
        stage_changed = old["stage"] != values["stage"]
        more_papers = values["stage"] == "can_bo_sung" and old["note"] != values["note"]
        history_id = self._add_history(conn, values, now, source) if stage_changed or more_papers else None
        return UpsertResult("updated", stage_changed, history_id)

    def last_import(self) -> ImportRecord | None:
        with self._read() as conn:
            row = conn.execute(sa.select(imports).order_by(imports.c.id.desc()).limit(1)).mappings().first()
        return ImportRecord(**{k: v for k, v in row.items() if k != "id"}) if row else None

    def notice_counts(self, since: datetime) -> dict[str, int]:
        """Status notices since a moment, by outcome ("sent", "failed", …)."""
        n = notifications
        with self._read() as conn:
            rows = conn.execute(sa.select(n.c.status, sa.func.count()).where(n.c.at >= since)
                                .group_by(n.c.status)).all()
        return {str(status): int(count) for status, count in rows}

    @staticmethod
    def _add_history(conn: Connection, values: dict[str, Any], at: datetime, source: str) -> int:
        result = conn.execute(stage_history.insert().values(
            code=values["code"], stage=values["stage"], note=values["note"], at=at, source=source[:200]))
        return int(result.inserted_primary_key[0])

    def get(self, code: str) -> Application | None:
        with self._read() as conn:
            row = conn.execute(sa.select(applications).where(applications.c.code == _lookup_code(code))
                               ).mappings().first()
            if row is None:
                return None
            history = conn.execute(sa.select(stage_history).where(stage_history.c.code == row["code"])
                                   .order_by(stage_history.c.id)).mappings().all()
        return Application(
            code=row["code"], procedure_id=row["procedure_id"], name_initials=row["name_initials"],
            phone_last4=row["phone_last4"], received=row["received"], due=row["due"], stage=row["stage"],
            note=row["note"], updated_at=row["updated_at"],
            history=[HistoryEntry(h["id"], h["stage"], h["note"], h["at"], h["source"]) for h in history],
        )

    def verify(self, code: str, last4_digits: str) -> Application | None:
        """The file, only when the code exists and the phone's last 4 digits match.

        An unknown code and wrong digits give the same None, after the same comparison: nobody learns
        which codes exist by trying.
        """
        application = self.get(code)
        given = re.sub(r"\D", "", last4_digits) if isinstance(last4_digits, str) else ""
        expected = application.phone_last4 if application is not None else "\x00" * 4
        matches = hmac.compare_digest(given.encode(), expected.encode())
        return application if matches and application is not None else None

    # -- language choices ---------------------------------------------------------------------------------

    def _sender_hash(self, sender: str) -> str:
        return hmac.new(self._salt, sender.encode("utf-8"), hashlib.sha256).hexdigest()

    def language_of(self, sender: str) -> str | None:
        """The language this sender chose last, if any; asked once a session, which keeps the choice
        from being purged while it is used."""
        key = language_choices.c.sender_hash == self._sender_hash(sender)
        with self._read() as conn:
            found = conn.execute(sa.select(language_choices.c.language).where(key)).scalar_one_or_none()
        if found is not None:
            with self._write() as conn:
                conn.execute(language_choices.update().where(key).values(at=_now()))
        return found

    def purge_language_choices(self, before: datetime, dry_run: bool = False) -> int:
        """Delete (or, with `dry_run`, count) choices neither made nor used since `before` (`caunoi purge`)."""
        where = language_choices.c.at < before
        if dry_run:
            with self._read() as conn:
                query = sa.select(sa.func.count()).select_from(language_choices).where(where)
                return int(conn.execute(query).scalar_one())
        with self._write() as conn:
            return int(conn.execute(language_choices.delete().where(where)).rowcount)

    def remember_language(self, sender: str, language: str) -> None:
        key = self._sender_hash(sender)
        with self._write() as conn:
            conn.execute(language_choices.delete().where(language_choices.c.sender_hash == key))
            conn.execute(language_choices.insert().values(sender_hash=key, language=language, at=_now()))

    # -- guessing limit -----------------------------------------------------------------------------------

    def add_failure(self, sender: str, at: datetime | None = None) -> None:
        with self._write() as conn:
            conn.execute(verify_failures.insert().values(sender=sender, at=at or _now()))

    def failures_since(self, sender: str, since: datetime) -> int:
        with self._read() as conn:
            query = (sa.select(sa.func.count()).select_from(verify_failures)
                     .where(verify_failures.c.sender == sender, verify_failures.c.at >= since))
            return int(conn.execute(query).scalar_one())

    def clear_failures(self, sender: str) -> None:
        with self._write() as conn:
            conn.execute(verify_failures.delete().where(verify_failures.c.sender == sender))

    def purge_failures(self, before: datetime, dry_run: bool = False) -> int:
        """Delete (or, with `dry_run`, count) failed verifications older than `before` (`caunoi purge`)."""
        where = verify_failures.c.at < before
        if dry_run:
            with self._read() as conn:
                return int(conn.execute(sa.select(sa.func.count()).select_from(verify_failures).where(where))
                           .scalar_one())
        with self._write() as conn:
            return int(conn.execute(verify_failures.delete().where(where)).rowcount)

    # -- subscriptions and notifications ------------------------------------------------------------------

    def subscribe(self, code: str, channel: str, recipient: str) -> bool:
        """Ask to be told of later changes of a file; True when this is a new subscription."""
        code = _lookup_code(code)
        try:
            with self._write() as conn:
                newest = conn.execute(sa.select(sa.func.max(stage_history.c.id))
                                      .where(stage_history.c.code == code)).scalar()
                conn.execute(subscriptions.insert().values(
                    code=code, channel=channel, recipient=recipient, created_at=_now(),
                    after_history_id=newest or 0))
        except IntegrityError:
            return False
        return True

    def unsubscribe(self, code: str, channel: str, recipient: str) -> None:
        with self._write() as conn:
            conn.execute(subscriptions.delete().where(
                subscriptions.c.code == _lookup_code(code), subscriptions.c.channel == channel,
                subscriptions.c.recipient == recipient))

    def subscriptions_for(self, recipient: str) -> list[str]:
        with self._read() as conn:
            query = (sa.select(subscriptions.c.code).where(subscriptions.c.recipient == recipient)
                     .order_by(subscriptions.c.id))
            return list(dict.fromkeys(conn.execute(query).scalars()))

    def pending_notifications(self, limit: int = 100) -> list[PendingNotice]:
        """Changes subscribers have not been sent yet, oldest first."""
        h, s, n = stage_history, subscriptions, notifications
        sent = sa.and_(n.c.history_id == h.c.id, n.c.channel == s.c.channel, n.c.recipient == s.c.recipient)
        query = (sa.select(h.c.id, h.c.code, h.c.stage, h.c.note, s.c.channel, s.c.recipient)
                 .select_from(h.join(s, sa.and_(s.c.code == h.c.code, h.c.id > s.c.after_history_id))
                              .outerjoin(n, sent))
                 .where(n.c.history_id.is_(None))
                 .order_by(h.c.id, s.c.id).limit(limit))
        with self._read() as conn:
            return [PendingNotice(*row) for row in conn.execute(query)]

    def claim_notification(self, history_id: int, channel: str, recipient: str) -> bool:
        """Take the right to send one change to one subscriber; False when it was already taken."""
        try:
            with self._write() as conn:
                conn.execute(notifications.insert().values(
                    history_id=history_id, channel=channel, recipient=recipient, status="sent", at=_now()))
        except IntegrityError:
            return False
        return True

    def mark_notification_failed(self, history_id: int, channel: str, recipient: str) -> None:
        """Record that sending failed; it stays claimed (never sent twice), staff can see it."""
        with self._write() as conn:
            conn.execute(notifications.update().where(
                notifications.c.history_id == history_id, notifications.c.channel == channel,
                notifications.c.recipient == recipient).values(status="failed", at=_now()))

    def purge_notifications(self, before: datetime, dry_run: bool = False) -> int:
        """Delete (or, with `dry_run`, count) notification rows older than `before` (`caunoi purge`).

        A row is what stops a change being sent twice, so first each subscription that row belongs to is
        moved past that change (`after_history_id`): a purged notice is never sent again.
        """
        n, h, s = notifications, stage_history, subscriptions
        where = n.c.at < before
        if dry_run:
            with self._read() as conn:
                return int(conn.execute(sa.select(sa.func.count()).select_from(n).where(where)).scalar_one())
        with self._write() as conn:
            newest = (sa.select(sa.func.max(n.c.history_id))
                      .select_from(n.join(h, h.c.id == n.c.history_id))
                      .where(where, h.c.code == s.c.code, n.c.channel == s.c.channel, n.c.recipient == s.c.recipient)
                      .scalar_subquery())
            conn.execute(s.update().where(newest > s.c.after_history_id).values(after_history_id=newest))
            return int(conn.execute(n.delete().where(where)).rowcount)


    def purge_subscriptions(self, before: datetime, dry_run: bool = False) -> int:
        """Delete (or, with `dry_run`, count) the subscriptions that are done with (`caunoi purge`):

        - finished: the file is at a final stage (FINAL_STAGES) and its last change is older than `before`.
          The notifier sends a change within minutes, so the final notice went out long before;
        - forgotten: made before `before`, and its file has not changed since `before` (or is not in the
          store): nothing happened to it for a whole retention period.

        A file still being worked on keeps its subscribers, however old the subscription, as long as it
        changes at least once per retention period: they still get the final notice.
        """
        s, a = subscriptions, applications
        finished = (sa.select(a.c.code)
                    .where(a.c.code == s.c.code, a.c.stage.in_(FINAL_STAGES), a.c.updated_at < before).exists())
        changed_since = sa.select(a.c.code).where(a.c.code == s.c.code, a.c.updated_at >= before).exists()
        where = sa.or_(finished, sa.and_(s.c.created_at < before, ~changed_since))
        if dry_run:
            with self._read() as conn:
                return int(conn.execute(sa.select(sa.func.count()).select_from(s).where(where)).scalar_one())
        with self._write() as conn:
            return int(conn.execute(s.delete().where(where)).rowcount)


def open_status_store(settings: Settings | None = None) -> StatusStore:
    settings = settings or load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return StatusStore(status_db_url(settings), load_salt(settings.data_dir))


class OpenedOnFirstUse:
    """A process's one status store for the server's routes: opened off the event loop on first use and
    kept; a store that cannot be opened is tried again on the next request."""

    def __init__(self, open_store: Callable[[], StatusStore] = open_status_store) -> None:
        self._open = open_store
        self._store: StatusStore | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> StatusStore:
        async with self._lock:
            if self._store is None:
                self._store = await asyncio.to_thread(self._open)
            return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
