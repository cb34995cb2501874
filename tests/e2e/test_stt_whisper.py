"""Whisper base on real Vietnamese speech: the shared model and clips (../shared, read-only; never
copied into the project). Four short clips, four speakers, north and south: ~4 s of CPU."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.paths import ROOT
from voice.audio import SAMPLE_RATE, Pcm
from voice.decode import decode
from voice.errors import ModelMissing

SHARED = ROOT.parent / "shared"
MODEL = SHARED / "models" / "faster-whisper-base"
CLIPS = SHARED / "audio" / "vi_clips"
# Measured with the KB hints (see voice/stt/whisper_engine.py): WER 0.103 on these four clips (0.205
# without hints; 0.152 on all 15). The floor leaves room for int8 differences between CPUs; a broken
# audio path (wrong scaling, byte order, rate) scores near 1 (big-endian samples: 1.36).
CHOSEN = ("vieneu_03.wav", "vieneu_05.wav", "vieneu_11.wav", "vieneu_12.wav")
WER_FLOOR = 0.25

if not (MODEL / "model.bin").is_file() or not (CLIPS / "transcripts.tsv").is_file():
    pytest.skip(f"needs the shared Whisper model and clips in {SHARED} (the shared folder beside the checkout)",
                allow_module_level=True)
pytest.importorskip("faster_whisper")

from bench.voice_stt import load_clips, wer  # noqa: E402
from voice.stt import whisper_engine  # noqa: E402
from voice.stt.whisper_engine import PROMPT_CHARS, WhisperEngine, build_prompt  # noqa: E402


@pytest.fixture(scope="module")
def engine() -> WhisperEngine:
    return WhisperEngine(MODEL)


@pytest.fixture(scope="module")
def hints() -> tuple[str, ...]:
    from bot.kb.shared import knowledge_base
    from bot.voice.hints import hint_phrases

    return tuple(hint_phrases(knowledge_base()))


def test_word_error_rate_on_real_speech(engine: WhisperEngine, hints: tuple[str, ...]) -> None:
    clips = [(name, text) for name, text in load_clips() if name in CHOSEN]
    assert len(clips) == len(CHOSEN)
    heard = [engine.transcribe(decode((CLIPS / name).read_bytes()), hints) for name, _ in clips]
    assert all(t.engine == "whisper" for t in heard)
    score = wer([text for _, text in clips], [t.text for t in heard])
    assert score <= WER_FLOOR, [t.text for t in heard]


def test_silence_stays_silent_even_with_hints(engine: WhisperEngine, hints: tuple[str, ...]) -> None:
    # Without the VAD, Whisper made "Thủ hành chính, làm giấy đăng ký kết hôn…" out of silence.
    assert engine.transcribe(Pcm(bytes(2 * SAMPLE_RATE * 2)), hints).text == ""


def test_model_is_loaded_once(engine: WhisperEngine) -> None:
    loaded = dict(whisper_engine._models)
    again = WhisperEngine(MODEL, beam_size=1)
    assert again.model is engine.model
    assert whisper_engine._models == loaded
    assert os.environ.get("HF_HUB_OFFLINE") == "1"  # the hub is never asked for anything


def test_incomplete_folder_is_refused_before_loading(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"x")
    with pytest.raises(ModelMissing, match="tokenizer.json"):
        WhisperEngine(tmp_path)


def test_prompt_is_short_and_optional() -> None:
    assert build_prompt(()) is None
    prompt = build_prompt([f"thủ tục số {i}" for i in range(100)])
    assert prompt is not None and len(prompt) <= PROMPT_CHARS and "thủ tục số 0," in prompt
