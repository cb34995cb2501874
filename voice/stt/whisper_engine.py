"""Whisper (faster-whisper, CTranslate2) speech-to-text: multilingual, reads Vietnamese well on CPU.

The model is loaded once per process (per folder and thread count) and shared by every engine
instance: it is ~150 MB in memory and a load costs 0.3–1.5 s. Nothing here may reach the network: the
model is a local folder, `local_files_only=True`, and the Hugging Face hub is told it is offline
(faster-whisper would otherwise fetch a tokenizer from the hub when `tokenizer.json` is missing,
which the engine checks first).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from voice.audio import Pcm
from voice.errors import ModelMissing
from voice.models import check_whisper_model
from voice.stt.base import Transcript

# Measured on the 15 shared clips (bench/voice_stt.py; base, int8, beam 5, 2 threads), corpus WER
# without tone marks / with them:
#   VAD off: no prompt 0.189 / 0.244; prompt ≤200 chars 0.157 / 0.217; ≤400 chars 0.184 / 0.244, and
#     there "Anh chỉ muốn…" became "Đăng ký muốn…": a long prompt leaks into the transcript.
#   VAD on:  no prompt 0.189 / 0.244; ≤200 chars 0.152 / 0.212 (kept); ≤160 chars 0.166 / 0.230;
#     the same phrases without the "Thủ tục hành chính:" lead 0.194 / 0.249.
# The clips are not about procedures; there the prompt mostly stops Whisper from dropping the first
# words ("Tuy nhiên, …", "Sau bữa sáng, …"). On 8 procedure questions spoken by espeak-ng (robotic,
# hard) it matters more: 0.619 → 0.397 (0.841 → 0.540 with tones), and no more "mạc mạc mạc" loops.
# VAD costs no measurable time and keeps silence silent: without it Whisper turned 3 s of silence into
# "Để không bỏ lỡ lỡ lỡ…", and with the prompt into "Thủ hành chính, làm giấy đăng ký kết hôn…" (a
# question nobody asked); with it silence, white noise and a hum all give "".
PROMPT_CHARS = 200
PROMPT_LEAD = "Thủ tục hành chính: "


def build_prompt(hints: Sequence[str], limit: int = PROMPT_CHARS) -> str | None:
    """The first hints (most common first) that fit in `limit` characters, as one comma list."""
    chosen: list[str] = []
    size = len(PROMPT_LEAD)
    for hint in hints:
        hint = hint.strip()
        if not hint or hint in chosen:
            continue
        if size + len(hint) + 2 > limit:
            break
        chosen.append(hint)
        size += len(hint) + 2
    return PROMPT_LEAD + ", ".join(chosen) + "." if chosen else None


_models: dict[tuple[str, int], Any] = {}
_models_lock = threading.Lock()


def shared_model(model_dir: Path, cpu_threads: int) -> Any:
    """The process-wide WhisperModel for this folder, loaded on first use."""
    key = (str(Path(model_dir).resolve()), cpu_threads)
    with _models_lock:
        model = _models.get(key)
        if model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before huggingface_hub is imported
            from faster_whisper import WhisperModel  # heavy import, only when Whisper is used

            model = WhisperModel(key[0], device="cpu", compute_type="int8", cpu_threads=cpu_threads,
                                 local_files_only=True)
            _models[key] = model
        return model


class WhisperEngine:
    name = "whisper"

    def __init__(self, model_dir: Path, beam_size: int = 5, cpu_threads: int = 2) -> None:
        self.model_dir = Path(model_dir)
        missing = check_whisper_model(self.model_dir)
        if missing:  # checked first: a missing tokenizer.json would send faster-whisper to the hub
            raise ModelMissing(f"{self.model_dir} is not a usable Whisper model (missing: {', '.join(missing)})")
        self.beam_size = beam_size
        self.model = shared_model(self.model_dir, cpu_threads)

    def transcribe(self, audio: Pcm, hints: Sequence[str] = ()) -> Transcript:
        samples = np.frombuffer(audio.data, dtype="<i2").astype(np.float32) / 32768.0
        segments, _info = self.model.transcribe(
            samples, language="vi", beam_size=self.beam_size, initial_prompt=build_prompt(hints),
            vad_filter=True,  # see above: silence and noise must come out empty, not as a made-up question
        )
        # `segments` is a lazy generator: decoding happens while it is consumed, here.
        text = " ".join(segment.text.strip() for segment in segments)
        return Transcript(" ".join(text.split()), self.name)
