"""The speaker the assistant uses, built from settings and the environment."""

from __future__ import annotations

import os
from pathlib import Path

from bot.privacy.redact import redact
from bot.settings import Settings, load_settings
from voice.tts.cache import SpeechCache
from voice.tts.speaker import CACHE_ENV, ENGINE_ENV, CachedSpeaker


def without_personal_numbers(text: str) -> bool:
    """An answer quoting a phone, ID or application number is spoken but never kept on disk."""
    return redact(text) == text


def build_speaker(settings: Settings | None = None) -> CachedSpeaker:
    """Environment: CAUNOI_TTS=gtts (default: gTTS, espeak-ng when offline) or espeak (offline only);
    CAUNOI_SPEECH_CACHE (default <data dir>/speech-cache); CAUNOI_GTTS_URL (another gTTS endpoint,
    see voice/tts/gtts_voice.py)."""
    from voice.tts.espeak_voice import EspeakVoice
    from voice.tts.gtts_voice import GttsVoice

    settings = settings or load_settings()
    directory = os.environ.get(CACHE_ENV) or Path(settings.data_dir) / "speech-cache"
    cache = SpeechCache(directory)
    engine = (os.environ.get(ENGINE_ENV) or "gtts").strip().lower()
    if engine == "gtts":
        return CachedSpeaker(cache, GttsVoice(), EspeakVoice(), cacheable=without_personal_numbers)
    if engine == "espeak":
        return CachedSpeaker(cache, EspeakVoice(), None, cacheable=without_personal_numbers)
    raise ValueError(f"{ENGINE_ENV}={engine!r}: expected gtts or espeak")
