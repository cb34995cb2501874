"""Which speech-to-text engine this machine runs.

`CAUNOI_STT_ENGINE=vosk|whisper` chooses; `CAUNOI_VOSK_MODEL` / `CAUNOI_WHISPER_MODEL` name a model
folder; otherwise the models cache (`voice.models.models_dir()`) is searched. Default: Vosk when a
Vosk model is there (light on 2 cores), else Whisper. Every failure is a `ModelMissing` whose message
says how to fix it: voice is optional, text channels keep working without it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from voice import models
from voice.errors import ModelMissing
from voice.stt.base import SpeechToText

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
