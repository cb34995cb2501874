"""The Zalo OA access/refresh token pair and its file store.

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
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    """The token file exists but cannot be read as a token pair (the message names the file)."""


class TokenStore:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def exists(self) -> bool:
        return self.path.exists()

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
