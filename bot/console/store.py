"""Staff accounts, sessions, login failures and the audit log, in the status store's database.

The same database as the application files (SQLite by default, PostgreSQL when scaled out), so every
replica sees the same accounts and sessions. A session is kept as a hash of its cookie token, and an
address as a keyed hash: a copy of this database lets nobody log in or learn who connected from where.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from bot.settings import Settings, load_settings
from bot.status.config import status_db_url
from bot.status.store import UTCDateTime
from bot.storage.database import Database

metadata = sa.MetaData()
NAME = sa.String(64)

accounts = sa.Table(
    "staff_accounts", metadata,
    sa.Column("name", NAME, primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
sessions = sa.Table(
    "staff_sessions", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("name", NAME, nullable=False, index=True),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_seen", UTCDateTime, nullable=False),
)
failures = sa.Table(
    "staff_login_failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(100), nullable=False, index=True),  # "account:<name>" or "address:<hash>"
    sa.Column("at", UTCDateTime, nullable=False),
)
audit = sa.Table(
    "staff_audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", NAME, nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("detail", sa.String(300), nullable=False, default=""),
)
keys = sa.Table(
    "staff_keys", metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
)


def now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    disabled: bool
    created_at: datetime


@dataclass(frozen=True)
class Session:
    name: str
    role: str
    csrf: str
    created_at: datetime
    last_seen: datetime


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    detail: str


class AccountExists(ValueError):
    pass


class ConsoleStore(Database):
    def __init__(self, url: str) -> None:
        super().__init__(url, metadata)

    def secret(self) -> bytes:
        """This installation's key for cookies and addresses: made once, shared by every replica."""
        with self._read() as conn:
            value = conn.execute(sa.select(keys.c.value).where(keys.c.name == "console")).scalar()
        if value is None:
            try:
                with self._write() as conn:
                    conn.execute(keys.insert().values(name="console", value=secrets.token_hex(32)))
            except IntegrityError:
                pass  # another process made it first: read theirs
            return self.secret()
        return bytes.fromhex(value)

    # -- accounts -------------------------------------------------------------------------------------

    def has_accounts(self) -> bool:
        with self._read() as conn:
            return conn.execute(sa.select(accounts.c.name).limit(1)).first() is not None

    def add_account(self, name: str, role: str, password_hash: str) -> None:
        try:
            with self._write() as conn:
                conn.execute(accounts.insert().values(name=name, role=role, password_hash=password_hash,
                                                      disabled=False, created_at=now()))
        except IntegrityError:
            raise AccountExists(name) from None

    def account(self, name: str) -> tuple[Account, str] | None:
        """The account and its password hash."""
        with self._read() as conn:
            row = conn.execute(sa.select(accounts).where(accounts.c.name == name)).mappings().first()
        if row is None:
            return None
        return Account(row["name"], row["role"], row["disabled"], row["created_at"]), row["password_hash"]

    def accounts(self) -> list[Account]:
        with self._read() as conn:
            rows = conn.execute(sa.select(accounts).order_by(accounts.c.name)).mappings().all()
        return [Account(r["name"], r["role"], r["disabled"], r["created_at"]) for r in rows]

    def update_account(self, name: str, **values: object) -> bool:
        """Set the password hash, role or disabled flag; every session of the account ends with it."""
        with self._write() as conn:
            changed = conn.execute(accounts.update().where(accounts.c.name == name).values(**values)).rowcount
            conn.execute(sessions.delete().where(sessions.c.name == name))
            conn.execute(failures.delete().where(failures.c.key == f"account:{name}"))
        return bool(changed)

    def set_password_hash(self, name: str, password_hash: str) -> None:
        """A rehash at login (argon2's parameters moved on): the sessions stay."""
        with self._write() as conn:
            conn.execute(accounts.update().where(accounts.c.name == name).values(password_hash=password_hash))

    # -- sessions -------------------------------------------------------------------------------------

    def add_session(self, token_hash: str, name: str, csrf: str) -> None:
        at = now()
        with self._write() as conn:
            conn.execute(sessions.insert().values(token_hash=token_hash, name=name, csrf=csrf,
                                                  created_at=at, last_seen=at))

    def session(self, token_hash: str) -> Session | None:
        """The session with its account, only while the account is enabled."""
        query = (sa.select(sessions, accounts.c.role).join(accounts, accounts.c.name == sessions.c.name)
                 .where(sessions.c.token_hash == token_hash, accounts.c.disabled.is_(False)))
        with self._read() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            return None
        return Session(row["name"], row["role"], row["csrf"], row["created_at"], row["last_seen"])

    def touch_session(self, token_hash: str) -> None:
        with self._write() as conn:
            conn.execute(sessions.update().where(sessions.c.token_hash == token_hash).values(last_seen=now()))

    def end_session(self, token_hash: str) -> None:
        with self._write() as conn:
            conn.execute(sessions.delete().where(sessions.c.token_hash == token_hash))

    def end_sessions_before(self, idle_since: datetime, started_since: datetime) -> int:
        with self._write() as conn:
            return int(conn.execute(sessions.delete().where(sa.or_(
                sessions.c.last_seen < idle_since, sessions.c.created_at < started_since))).rowcount)

    # -- login failures -------------------------------------------------------------------------------

    def add_failures(self, *failure_keys: str) -> None:
        at = now()
        with self._write() as conn:
            conn.execute(failures.insert(), [{"key": key, "at": at} for key in failure_keys])

    def failures_since(self, key: str, since: datetime) -> int:
        query = sa.select(sa.func.count()).select_from(failures).where(failures.c.key == key, failures.c.at >= since)
        with self._read() as conn:
            return int(conn.execute(query).scalar_one())

    def clear_failures(self, key: str) -> None:
        with self._write() as conn:
            conn.execute(failures.delete().where(failures.c.key == key))

    def forget_failures(self, before: datetime) -> None:
        with self._write() as conn:
            conn.execute(failures.delete().where(failures.c.at < before))

    # -- audit ----------------------------------------------------------------------------------------

    def log(self, actor: str, action: str, detail: str = "") -> None:
        with self._write() as conn:
            conn.execute(audit.insert().values(at=now(), actor=actor[:64], action=action[:40], detail=detail[:300]))

    def audit_entries(self, limit: int = 200, actor: str | None = None) -> list[AuditEntry]:
        query = sa.select(audit).order_by(audit.c.id.desc()).limit(limit)
        if actor:
            query = query.where(audit.c.actor == actor)
        with self._read() as conn:
            rows = conn.execute(query).mappings().all()
        return [AuditEntry(r["at"], r["actor"], r["action"], r["detail"]) for r in rows]


def open_console_store(settings: Settings | None = None) -> ConsoleStore:
    settings = settings or load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return ConsoleStore(status_db_url(settings))
