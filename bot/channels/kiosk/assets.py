"""The kiosk page's files, served with a content version so browsers can keep them for good."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Asset:
    body: bytes
    version: str


class Assets:
    """The page's files, read again when they change on disk (an update needs no restart)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._cache: dict[Path, tuple[int, Asset]] = {}

    def get(self, name: str) -> Asset:
        return self.read(self.directory / name)

    def read(self, path: Path) -> Asset:
        """Any file by its path (the kiosk's fonts live in the system's font folders)."""
        mtime = path.stat().st_mtime_ns
        cached = self._cache.get(path)
        if cached is None or cached[0] != mtime:
            body = path.read_bytes()
            cached = self._cache[path] = (mtime, Asset(body, hashlib.sha256(body).hexdigest()[:12]))
        return cached[1]
