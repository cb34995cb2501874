"""The Zalo OA token pair in a SQL database that every replica shares.

Why: Zalo's refresh token is single-use (tokens.py). Replicas of `caunoi run` each have their own data
folder; with one token file per folder, every replica would spend the same refresh token and all but the
first would lose Zalo. So when a shared database is configured, the pair lives in one row of the table
`zalo_tokens` (key: the Zalo app id) and every replica reads and refreshes that row.

Which store (`open_token_store`), the first that is set:

1. CAUNOI_STATUS_DB / `status.db_url`: the status store's database (what the README asks replicas to share);
2. CAUNOI_TRACKER_DB / `scale.tracker_db`: the shared conversation database;
3. neither: the file `<data dir>/zalo_tokens.json`, as on a single machine (unchanged).

Seeding rule, as for the file: the environment's ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN are written only
when the database has no pair for this app yet. A replica that used the file store before and still has
`zalo_tokens.json` brings that pair instead (it is newer than the environment's). Afterwards the row wins.

Refreshing across processes (`refreshing()`): ZaloClient reads the row, spends the refresh token at Zalo
and writes the new pair in one transaction on its own connection, under a database lock: PostgreSQL
`pg_advisory_xact_lock` (a lock on the app, held until commit), SQLite `BEGIN IMMEDIATE` (the database's
write lock), other databases `SELECT … FOR UPDATE` on the row. A replica that waited reads the pair the
first one stored and uses it instead of refreshing again. Waiting for the lock and every query run in a
worker thread, so the event loop keeps serving while another replica refreshes; the lock is given up after
LOCK_TIMEOUT_S. Plain reads (`load`) never wait for it.

Secrets: the pair is stored as is (like the 0600 file: whoever can read the database can use the OA);
engines hide query parameters in errors and logs, and error messages carry only the first line of the
driver's message, never a row.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import threading
import time
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.channels.zalo.tokens import HeldTokens, Tokens, TokenStorage, TokenStore, TokenStoreError, held_in_thread
from bot.settings import Settings
from bot.storage.sqlite_begin import explicit_begin

log = logging.getLogger(__name__)

TABLE = "zalo_tokens"
TOKEN_FILE = "zalo_tokens.json"
LOCK_TIMEOUT_S = 60.0  # a refresh takes at most ~35 s (3 attempts of 10 s, backoff): then something is stuck

metadata = sa.MetaData()
zalo_tokens = sa.Table(
    TABLE, metadata,
    sa.Column("app_id", sa.String(64), primary_key=True),
    sa.Column("access_token", sa.Text, nullable=False),
    sa.Column("refresh_token", sa.Text, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),  # access-token expiry, seconds since the epoch
    sa.Column("updated_at", sa.Float, nullable=False),
)


def shared_db_url(settings: Settings) -> str:
    """The database the tokens go to (module doc, rule 1 then 2); "" for the file store."""
    from bot.runtime.scale_config import configured_tracker_db
    from bot.status.config import configured_status_db_url

    return configured_status_db_url(settings) or configured_tracker_db(settings)


def open_token_store(settings: Settings, app_id: str, data_dir: Path | None = None) -> TokenStorage:
    """The SQL store when a shared database is configured, else the file in the data folder."""
    url = shared_db_url(settings)
    if url:
        return SQLTokenStore(url, app_id)
    return TokenStore(Path(data_dir or settings.data_dir) / TOKEN_FILE)


class SQLTokenStore:
    def __init__(self, url: str, app_id: str, lock_timeout_s: float = LOCK_TIMEOUT_S) -> None:
        if not app_id:
            raise ValueError("the Zalo token store needs the app id (ZALO_APP_ID)")
        try:
            parsed = sa.engine.make_url(url)
        except Exception:  # noqa: BLE001 - ArgumentError or ValueError; their text repeats the password
            raise ValueError("the database URL for the Zalo tokens (CAUNOI_STATUS_DB / CAUNOI_TRACKER_DB) is "
                             "not a URL like postgresql://user:password@host:5432/caunoi") from None
        self.app_id = app_id
        self._where = parsed.render_as_string(hide_password=True)
        self._dialect = parsed.get_backend_name()
        self._lock_timeout_s = lock_timeout_s
        # pg_advisory_xact_lock takes a bigint: one per app, stable across processes and versions.
        digest = hashlib.sha256(f"caunoi.{TABLE}:{app_id}".encode()).digest()
        self._lock_id = int.from_bytes(digest[:8], "big", signed=True)
        if self._dialect == "sqlite":
            self._engine = _sqlite_engine(parsed, lock_timeout_s)
        else:
            self._engine = sa.create_engine(parsed, future=True, pool_pre_ping=True, pool_size=2, max_overflow=2,
                                            hide_parameters=True)
        self._locking = self._engine.execution_options(caunoi_lock=True)
        self._table_ready = False
        self._table_lock = threading.Lock()

    @property
    def location(self) -> str:
        return f"table {TABLE} of {self._where}"

    @property
    def reset_hint(self) -> str:
        return (f"delete this app's row from the database (DELETE FROM {TABLE} WHERE app_id = '{self.app_id}'), "
                "set ZALO_REFRESH_TOKEN and restart")

    def close(self) -> None:
        self._engine.dispose()

    # -- plain reads and writes -------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.load() is not None

    def load(self) -> Tokens | None:
        """The stored pair, or None when this app has none yet. Never waits for a refresh."""
        self._ensure_table()
        with self._failures("read"), self._engine.connect() as conn:
            return self._select(conn)

    def save(self, tokens: Tokens) -> None:
        """Replace the stored pair (under the lock, committed before this returns)."""
        conn = self._begin_locked()
        try:
            with self._failures("write"):
                self._upsert(conn, tokens)
                conn.commit()
        finally:
            _close(conn)

    def seed(self, access_token: str | None, refresh_token: str | None, expires_at: float = 0.0,
             previous: TokenStore | None = None) -> Tokens | None:
        """The seeding rule (module doc): the stored pair if there is one; else the pair in `previous` (the
        token file this replica used before); else the given pair. Written under the lock, so replicas
        starting together agree on one pair. None when there is none at all."""
        conn = self._begin_locked()
        try:
            with self._failures("seed"):
                stored = self._select(conn)
                if stored is not None:
                    return stored
                tokens = previous.load() if previous is not None else None
                if tokens is not None:
                    log.info("Zalo tokens moved from %s to %s; the file is no longer used", previous.path,
                             self.location)
                elif refresh_token:
                    tokens = Tokens(access_token or "", refresh_token, float(expires_at))
                else:
                    return None
                self._upsert(conn, tokens)
                conn.commit()
                return tokens
        finally:
            _close(conn)

    # -- refresh ------------------------------------------------------------------------------------------

    def refreshing(self) -> AbstractAsyncContextManager[HeldTokens]:
        """The row under the database lock, on a connection of its own, until the block ends (module doc)."""
        return held_in_thread(self._begin_locked, _close, lambda conn: _HeldRow(self, conn))

    def _begin_locked(self) -> Connection:
        """A connection inside a transaction that holds this app's lock (blocks until it is ours)."""
        self._ensure_table()
        with self._failures("lock"):
            conn = self._locking.connect()
            try:
                conn.begin()  # SQLite: BEGIN IMMEDIATE, see _sqlite_engine
                if self._dialect == "postgresql":
                    conn.execute(sa.text("SELECT set_config('lock_timeout', :timeout, true)"),
                                 {"timeout": f"{int(self._lock_timeout_s * 1000)}ms"})
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(self._lock_id)))
                elif self._dialect != "sqlite":
                    conn.execute(sa.select(zalo_tokens.c.app_id).where(zalo_tokens.c.app_id == self.app_id)
                                 .with_for_update())
            except BaseException:
                _close(conn)
                raise
        return conn

    # -- SQL ----------------------------------------------------------------------------------------------

    def _select(self, conn: Connection) -> Tokens | None:
        row = conn.execute(sa.select(zalo_tokens.c.access_token, zalo_tokens.c.refresh_token,
                                     zalo_tokens.c.expires_at).where(zalo_tokens.c.app_id == self.app_id)).first()
        if row is None:
            return None
        access, refresh, expires = row
        if not isinstance(refresh, str) or not refresh or expires is None or not math.isfinite(expires):
            raise TokenStoreError(f"the Zalo tokens in {self.location} are unusable; {self.reset_hint}")
        return Tokens(access or "", refresh, float(expires))

    def _upsert(self, conn: Connection, tokens: Tokens) -> None:
        values = {"access_token": tokens.access_token, "refresh_token": tokens.refresh_token,
                  "expires_at": float(tokens.expires_at), "updated_at": time.time()}
        # Under the lock nobody else writes this row, so update-else-insert cannot race.
        done = conn.execute(zalo_tokens.update().where(zalo_tokens.c.app_id == self.app_id).values(**values))
        if done.rowcount == 0:
            conn.execute(zalo_tokens.insert().values(app_id=self.app_id, **values))

    def _ensure_table(self) -> None:
        if self._table_ready:
            return
        with self._table_lock, self._failures("create the table"):
            if self._table_ready:
                return
            try:
                metadata.create_all(self._engine)
            except (sa.exc.ProgrammingError, sa.exc.IntegrityError, sa.exc.OperationalError):
                # Another replica created it at the same moment (PostgreSQL reports a duplicate type).
                if not sa.inspect(self._engine).has_table(TABLE):
                    raise
            self._table_ready = True

    def _failures(self, doing: str) -> _Failures:
        return _Failures(self, doing)


class _Failures:
    """Database errors become TokenStoreError: a short line naming the database, never a value."""

    def __init__(self, store: SQLTokenStore, doing: str) -> None:
        self.store, self.doing = store, doing

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _tb: Any) -> bool:
        if isinstance(exc, sa.exc.SQLAlchemyError):
            raise TokenStoreError(f"cannot {self.doing} the Zalo tokens in {self.store.location}: "
                                  f"{_reason(exc)}") from None
        return False


class _HeldRow:
    """The row while the lock is held; each query in a worker thread, on the locked connection."""

    def __init__(self, store: SQLTokenStore, conn: Connection) -> None:
        self._store, self._conn = store, conn

    async def load(self) -> Tokens | None:
        return await asyncio.to_thread(self._load)

    async def save(self, tokens: Tokens) -> None:
        await asyncio.to_thread(self._save, tokens)

    def _load(self) -> Tokens | None:
        with self._store._failures("read"):
            return self._store._select(self._conn)

    def _save(self, tokens: Tokens) -> None:
        with self._store._failures("write"):
            self._store._upsert(self._conn, tokens)
            self._conn.commit()  # durable, and the lock is released: the waiting replicas read this pair


def _close(conn: Connection) -> None:
    """End the connection's transaction (rolled back unless committed) and with it the lock."""
    try:
        conn.close()
    except sa.exc.SQLAlchemyError as exc:  # the database went away: so did the lock
        log.debug("closing the Zalo token connection failed: %s", _reason(exc))


def _reason(exc: sa.exc.SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig) if orig is not None else type(exc).__name__
    # The first line only: PostgreSQL's DETAIL line may quote a row (the tokens).
    return (text.strip().splitlines() or [type(exc).__name__])[0]


def _sqlite_engine(url: sa.engine.URL, busy_timeout_s: float) -> Engine:
    """SQLite for several processes on one machine: WAL, a busy timeout, and BEGIN IMMEDIATE for the lock.
    No pool: each use opens the file anew, so a connection never passes between threads while in use
    by two (the locked one does move between worker threads, one at a time)."""
    engine = sa.create_engine(url, future=True, poolclass=sa.pool.NullPool, hide_parameters=True,
                              connect_args={"check_same_thread": False, "timeout": busy_timeout_s})
    return explicit_begin(engine, busy_timeout_s, "caunoi_lock")
