"""Stage 1: any audio people send → 16 kHz mono 16-bit PCM.

OGG/Opus (Telegram voice notes), M4A/AAC (Zalo), MP3, WebM/Opus (browsers' MediaRecorder), WAV.
Size and duration are limited: a question takes seconds, and a 2-core server must not spend
minutes on one upload. The output length is checked, not only ffmpeg's exit code.
"""

from __future__ import annotations

from dataclasses import dataclass

from voice.audio import SAMPLE_RATE, SAMPLE_WIDTH, Pcm
from voice.errors import AudioTooLarge, AudioTooLong, AudioUnreadable
from voice.ffmpeg import run_ffmpeg


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_seconds: float = 60.0
    min_seconds: float = 0.3  # shorter is a slip of the finger, not a question


def decode(data: bytes, limits: Limits = Limits()) -> Pcm:
    if len(data) > limits.max_bytes:
        raise AudioTooLarge(f"{len(data)} bytes > {limits.max_bytes}")
    if not data:
        raise AudioUnreadable("empty file")
    # Decode a little past the limit: enough to know it is too long without decoding an hour.
    code, pcm, error = run_ffmpeg(
        data, [], ["-t", f"{limits.max_seconds + 1:.1f}", "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE),
                   "-f", "s16le", "-acodec", "pcm_s16le"],
    )
    if code != 0:
        raise AudioUnreadable(f"ffmpeg exit {code}: {error.strip() or 'no message'}")
    pcm = pcm[: len(pcm) - len(pcm) % SAMPLE_WIDTH]
    audio = Pcm(pcm)
    if audio.duration_s < limits.min_seconds:
        raise AudioUnreadable(f"decoded {audio.duration_s:.2f} s of audio")
    if audio.duration_s > limits.max_seconds:
        raise AudioTooLong(f"longer than {limits.max_seconds:.0f} s")
    return audio
