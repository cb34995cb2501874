"""Audio as the stages pass it on."""

from __future__ import annotations

from dataclasses import dataclass

SAMPLE_RATE = 16_000  # what both speech models expect
SAMPLE_WIDTH = 2  # 16-bit signed little-endian


@dataclass(frozen=True)
class Pcm:
    """16 kHz mono 16-bit PCM, little-endian, no header."""

    data: bytes

    @property
    def duration_s(self) -> float:
        return len(self.data) / (SAMPLE_RATE * SAMPLE_WIDTH)


@dataclass(frozen=True)
class Speech:
    """Synthesised speech, MP3 (what gTTS gives and every browser plays)."""

    mp3: bytes
    source: str  # "cache", "gtts" or "espeak"
