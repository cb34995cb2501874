"""EspeakVoice: the real espeak-ng and ffmpeg, offline Vietnamese speech as MP3."""

from __future__ import annotations

import shutil

import pytest

from voice.decode import decode
from voice.errors import SpeechUnavailable
from voice.tts import espeak_voice
from voice.tts.cache import looks_like_mp3
from voice.tts.espeak_voice import EspeakVoice

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")

TEXT = "Lệ phí làm thẻ căn cước là năm mươi nghìn đồng. Bạn nộp ở công an xã."


def test_vietnamese_mp3_of_a_plausible_length() -> None:
    voice = EspeakVoice()
    mp3 = voice.synthesize(TEXT)
    assert voice.name == "espeak-vi"
    assert looks_like_mp3(mp3)
    syllables = len(TEXT.split())  # a Vietnamese word is one syllable
    expected = syllables * 60 / voice.speed
    assert 0.5 * expected < decode(mp3).duration_s < 2.0 * expected


def test_speed_changes_the_length() -> None:
    slow, fast = (decode(EspeakVoice(speed=s).synthesize(TEXT)).duration_s for s in (90, 220))
    assert slow > 1.5 * fast


@pytest.mark.parametrize("text", ["--help", "-v en -s 900 xin chào", "--version"])
def test_text_starting_with_a_dash_is_spoken_not_parsed(text: str) -> None:
    # As an argument, "--help" would print help and give no audio at all.
    assert decode(EspeakVoice().synthesize(text)).duration_s > 0.3


def test_missing_espeak_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(espeak_voice.shutil, "which", lambda name: None)
    with pytest.raises(SpeechUnavailable, match="apt-get install espeak-ng"):
        EspeakVoice().synthesize("xin chào")


def test_unknown_voice_and_empty_text_are_speech_unavailable() -> None:
    with pytest.raises(SpeechUnavailable):
        EspeakVoice(voice="no-such-voice").synthesize("xin chào")
    with pytest.raises(SpeechUnavailable):
        EspeakVoice().synthesize("   ")
