"""Synthesised speech on disk, so an answer is fetched from Google once and then plays offline.

One file per (voice, speakable text): `<sha256>.mp3`, written to a temporary file and renamed, so a
reader never sees half a file and two processes (the assistant and `caunoi voice prerender`) can
share the folder. Empty or non-MP3 data is never stored and never returned. Reading a file touches
its mtime, which makes mtime the last use: beyond the size bound the least recently used go first.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Protocol

from voice.tts.speakable import speakable

DEFAULT_MAX_BYTES = 500 * 1024 * 1024
SUFFIX = ".mp3"
_STALE_TEMP_S = 3600  # a temporary file this old was left by a crash


class _Named(Protocol):
    name: str


def looks_like_mp3(data: bytes) -> bool:
    """An ID3 tag or an MPEG audio frame sync (11 set bits) at the start."""
    return len(data) >= 4 and (data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0))


def _voice_name(voice: str | _Named) -> str:
    return voice if isinstance(voice, str) else voice.name


class SpeechCache:
    def __init__(self, directory: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.dir = Path(directory)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._size: int | None = None  # bytes in the folder as this process knows it; None = not scanned yet

    @staticmethod
    def key(voice: str | _Named, text: str) -> str:
        return hashlib.sha256(f"{_voice_name(voice)}\n{speakable(text)}".encode()).hexdigest()

    def path(self, voice: str | _Named, text: str) -> Path:
        return self.dir / f"{self.key(voice, text)}{SUFFIX}"

    def get(self, voice: str | _Named, text: str) -> bytes | None:
        path = self.path(voice, text)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        if not looks_like_mp3(data):  # only a file written by hand gets here: treat it as absent
            return None
        try:
            os.utime(path)  # last use, for pruning
        except OSError:
            pass
        return data

    def put(self, voice: str | _Named, text: str, mp3: bytes) -> Path:
        if not looks_like_mp3(mp3):
            raise ValueError(f"refusing to cache {len(mp3)} bytes that are not MP3")
        path = self.path(voice, text)
        self.dir.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.stem[:16]}.", suffix=".tmp", dir=self.dir)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(mp3)
            old = path.stat().st_size if path.exists() else 0
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        with self._lock:
            if self._size is not None:
                self._size += len(mp3) - old
            over = self.size() > self.max_bytes
        if over:
            self.prune()
        return path

    def _files(self) -> list[Path]:
        try:
            return [p for p in self.dir.iterdir() if p.suffix == SUFFIX and not p.name.startswith(".")]
        except FileNotFoundError:
            return []

    def size(self) -> int:
        """Bytes of speech stored (scanned once, then kept up to date by this process's writes)."""
        if self._size is None:
            self._size = sum(_stat_size(p) for p in self._files())
        return self._size

    def count(self) -> int:
        return len(self._files())

    def prune(self, target: int | None = None) -> int:
        """Delete least recently used files until at most `target` bytes remain (default: 90 % of the
        bound, so a full cache does not prune on every write). Returns how many files went."""
        target = int(self.max_bytes * 0.9) if target is None else target
        with self._lock:
            files = []
            for p in self._files():
                try:
                    st = p.stat()
                except FileNotFoundError:  # pruned by another process meanwhile
                    continue
                files.append((st.st_mtime, st.st_size, p))
            total = sum(size for _, size, _ in files)
            removed = 0
            for _, size, p in sorted(files, key=lambda f: (f[0], f[2].name)):
                if total <= target:
                    break
                p.unlink(missing_ok=True)
                total -= size
                removed += 1
            self._size = total
            self._remove_stale_temps()
        return removed

    def _remove_stale_temps(self) -> None:
        now = time.time()
        for p in self.dir.glob(".*.tmp"):
            try:
                if now - p.stat().st_mtime > _STALE_TEMP_S:
                    p.unlink()
            except FileNotFoundError:
                pass


def _stat_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
