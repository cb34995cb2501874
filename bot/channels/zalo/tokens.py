"""The Zalo OA access/refresh token pair and its file store (one machine; see token_db.py for replicas).

Zalo OAuth v4 facts this module is built around (developers.zalo.me "xác thực và ủy quyền", as restated
by hexasync.vn): an access token lives 25 hours (`expires_in` is "90000", a string of seconds); each
refresh returns a new access token *and a new refresh token*; a refresh token is valid for 3 months and
can be used ONCE. Losing the newest refresh token therefore means an operator has to fetch a new one from
the Zalo developer console, so every refreshed pair is written to disk atomically before it is used.

Seeding rule (the refresh token is single-use): the tokens given in the environment (ZALO_ACCESS_TOKEN /
ZALO_REFRESH_TOKEN) only seed the store, and only when the store file does not exist yet. After that the
stored pair, which every refresh replaces and which is therefore newer, wins and the environment values are
ignored on every restart: re-applying them would put an already-spent refresh token back in use. To start
over with a new refresh token from the developer console, delete the store file and set ZALO_REFRESH_TOKEN.

Refreshing (`refreshing()`): the client reads the stored pair, spends its refresh token and saves the new
pair while holding the store's lock, so two processes on one store never spend the same refresh token.
Here the lock is an flock on `<file>.lock` (Sanic workers of one replica share the data folder); the SQL
store (token_db.py), which several replicas share, uses a database lock.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import math
import os
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700


@dataclass(frozen=True)
class Tokens:
    # repr=False: a Tokens in a log line or a traceback must not print the secrets.
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float  # access-token expiry, seconds since the epoch

    def expires_within(self, seconds: float, now: float) -> bool:
        return self.expires_at - now <= seconds


class TokenStoreError(RuntimeError):
    """The stored pair cannot be read or written (the message names the file or the database, never a token)."""


class HeldTokens(Protocol):
    """The stored pair while the store's refresh lock is held (see `TokenStorage.refreshing`)."""

    async def load(self) -> Tokens | None: ...

    async def save(self, tokens: Tokens) -> None:
        """Store the new pair durably; the lock may be released from here on."""


class TokenStorage(Protocol):
    """What ZaloClient and the channel need of a token store: this file store or token_db.SQLTokenStore."""

    @property
    def location(self) -> str:
        """Where the pair is kept, for log lines (never a password)."""

    @property
    def reset_hint(self) -> str:
        """What an operator does to start over with a new refresh token."""

    def exists(self) -> bool: ...

    def load(self) -> Tokens | None: ...

    def save(self, tokens: Tokens) -> None: ...

    def seed(self, access_token: str | None, refresh_token: str | None,
             expires_at: float = 0.0) -> Tokens | None: ...

    def refreshing(self) -> AbstractAsyncContextManager[HeldTokens]:
        """Hold the lock every process sharing this store takes to spend a refresh token."""

    def close(self) -> None: ...


class TokenStore:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def reset_hint(self) -> str:
        return f"delete the token store file {self.path} and set ZALO_REFRESH_TOKEN"

    def exists(self) -> bool:
        return self.path.exists()

    def close(self) -> None:
        """Nothing to release: every call opens and closes the file."""

    def refreshing(self) -> AbstractAsyncContextManager[HeldTokens]:
        """The pair under an exclusive flock on `<file>.lock`, waited for in a worker thread."""
        return held_in_thread(self._lock, _unlock, lambda _fd: _HeldFile(self))

    def _lock(self) -> int | None:
        try:
            self.path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as exc:  # a read-only folder: refresh as before, without the lock
            log.warning("cannot open the Zalo token lock file %s (%s); refreshing without it",
                        self.lock_path, exc.strerror or exc)
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def load(self) -> Tokens | None:
        """The stored pair, or None when there is no store file yet."""
        data = self._read()
        return None if data is None else _tokens_from(data, self.path)

    def save(self, tokens: Tokens) -> None:
        """Replace the stored pair atomically (temp file in the same directory, fsync, rename)."""
        self._write(tokens, replace=True)

    def seed(self, access_token: str | None, refresh_token: str | None, expires_at: float = 0.0) -> Tokens | None:
        """Apply the seeding rule (module doc): the stored pair if there is one, else the given pair, written.

        Returns None when there is neither. An access token of unknown age should be seeded with
        `expires_at=0`, so the client refreshes before its first send instead of trusting it.
        """
        stored = self.load()
        if stored is not None or not refresh_token:
            return stored
        tokens = Tokens(access_token or "", refresh_token, float(expires_at))
        if self._write(tokens, replace=False):
            return tokens
        return self.load()  # another process created the store between our load and our write

    def _read(self) -> dict[str, Any] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TokenStoreError(f"cannot read Zalo token file {self.path}: {exc.strerror or exc}") from None
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            raise TokenStoreError(
                f"Zalo token file {self.path} is corrupt (not JSON); delete it and set ZALO_REFRESH_TOKEN"
            ) from None
        if not isinstance(data, dict):
            raise TokenStoreError(f"Zalo token file {self.path} is corrupt (not a JSON object)")
        return data

    def _write(self, tokens: Tokens, *, replace: bool) -> bool:
        """Write via a synced temp file in the same directory. With replace=False, only create the file
        (False if it already exists), so two processes seeding at once cannot overwrite each other."""
        directory = self.path.parent
        directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        payload = {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": tokens.expires_at,
        }
        fd, tmp_name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                os.fchmod(handle.fileno(), FILE_MODE)  # mkstemp already uses 0600; say it explicitly
                json.dump(payload, handle)
                handle.flush()
                os.fsync(handle.fileno())
            if replace:
                os.replace(tmp, self.path)
            elif not _create_exclusive(tmp, self.path):
                return False
        finally:
            tmp.unlink(missing_ok=True)
        _fsync_dir(directory)
        return True


class _HeldFile:
    def __init__(self, store: TokenStore) -> None:
        self._store = store

    async def load(self) -> Tokens | None:
        return self._store.load()

    async def save(self, tokens: Tokens) -> None:
        self._store.save(tokens)


def _unlock(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)  # closing the descriptor releases the flock


Held = TypeVar("Held")
Resource = TypeVar("Resource")


@asynccontextmanager
async def held_in_thread(acquire: Callable[[], Resource], release: Callable[[Resource], None],
                         view: Callable[[Resource], Held]) -> AsyncIterator[Held]:
    """`acquire()` blocks until a lock is ours: it runs in a worker thread so the event loop keeps serving
    meanwhile. `release(resource)` runs when the block ends, also in a thread. When the waiting task is
    cancelled, the lock is released as soon as `acquire` returns, so a cancelled send never leaves it held."""
    loop = asyncio.get_running_loop()
    acquiring = loop.run_in_executor(None, acquire)
    try:
        resource = await asyncio.shield(acquiring)
    except asyncio.CancelledError:
        def release_late(done: asyncio.Future) -> None:
            if not done.cancelled() and done.exception() is None:
                loop.run_in_executor(None, release, done.result())

        acquiring.add_done_callback(release_late)
        raise
    try:
        yield view(resource)
    finally:
        await asyncio.shield(loop.run_in_executor(None, release, resource))


def _create_exclusive(tmp: Path, path: Path) -> bool:
    try:
        os.link(tmp, path)  # atomic create-if-absent with the content already synced
    except FileExistsError:
        return False
    except OSError:  # a filesystem without hard links: nearly atomic fallback
        if path.exists():
            return False
        os.replace(tmp, path)
    return True


def _tokens_from(data: dict[str, Any], path: Path) -> Tokens:
    access, refresh, expires = data.get("access_token"), data.get("refresh_token"), data.get("expires_at")
    if not isinstance(access, str) or not isinstance(refresh, str) or not refresh:
        raise TokenStoreError(f"Zalo token file {path} is corrupt (access_token/refresh_token missing)")
    if isinstance(expires, bool) or not isinstance(expires, (int, float)) or not math.isfinite(expires):
        raise TokenStoreError(f"Zalo token file {path} is corrupt (expires_at is not a number)")
    return Tokens(access, refresh, float(expires))


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable; not every platform lets a directory be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
