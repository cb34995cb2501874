"""CachedSpeaker: natural voice (real gTTS against the stand-in) → cache → offline espeak-ng, with back-off."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import load_settings
from bot.voice.speaker import build_speaker, without_personal_numbers
from tests.support.standins.gtts_server import GoogleTranslateTTS, clip
from voice.errors import SpeechUnavailable
from voice.tts.cache import SpeechCache
from voice.tts.espeak_voice import EspeakVoice
from voice.tts.gtts_voice import GttsVoice
from voice.tts.speaker import CachedSpeaker

ANSWER = "👉 Nơi nộp: UBND xã.\n1. Tờ khai – 1 bản chính"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Mute:
    name = "mute-vi"

    def synthesize(self, text: str) -> bytes:
        raise SpeechUnavailable("mute")


@pytest.fixture(scope="module")
def server() -> Iterator[GoogleTranslateTTS]:
    with GoogleTranslateTTS() as stand_in:
        yield stand_in  # type: ignore[misc]


@pytest.fixture
def google(server: GoogleTranslateTTS) -> GoogleTranslateTTS:
    server.reset()
    return server


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def speaker(google: GoogleTranslateTTS, tmp_path: Path, clock: Clock) -> CachedSpeaker:
    return CachedSpeaker(SpeechCache(tmp_path / "speech"), GttsVoice(url=google.url, timeout=1.0), EspeakVoice(),
                         backoff_s=60, clock=clock, cacheable=without_personal_numbers)


def test_online_natural_voice_then_cache_without_a_request(google: GoogleTranslateTTS,
                                                           speaker: CachedSpeaker) -> None:
    first = speaker.speak(ANSWER)
    assert first.source == "gtts" and first.mp3 == clip() * len(google.texts())
    assert google.texts()[0].startswith("Nơi nộp: Ủy ban nhân dân xã")  # speakable text, not the screen's
    asked = len(google.recorded())
    second = speaker.speak(ANSWER)
    assert (second.source, second.mp3) == ("cache", first.mp3)
    assert len(google.recorded()) == asked
    assert speaker.cache.get(speaker.primary, ANSWER) == first.mp3


def test_answers_quoting_personal_numbers_are_spoken_but_never_kept(google: GoogleTranslateTTS,
                                                                    speaker: CachedSpeaker, tmp_path: Path) -> None:
    private = "Hồ sơ H12.22-251103-0042: đã có kết quả."
    assert speaker.speak(private).source == "gtts"
    assert speaker.speak(private).source == "gtts"  # asked again, not cached
    assert not any(p.is_file() for p in (tmp_path / "speech").rglob("*"))


def test_offline_falls_back_to_espeak_and_rests_the_primary(google: GoogleTranslateTTS, speaker: CachedSpeaker,
                                                            clock: Clock) -> None:
    google.go_offline(503)
    first = speaker.speak("Lệ phí làm căn cước là năm mươi nghìn đồng.")
    assert first.source == "espeak" and first.mp3[:3] == b"ID3"
    assert speaker.primary_resting and len(google.recorded()) == 1
    started = time.monotonic()
    second = speaker.speak("Giấy khai sinh làm ở Ủy ban nhân dân xã.")
    assert second.source == "espeak"
    assert len(google.recorded()) == 1  # not asked again while resting
    assert time.monotonic() - started < 1.0  # the espeak voice at once, no timeout waited
    again = speaker.speak("Lệ phí làm căn cước là năm mươi nghìn đồng.")
    assert (again.source, again.mp3) == ("cache", first.mp3)  # the offline voice's own cache entry


def test_back_online_after_the_backoff_fetches_and_keeps_the_natural_voice(
        google: GoogleTranslateTTS, speaker: CachedSpeaker, clock: Clock) -> None:
    google.go_offline()  # connections refused
    assert speaker.speak(ANSWER).source == "espeak"
    google.go_online()
    clock.now += 30
    assert speaker.speak(ANSWER).source == "cache"  # still resting: the espeak file
    assert google.recorded() == []
    clock.now += 31
    natural = speaker.speak(ANSWER)
    assert natural.source == "gtts" and natural.mp3.startswith(clip())  # espeak never took its place
    assert not speaker.primary_resting
    assert speaker.speak(ANSWER) == dataclasses.replace(natural, source="cache")


def test_a_single_failed_request_is_not_fatal_to_the_answer(google: GoogleTranslateTTS,
                                                            speaker: CachedSpeaker) -> None:
    google.fail_next("drop")
    assert speaker.speak("Xin chào").source == "espeak"
    assert speaker.primary_resting


def test_no_voice_at_all_is_speech_unavailable(tmp_path: Path) -> None:
    speaker = CachedSpeaker(SpeechCache(tmp_path), Mute(), Mute())
    with pytest.raises(SpeechUnavailable, match="mute"):
        speaker.speak("Xin chào")
    with pytest.raises(SpeechUnavailable):
        speaker.speak("👉 🎉")  # nothing left to say
    assert list(tmp_path.iterdir()) == []


def test_build_speaker_from_settings_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = dataclasses.replace(load_settings(), data_dir=tmp_path / "data")
    monkeypatch.delenv("CAUNOI_TTS", raising=False)
    monkeypatch.delenv("CAUNOI_SPEECH_CACHE", raising=False)
    speaker = build_speaker(settings)
    assert (speaker.primary.name, getattr(speaker.fallback, "name", None)) == ("gtts-vi", "espeak-vi")
    assert speaker.cache.dir == tmp_path / "data" / "speech-cache"
    monkeypatch.setenv("CAUNOI_TTS", "espeak")
    monkeypatch.setenv("CAUNOI_SPEECH_CACHE", str(tmp_path / "elsewhere"))
    speaker = build_speaker(settings)
    assert (speaker.primary.name, speaker.fallback) == ("espeak-vi", None)
    assert speaker.cache.dir == tmp_path / "elsewhere"
    assert speaker.speak("Xin chào").source == "espeak"
    monkeypatch.setenv("CAUNOI_TTS", "festival")
    with pytest.raises(ValueError, match="CAUNOI_TTS"):
        build_speaker(settings)
