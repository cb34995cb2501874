"""Which speech-to-text engine this machine runs, and the phrase hints it gets from the KB.

`CAUNOI_STT_ENGINE=vosk|whisper` chooses; `CAUNOI_VOSK_MODEL` / `CAUNOI_WHISPER_MODEL` name a model
folder; otherwise the models cache (`voice.models.models_dir()`) is searched. Default: Vosk when a
Vosk model is there (light on 2 cores), else Whisper. Every failure is a `ModelMissing` whose message
says how to fix it: voice is optional, text channels keep working without it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from voice import models
from voice.errors import ModelMissing
from voice.stt.base import SpeechToText

if TYPE_CHECKING:
    from bot.kb import KnowledgeBase

logger = logging.getLogger(__name__)

ENGINES = ("vosk", "whisper")
# Folder names in the cache, preferred first: the larger Vosk model only gets there when someone
# downloaded it on purpose (`caunoi voice download vosk`), so it wins over the small one.
FOLDERS = {"vosk": ("vosk-model-vn-0.4", "vosk-model-small-vn-0.4"), "whisper": ("faster-whisper-base",)}
ENV_MODEL = {"vosk": "CAUNOI_VOSK_MODEL", "whisper": "CAUNOI_WHISPER_MODEL"}
DOWNLOAD = {"vosk": "vosk-small", "whisper": "whisper-base"}
CHECK: dict[str, Callable[[Path], list[str]]] = {
    "vosk": models.check_vosk_model, "whisper": models.check_whisper_model,
}


def _fix(engines: Sequence[str]) -> str:
    envs = " / ".join(ENV_MODEL[e] for e in engines)
    return f"run `caunoi voice download {DOWNLOAD[engines[0]]}`, or set {envs} to a model folder"


def _find(engine: str, cache: Path, broken: list[str]) -> Path | None:
    """The model folder for `engine`, or None; unusable folders in the cache are noted in `broken`."""
    configured = os.environ.get(ENV_MODEL[engine])
    if configured:  # named on purpose: a bad one is an error, not something to silently skip
        folder = Path(configured).expanduser()
        missing = CHECK[engine](folder)
        if missing:
            raise ModelMissing(f"{ENV_MODEL[engine]}={folder} is not a usable {engine} model folder "
                               f"(missing: {', '.join(missing)}); {_fix([engine])}")
        return folder
    for name in FOLDERS[engine]:
        folder = cache / name
        if not folder.exists():
            continue
        missing = CHECK[engine](folder)
        if not missing:
            return folder
        broken.append(f"{folder} (missing: {', '.join(missing)})")
    return None


def _load(engine: str, folder: Path) -> SpeechToText:
    # Imported here: each engine pulls in its own native library, only the chosen one is needed.
    try:
        if engine == "vosk":
            from voice.stt.vosk_engine import VoskEngine

            return VoskEngine(folder)
        from voice.stt.whisper_engine import WhisperEngine

        return WhisperEngine(folder)
    except ModelMissing:
        raise
    except Exception as exc:  # a folder with the right names but bad contents
        raise ModelMissing(f"{folder}: {engine} could not load this model ({exc}); {_fix([engine])}") from exc


def load_engine(name: str | None = None, *, models_dir: Path | None = None) -> SpeechToText:
    """The engine to use: `name`, else `CAUNOI_STT_ENGINE`, else the first model found."""
    choice = (name or os.environ.get("CAUNOI_STT_ENGINE") or "").strip().lower()
    if choice and choice not in ENGINES:
        raise ModelMissing(f"unknown speech engine {choice!r} (CAUNOI_STT_ENGINE): use one of {', '.join(ENGINES)}")
    engines = [choice] if choice else list(ENGINES)
    cache = Path(models_dir) if models_dir else models.models_dir()
    broken: list[str] = []
    for engine in engines:
        folder = _find(engine, cache, broken)
        if folder is not None:
            for problem in broken:
                logger.warning("speech model skipped, not usable: %s", problem)
            logger.info("speech-to-text: %s from %s", engine, folder)
            return _load(engine, folder)
    if broken:
        raise ModelMissing(f"no usable speech model: {'; '.join(broken)}. Remove the folder and {_fix(engines)}")
    looked = ", ".join(name for engine in engines for name in FOLDERS[engine])
    raise ModelMissing(f"no speech model found (looked in {cache} for {looked}): {_fix(engines)}")


# --- hints ---------------------------------------------------------------------------------

MAX_HINTS = 60
MAX_WORDS = 6  # longer phrases are explanations, not something people say
ALIASES_PER_PROCEDURE = 4  # the KB lists the most common wording of each procedure first


def _phrases(text: str, separators: str = ";,()/") -> list[str]:
    """'Đăng ký thường trú (nhập hộ khẩu)' → ['đăng ký thường trú', 'nhập hộ khẩu']."""
    pieces = re.split(f"[{re.escape(separators)}]", text.lower())
    words = [re.sub(r"[^\w\s]", " ", piece).split() for piece in pieces]
    return [" ".join(w[1:] if w and w[0] in ("và", "hoặc") else w) for w in words]


def hint_phrases(kb: KnowledgeBase, top: Sequence[str] | None = None, limit: int = MAX_HINTS) -> list[str]:
    """Phrases people are likely to say, most useful first: short names, the first aliases, then
    official names, taken round-robin over procedures (the commune's `top_procedures` first) so any
    prefix of the list covers many procedures. Lower-case, deduplicated, 2–6 words, at most `limit`."""
    if top is None:
        try:
            from bot.settings import load_settings

            top = load_settings().top_procedures
        except (OSError, ValueError):  # hints are a nicety: a bad settings file is reported elsewhere
            top = ()
    order = [p for p in top if p in kb.procedures] + sorted(p for p in kb.procedures if p not in top)
    per_procedure = []
    for pid in order:
        proc = kb.procedures[pid]
        # Official names are cut at ";" only: their commas join verbs ("Cấp, cấp đổi, cấp lại thẻ …").
        aliases = [p for alias in proc.aliases[:ALIASES_PER_PROCEDURE] for p in _phrases(alias, ";")]
        pieces = [*_phrases(proc.short_name), *aliases, *_phrases(proc.name, ";()")]
        per_procedure.append([p for p in pieces if 2 <= len(p.split()) <= MAX_WORDS])
    hints: list[str] = []
    for round_ in range(max((len(p) for p in per_procedure), default=0)):
        for phrases in per_procedure:
            if round_ < len(phrases) and phrases[round_] not in hints:
                hints.append(phrases[round_])
                if len(hints) >= limit:
                    return hints
    return hints
