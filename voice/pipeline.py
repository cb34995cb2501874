"""The voice pipeline: audio in → text the engine understands; answer text → audio out.

The engine stage sits between the two halves and belongs to the channel (the same path as typed
text), so `understand` and `speak` are separate calls. Each stage is timed (`timings`); every failure
is a `VoiceError` with a message for the user. Both halves are blocking and CPU-bound: channels
run them in a worker thread, one at a time (2 cores: the engine must stay responsive).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from voice.audio import Speech
from voice.decode import Limits, decode
from voice.encode import Format, encode
from voice.errors import NothingHeard
from voice.stt.base import SpeechToText, Transcript


class Speaker(Protocol):  # the TTS side as the pipeline sees it (voice/tts/speaker.py implements it)
    def speak(self, text: str) -> Speech: ...


@dataclass
class Timings:
    stages: dict[str, float] = field(default_factory=dict)  # stage → seconds

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start


@dataclass(frozen=True)
class Understood:
    transcript: Transcript
    duration_s: float
    timings: Timings


@dataclass(frozen=True)
class Spoken:
    audio: bytes
    format: Format
    source: str  # cache / gtts / espeak
    timings: Timings


class VoicePipeline:
    def __init__(self, stt: Callable[[], SpeechToText], speaker: Speaker, hints: Sequence[str] = (),
                 limits: Limits | None = None) -> None:
        self._stt_factory = stt  # loaded on first use, once: a missing model must not stop text channels
        self._stt: SpeechToText | None = None
        self._stt_lock = threading.Lock()
        self.speaker = speaker
        self.hints = tuple(hints)
        self.limits = limits or Limits()
        self.busy = threading.Lock()  # one voice job at a time

    def stt(self) -> SpeechToText:
        with self._stt_lock:
            if self._stt is None:
                self._stt = self._stt_factory()
            return self._stt

    def understand(self, data: bytes) -> Understood:
        timings = Timings()
        with self.busy:
            with timings.stage("decode"):
                audio = decode(data, self.limits)
            with timings.stage("stt"):
                transcript = self.stt().transcribe(audio, self.hints)
        if not transcript.text.strip():
            raise NothingHeard(f"{transcript.engine} heard nothing in {audio.duration_s:.1f} s")
        return Understood(transcript, audio.duration_s, timings)

    def speak(self, texts: str | Sequence[str], fmt: Format) -> Spoken:
        """One audio for a reply of one or more messages. Each message is spoken on its own, exactly as
        written, so pre-rendered answers come from the cache; MP3 frames simply concatenate."""
        timings = Timings()
        parts = [texts] if isinstance(texts, str) else [t for t in texts if t.strip()]
        with self.busy:
            with timings.stage("tts"):
                speeches = [self.speaker.speak(text) for text in parts]
            with timings.stage("encode"):
                audio = encode(b"".join(s.mp3 for s in speeches), fmt)
        sources = sorted({s.source for s in speeches})
        return Spoken(audio, fmt, "+".join(sources), timings)
