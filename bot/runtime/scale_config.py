"""Scale-out settings: a shared SQL tracker store and a Redis lock store, for several replicas.

The environment first, then the `scale:` section of the settings file:

    scale:
      tracker_db: "postgresql://caunoi:pw@db:5432/caunoi"   # CAUNOI_TRACKER_DB; default: SQLite in data/
      lock_store: "redis://:pw@redis:6379/0"                # CAUNOI_LOCK_STORE; default: in memory
      workers: 1                                             # CAUNOI_WORKERS; >1 needs the Redis lock store

Unset, a commune's single machine runs exactly as before: SQLite in its data folder, Rasa's
in-memory lock store, one process. Light on purpose: `caunoi run` reads it before starting anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bot.settings import Settings, env_or_setting, settings_section

LOCK_KEY_PREFIX = "caunoi"  # Rasa's RedisLockStore: alphanumeric only


@dataclass(frozen=True)
class ScaleConfig:
    tracker_db: str = ""  # SQLAlchemy URL of the shared tracker store; "" = SQLite in the data folder
    lock_store: str = ""  # redis://[:password@]host:port/db; "" = Rasa's in-memory lock store
    workers: int = 1  # Sanic worker processes of one replica's Rasa server

    @property
    def shared(self) -> bool:
        """Other processes may write the same conversations: the tracker cache must check SQL."""
        return bool(self.tracker_db) or self.workers > 1


def scale_section(settings: Settings) -> dict[str, Any]:
    return settings_section(settings, "scale", "tracker_db, lock_store, workers")


def configured_tracker_db(settings: Settings) -> str:
    """CAUNOI_TRACKER_DB or `scale.tracker_db` as set; "" for the embedded SQLite conversations."""
    return env_or_setting("CAUNOI_TRACKER_DB", scale_section(settings), "tracker_db")


def embedded_tracker_db(data_dir: Path) -> str:
    """The SQLite file `caunoi run` keeps conversations in when no shared database is configured."""
    return f"sqlite:///{(data_dir / 'trackers.db').resolve()}"


def tracker_db_url(settings: Settings) -> str:
    """Where the running assistant keeps conversations: the shared database when configured, else the file."""
    return configured_tracker_db(settings) or embedded_tracker_db(settings.data_dir)


def tracker_store_endpoint(url: str) -> dict[str, Any]:
    """The endpoints' `tracker_store` for a shared SQL database (CachedSQLTrackerStore, not exclusive)."""
    import sqlalchemy as sa

    try:
        parsed = sa.engine.make_url(url)
    except Exception:  # noqa: BLE001 - ArgumentError or ValueError; their text repeats the password
        raise ValueError("CAUNOI_TRACKER_DB / scale.tracker_db is not a database URL like "
                         f"postgresql://user:password@host:5432/caunoi: {_hide(url)!r}") from None
    dialect = parsed.drivername
    if not parsed.database:
        raise ValueError(f"CAUNOI_TRACKER_DB / scale.tracker_db names no database: {_hide(url)!r}")
    if not dialect.startswith("sqlite") and not parsed.host:
        raise ValueError(f"CAUNOI_TRACKER_DB / scale.tracker_db names no host: {_hide(url)!r}")
    try:
        parsed.get_dialect().dbapi()  # the dialect and its driver (psycopg2 for postgresql)
    except Exception as exc:  # noqa: BLE001 - NoSuchModuleError, or the driver is not installed
        raise ValueError(f"CAUNOI_TRACKER_DB / scale.tracker_db: unsupported database {dialect!r} ({exc})") from exc
    endpoint: dict[str, Any] = {
        "type": "bot.rasa_ext.tracker_store.CachedSQLTrackerStore",
        "dialect": dialect,
        "url": parsed.host,  # Rasa passes the endpoint's `url` as the store's host
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
        "password": parsed.password,
        # Other replicas write the same conversations: check the newest event id before reusing the cache.
        "exclusive": False,
    }
    if parsed.query:
        endpoint["query"] = dict(parsed.query)
    return {k: v for k, v in endpoint.items() if v is not None}


def lock_store_endpoint(url: str) -> dict[str, Any]:
    """Rasa's `lock_store: {type: redis, ...}` from `redis://[user][:password@]host[:port][/db]`."""
    try:
        parsed = urlsplit(url)
        port = parsed.port or 6379
    except ValueError as exc:
        raise ValueError(f"CAUNOI_LOCK_STORE / scale.lock_store is not a Redis URL: {_hide(url)!r} ({exc})") from exc
    if parsed.scheme not in ("redis", "rediss") or not parsed.hostname:
        raise ValueError(f"CAUNOI_LOCK_STORE / scale.lock_store must look like redis://[:password@]host:port/db, "
                         f"not {_hide(url)!r}")
    db_text = parsed.path.strip("/") or "0"
    if not db_text.isdigit():
        raise ValueError(f"CAUNOI_LOCK_STORE / scale.lock_store: the database must be a number, not {db_text!r}")
    endpoint: dict[str, Any] = {
        "type": "redis",
        "url": parsed.hostname,
        "port": port,
        "db": int(db_text),
        "key_prefix": LOCK_KEY_PREFIX,
    }
    if parsed.username:
        endpoint["username"] = unquote(parsed.username)
    if parsed.password:
        endpoint["password"] = unquote(parsed.password)
    if parsed.scheme == "rediss":
        endpoint["use_ssl"] = True
    return endpoint


def _hide(url: str) -> str:
    """The URL without its password, for error messages."""
    try:
        parts = urlsplit(url)
        if parts.password:
            netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
            return parts._replace(netloc=netloc).geturl()
    except ValueError:
        pass
    return url


def scale_config(settings: Settings) -> ScaleConfig:
    """Read and check the settings; ValueError (one line, no password) when one is wrong."""
    section = scale_section(settings)
    tracker_db = configured_tracker_db(settings)
    lock_store = env_or_setting("CAUNOI_LOCK_STORE", section, "lock_store")
    workers_text = env_or_setting("CAUNOI_WORKERS", section, "workers") or "1"
    if tracker_db:
        tracker_store_endpoint(tracker_db)
    if lock_store:
        lock_store_endpoint(lock_store)
    try:
        workers = int(workers_text)
    except ValueError:
        raise ValueError(f"CAUNOI_WORKERS / scale.workers must be a whole number, not {workers_text!r}") from None
    if workers < 1:
        raise ValueError(f"CAUNOI_WORKERS / scale.workers must be at least 1, not {workers}")
    if workers > 1 and not lock_store:
        raise ValueError("CAUNOI_WORKERS > 1 needs the Redis lock store (CAUNOI_LOCK_STORE): "
                         "workers of one replica must not answer the same conversation at once")
    return ScaleConfig(tracker_db=tracker_db, lock_store=lock_store, workers=workers)
