"""What each recording says in Vietnamese: the text its freshness follows."""

from __future__ import annotations

from dataclasses import replace

from bot.dialogue.answers import fee, where
from bot.dialogue.phrases import PHRASES
from bot.languages.recorded import hasher, recording_keys, vietnamese_of
from bot.languages.texts import source_hash
from bot.languages.wording import VIETNAMESE
from tests.unit.bot.languages.conftest import COMMUNE


def test_a_topic_recording_speaks_the_whole_answer_for_this_commune(kb) -> None:
    p = kb.procedures["khai_sinh"]
    assert vietnamese_of("khai_sinh.fee", kb, COMMUNE) == fee(p, COMMUNE)
    assert vietnamese_of("khai_sinh.where", kb, COMMUNE) == where(p, COMMUNE)
    moved = replace(COMMUNE, phone="0999 000 222")
    assert hasher(kb, moved)("khai_sinh.where") != hasher(kb, COMMUNE)("khai_sinh.where")
    assert hasher(kb, moved)("khai_sinh.fee") == source_hash(fee(p, COMMUNE))


def test_a_phrase_recording_speaks_the_phrase_with_the_desk_filled_in(kb) -> None:
    assert vietnamese_of("phrase.greet", kb, COMMUNE) == PHRASES["greet"]
    assert vietnamese_of("phrase.human", kb, COMMUNE) == VIETNAMESE.phrase("human", contact=VIETNAMESE.contact(COMMUNE))
    # A phrase whose words change with the question cannot be recorded once.
    assert vietnamese_of("phrase.fee.title", kb, COMMUNE) is None


def test_unknown_keys_name_nothing(kb) -> None:
    for key in ("nope.fee", "khai_sinh.weather", "phrase.nope", "khai_sinh", ""):
        assert vietnamese_of(key, kb, COMMUNE) is None
    keys = recording_keys(kb)
    assert "khai_sinh.documents" in keys and "phrase.language.choose" in keys and "phrase.fee.title" not in keys
    assert all(vietnamese_of(k, kb, COMMUNE) for k in keys)
