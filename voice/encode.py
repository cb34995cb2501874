"""Last stage: speech (MP3) → what each channel plays best."""

from __future__ import annotations

from enum import Enum

from voice.errors import SpeechUnavailable
from voice.ffmpeg import run_ffmpeg


class Format(Enum):
    OGG_OPUS = "ogg_opus"  # Telegram voice notes (shown with a waveform and a play button)
    M4A = "m4a"  # Zalo
    MP3 = "mp3"  # browsers, Zalo

    @property
    def mime(self) -> str:
        return {"ogg_opus": "audio/ogg", "m4a": "audio/mp4", "mp3": "audio/mpeg"}[self.value]

    @property
    def suffix(self) -> str:
        return {"ogg_opus": ".ogg", "m4a": ".m4a", "mp3": ".mp3"}[self.value]


def encode(mp3: bytes, fmt: Format) -> bytes:
    if fmt is Format.MP3:
        return mp3
    if fmt is Format.OGG_OPUS:
        code, out, error = run_ffmpeg(mp3, [], ["-vn", "-ac", "1", "-c:a", "libopus", "-b:a", "32k",
                                                "-application", "voip", "-f", "ogg"])
    else:  # M4A must seek back to write its index: to a file, index moved to the front
        code, out, error = run_ffmpeg(mp3, [], ["-vn", "-ac", "1", "-c:a", "aac", "-b:a", "48k",
                                                "-movflags", "+faststart"], suffix_out=".m4a")
    if code != 0 or not out:
        raise SpeechUnavailable(f"encoding to {fmt.value} failed: {error.strip()}")
    return out
