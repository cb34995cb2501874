"""Answer text → speech: the natural voice whenever we have it, the offline voice when we must.

Order: the natural voice's cached file → the natural voice (gTTS), then cached → the offline voice's
cached file → the offline voice (espeak-ng), cached under its own name → SpeechUnavailable. The
offline audio never takes the natural voice's place in the cache, so the next answer given while
online still fetches (and keeps) the natural one.

After the natural voice fails, it is skipped for `backoff_s`: a village with no network gets the
offline voice at once instead of waiting out a timeout on every answer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from voice.audio import Speech
from voice.errors import SpeechUnavailable
from voice.tts.base import Voice
from voice.tts.cache import SpeechCache
from voice.tts.speakable import speakable

logger = logging.getLogger(__name__)

DEFAULT_BACKOFF_S = 60.0
CACHE_ENV = "CAUNOI_SPEECH_CACHE"
ENGINE_ENV = "CAUNOI_TTS"


def source_of(voice: Voice) -> str:
    return voice.name.split("-", 1)[0]  # "gtts-vi" → "gtts": what Speech.source reports


class CachedSpeaker:
    def __init__(self, cache: SpeechCache, primary: Voice, fallback: Voice | None = None,
                 backoff_s: float = DEFAULT_BACKOFF_S, clock: Callable[[], float] = time.monotonic,
                 cacheable: Callable[[str], bool] = lambda _text: True) -> None:
        self.cache = cache
        # Whether an answer may be kept on disk: the caller's privacy rule (answers quoting a phone,
        # ID or application number are spoken but never kept).
        self.cacheable = cacheable
        self.primary = primary
        self.fallback = fallback
        self.backoff_s = backoff_s
        self._clock = clock
        self._lock = threading.Lock()
        self._primary_down_until = 0.0

    @property
    def primary_resting(self) -> bool:
        """True while the primary voice is skipped after a failure."""
        with self._lock:
            return self._clock() < self._primary_down_until

    def _primary_failed(self, error: SpeechUnavailable) -> None:
        with self._lock:
            self._primary_down_until = self._clock() + self.backoff_s
        logger.warning("%s failed, offline voice for %.0f s: %s", self.primary.name, self.backoff_s, error)

    def render_primary(self, text: str) -> bool:
        """Make sure the natural voice for `text` is cached (for prerendering): True when it was
        synthesised now, False when it was cached already. Ignores the back-off (whoever asks for
        this wants the attempt) but sets it on failure. Raises SpeechUnavailable."""
        said = _said(text)
        if self.cache.get(self.primary, said) is not None:
            return False
        self._synthesize_primary(said)
        return True

    def _synthesize_primary(self, said: str, keep: bool = True) -> bytes:
        try:
            mp3 = self.primary.synthesize(said)
        except SpeechUnavailable as error:
            self._primary_failed(error)
            raise
        with self._lock:
            self._primary_down_until = 0.0
        if keep:
            self.cache.put(self.primary, said, mp3)
        return mp3

    def speak(self, text: str) -> Speech:
        said = _said(text)
        keep = self.cacheable(text)
        cached = self.cache.get(self.primary, said)
        if cached is not None:
            return Speech(cached, "cache")
        errors: list[str] = []
        if self.primary_resting:
            errors.append(f"{self.primary.name} resting after a failure")
        else:
            try:
                return Speech(self._synthesize_primary(said, keep), source_of(self.primary))
            except SpeechUnavailable as error:
                errors.append(str(error))
        if self.fallback is not None:
            cached = self.cache.get(self.fallback, said)
            if cached is not None:
                return Speech(cached, "cache")
            try:
                mp3 = self.fallback.synthesize(said)
            except SpeechUnavailable as error:
                errors.append(str(error))
            else:
                if keep:
                    self.cache.put(self.fallback, said, mp3)
                return Speech(mp3, source_of(self.fallback))
        raise SpeechUnavailable("; ".join(errors))


def _said(text: str) -> str:
    said = speakable(text)
    if not said:
        raise SpeechUnavailable("nothing to say once symbols are removed")
    return said
