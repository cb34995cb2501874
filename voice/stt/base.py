"""The speech-to-text interface every engine implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from voice.audio import Pcm


@dataclass(frozen=True)
class Transcript:
    text: str  # what was heard, plain Vietnamese; "" when nothing was
    engine: str  # "vosk" or "whisper"


class SpeechToText(Protocol):
    name: str

    def transcribe(self, audio: Pcm, hints: Sequence[str] = ()) -> Transcript:
        """Blocking and CPU-bound: callers run it off the event loop. `hints` are phrases likely to
        be said (the KB's procedure names and aliases), used where the engine allows."""
        ...
