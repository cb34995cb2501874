"""prerender(): every answer of a two-procedure KB into the cache with the natural voice (the stand-in)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.dialogue.reply import ANSWER_TOPICS
from bot.kb import KnowledgeBase
from bot.kb.shared import knowledge_base
from bot.settings import load_settings
from bot.voice.prerender import FIXED_INTENTS, GIVE_UP_AFTER, answer_texts, prerender
from tests.support.standins.gtts_server import GoogleTranslateTTS
from voice.tts.cache import SpeechCache
from voice.tts.espeak_voice import EspeakVoice
from voice.tts.gtts_voice import GttsVoice
from voice.tts.speaker import CachedSpeaker

PROCEDURES = ("khai_tu", "tam_tru")


@pytest.fixture
def google() -> Iterator[GoogleTranslateTTS]:
    with GoogleTranslateTTS() as stand_in:
        yield stand_in  # type: ignore[misc]


@pytest.fixture
def kb() -> KnowledgeBase:
    full = knowledge_base()
    return KnowledgeBase({pid: full.procedures[pid] for pid in PROCEDURES})


def speaker_for(google: GoogleTranslateTTS, directory: Path) -> CachedSpeaker:
    return CachedSpeaker(SpeechCache(directory), GttsVoice(url=google.url, timeout=1.0), EspeakVoice())


def test_every_answer_is_cached_once(google: GoogleTranslateTTS, kb: KnowledgeBase, tmp_path: Path) -> None:
    commune = load_settings().commune
    texts = answer_texts(kb, commune)
    labels = [label for label, _ in texts]
    assert {f"{pid}/{topic}" for pid in PROCEDURES for topic in ANSWER_TOPICS} <= set(labels)
    assert {"greet", "help", "human", "out_of_scope", "clarify", "fallback"} <= set(labels)
    assert len(texts) == len(PROCEDURES) * len(ANSWER_TOPICS) + len(FIXED_INTENTS)

    speaker = speaker_for(google, tmp_path)
    seen: list[tuple[int, int]] = []
    summary = prerender(speaker, kb, commune, progress=lambda done, total: seen.append((done, total)))
    assert (summary.rendered, summary.cached_already, summary.failed) == (len(texts), 0, 0)
    assert seen[-1] == (len(texts), len(texts)) and len(seen) == len(texts)
    for _, text in texts:
        assert speaker.cache.get("gtts-vi", text) is not None, text
        assert speaker.cache.get("espeak-vi", text) is None  # only the natural voice is rendered
    assert str(summary) == f"{len(texts)} answers with gtts-vi: {len(texts)} rendered, 0 already cached, 0 failed"

    asked = len(google.recorded())
    again = prerender(speaker_for(google, tmp_path), kb, commune)  # e.g. a second `caunoi voice prerender`
    assert (again.rendered, again.cached_already, again.failed) == (0, len(texts), 0)
    assert len(google.recorded()) == asked


def test_offline_failures_are_counted_and_nothing_crashes(google: GoogleTranslateTTS, kb: KnowledgeBase,
                                                          tmp_path: Path) -> None:
    commune = load_settings().commune
    total = len(answer_texts(kb, commune))
    speaker = speaker_for(google, tmp_path)
    prerender(speaker, KnowledgeBase({"khai_tu": kb.procedures["khai_tu"]}), commune)  # some are cached already
    cached = speaker.cache.count()
    google.go_offline(503)
    google.requests.clear()
    summary = prerender(speaker, kb, commune)
    assert summary.cached_already == cached
    assert summary.rendered == 0 and summary.failed == total - cached
    assert len(google.recorded()) == GIVE_UP_AFTER  # then it stops asking a server that is down
    assert "failed" in str(summary) and "503" in str(summary) and "Run again" in str(summary)
    assert speaker.cache.count() == cached  # no espeak audio and no empty files under the natural voice

    google.go_offline()  # connections refused
    assert prerender(speaker, kb, commune).failed == total - cached
