"""The text-to-speech interface every voice implements."""

from __future__ import annotations

from typing import Protocol


class Voice(Protocol):
    name: str  # part of the cache key: "gtts-vi", "espeak-vi"

    def synthesize(self, text: str) -> bytes:
        """MP3 bytes, never empty; raises SpeechUnavailable when this voice cannot speak now."""
        ...
