"""The language packs of this installation, read once per process (like bot/kb/shared.py's KB).

The staff console changes packs while the assistant runs (a reviewer approves a text). `reload()`
reads them again *in place*: the dialogue keeps the `Languages` object it was built with, so a new
object would never reach it. It also touches a stamp in the data folder, so that the installation's
other process (the action server, which words the answers: bot/runtime/supervisor.py) re-reads the
packs when it next calls `refresh()` or `languages()`. Replicas with their own data folder see a
change only when they restart.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

from bot.languages.registry import Languages, load_languages

STAMP = "languages.changed"  # under <data_dir>/run/

_lock = threading.Lock()
_seen: bytes | None = None  # the stamp when this process last read the packs


def languages() -> Languages:
    refresh()
    return _loaded()


@lru_cache(maxsize=1)
def _loaded() -> Languages:
    global _seen
    _seen = _stamp()
    return _read()


def _read() -> Languages:
    from bot.kb.shared import knowledge_base
    from bot.settings import load_settings

    settings = load_settings()
    return load_languages(settings.languages_dir, knowledge_base(), settings.commune, settings.top_procedures)


def reload() -> None:
    """Read the packs again after changing one, and tell this installation's other processes."""
    from bot.runtime.files import write_atomically

    write_atomically(_stamp_path(), f"{time.time_ns()} {os.getpid()}\n".encode())  # unique: no clock needed
    _reload()


def refresh() -> None:
    """Read the packs again if another process changed them (one small read: cheap enough for every turn)."""
    if _loaded.cache_info().currsize and _stamp() != _seen:
        _reload()


def _reload() -> None:
    global _seen
    with _lock:
        if not _loaded.cache_info().currsize:
            return  # never read in this process: the first `languages()` reads today's files
        _seen = _stamp()
        current, fresh = _loaded(), _read()
        for f in fields(Languages):
            setattr(current, f.name, getattr(fresh, f.name))


def _stamp_path() -> Path:
    from bot.settings import load_settings

    return load_settings().data_dir / "run" / STAMP


def _stamp() -> bytes | None:
    """What the stamp says (a few bytes): a file's time can be too coarse to see two changes."""
    try:
        return _stamp_path().read_bytes()
    except OSError:
        return None
