"""GttsVoice: the real gTTS client against the Google Translate TTS stand-in on loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.support.standins.gtts_server import BATCHEXECUTE_PATH, MAX_CHARS, GoogleTranslateTTS, clip
from voice.decode import decode
from voice.errors import SpeechUnavailable
from voice.tts.gtts_voice import URL_ENV, GttsVoice, split_for_google

LONG = ("Giấy tờ để làm giấy khai sinh: tờ khai đăng ký khai sinh, giấy chứng sinh do bệnh viện cấp. "
        "Nếu không có giấy chứng sinh thì cần văn bản của người làm chứng. Lệ phí: miễn phí nếu khai trong "
        "60 ngày. Nơi nộp: Ủy ban nhân dân xã nơi cha hoặc mẹ cư trú.")


@pytest.fixture(scope="module")
def server() -> Iterator[GoogleTranslateTTS]:
    with GoogleTranslateTTS() as stand_in:
        yield stand_in  # type: ignore[misc]


@pytest.fixture
def google(server: GoogleTranslateTTS) -> Iterator[GoogleTranslateTTS]:
    server.reset()
    yield server


def test_vietnamese_text_becomes_mp3_through_the_real_client(google: GoogleTranslateTTS) -> None:
    voice = GttsVoice(url=google.url)
    mp3 = voice.synthesize("Xin chào, tôi là Cầu Nối.")
    assert voice.name == "gtts-vi"
    assert mp3 == clip()
    assert decode(mp3).duration_s > 0.3  # real MP3: ffmpeg decodes it
    (request,) = google.recorded()
    assert (request.method, request.path) == ("POST", BATCHEXECUTE_PATH)
    assert request.params == {"rpcid": "jQ1olc", "text": "Xin chào, tôi là Cầu Nối.", "lang": "vi", "slow": False}


def test_long_text_is_split_by_gtts_into_several_requests(google: GoogleTranslateTTS) -> None:
    mp3 = GttsVoice(url=google.url).synthesize(LONG)
    texts = google.texts()
    assert texts == split_for_google(LONG)  # gTTS used our splitter and sent each piece as it was
    assert len(texts) == 3 and all(len(t) <= MAX_CHARS for t in texts)
    assert " ".join(texts) == LONG
    assert mp3 == clip() * len(texts)  # one MP3 per part, in order


def test_split_for_google_packs_sentences_then_clauses_then_words() -> None:
    sentences = ["Một hai ba.", "Bốn năm sáu?", "Bảy tám: chín mười."] * 12
    pieces = split_for_google(" ".join(sentences))
    assert all(len(p) <= MAX_CHARS and p[-1] in ".?" for p in pieces)  # whole sentences only
    assert " ".join(pieces) == " ".join(sentences) and len(pieces) == 6  # 539 chars: full pieces, not 36
    sentence = ("Tờ khai đăng ký khai sinh, giấy chứng sinh do bệnh viện hoặc trạm y tế cấp, "
                "giấy của người làm chứng việc sinh, một bản chính.")
    pieces = split_for_google(sentence)  # 128 characters in one sentence: cut after a comma
    assert len(pieces) == 2 and pieces[0].endswith(",") and " ".join(pieces) == sentence
    words = " ".join(["khai"] * 60)  # no punctuation at all
    assert [len(p) for p in split_for_google(words)] == [99, 99, 99]


def test_url_from_the_environment(google: GoogleTranslateTTS, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_ENV, google.url)
    assert GttsVoice().synthesize("Cảm ơn") == clip()
    assert google.texts() == ["Cảm ơn"]


@pytest.mark.parametrize("failure", [500, 403, "drop", "empty", "no_audio"])
def test_a_bad_answer_is_speech_unavailable_at_once(google: GoogleTranslateTTS, failure: int | str) -> None:
    google.fail_next(failure)
    started = time.monotonic()
    with pytest.raises(SpeechUnavailable, match="gTTS"):
        GttsVoice(url=google.url).synthesize("Xin chào")
    assert time.monotonic() - started < 1.0
    assert GttsVoice(url=google.url).synthesize("Xin chào") == clip()  # the next request is fine


def test_a_missing_part_is_not_passed_off_as_the_whole_answer(google: GoogleTranslateTTS) -> None:
    google.delay_next(0)  # the first part is answered...
    google.fail_next("empty")  # ...the second comes back without audio, which gTTS skips silently
    with pytest.raises(SpeechUnavailable, match=r"(\d+) of \d+ parts"):
        GttsVoice(url=google.url).synthesize(LONG)
    assert google.answered == len(google.texts()) - 1


def test_timeout_is_honoured(google: GoogleTranslateTTS) -> None:
    google.delay_next(5)
    started = time.monotonic()
    with pytest.raises(SpeechUnavailable):
        GttsVoice(url=google.url, timeout=0.5).synthesize("Xin chào")
    assert time.monotonic() - started < 2.0


def test_an_answer_slower_than_the_deadline_gives_up(google: GoogleTranslateTTS) -> None:
    google.delay_next(0.2, times=10)  # each part in time, the whole answer not
    started = time.monotonic()
    with pytest.raises(SpeechUnavailable, match="too slow: 2 of 3"):
        GttsVoice(url=google.url, timeout=2.0, deadline=0.3).synthesize(LONG)
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("mode", ["refuse", 503])
def test_offline_is_speech_unavailable_quickly(google: GoogleTranslateTTS, mode: int | str) -> None:
    google.go_offline(mode)
    started = time.monotonic()
    with pytest.raises(SpeechUnavailable):
        GttsVoice(url=google.url).synthesize("Xin chào")
    assert time.monotonic() - started < 1.0
    google.go_online()
    assert GttsVoice(url=google.url).synthesize("Xin chào") == clip()


def test_nothing_to_say_and_unknown_language() -> None:
    with pytest.raises(SpeechUnavailable):
        GttsVoice(url="http://127.0.0.1:9").synthesize("  ")
    with pytest.raises(SpeechUnavailable):
        GttsVoice(url="http://127.0.0.1:9").synthesize("...")  # gTTS: nothing left after cleaning
    with pytest.raises(ValueError):
        GttsVoice(lang="xx")
