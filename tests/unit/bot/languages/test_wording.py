"""Answers read through a translation: translated texts, or Vietnamese after the line saying so."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.dialogue.answers import answer, render
from bot.dialogue.intents import Topic
from bot.languages.pack import load_pack
from bot.languages.wording import VIETNAMESE, Translation, Untranslated, in_language
from tests.unit.bot.languages.conftest import COMMUNE


@pytest.fixture
def pack(kb, tmp_path: Path):
    from tests.support.language_pack import write_pack

    return load_pack(write_pack(tmp_path, kb, COMMUNE, leave_out=["khai_sinh:steps.0"],
                                stale=["khai_sinh:documents.0.name"]))


def test_a_view_translates_only_what_is_read(kb, pack) -> None:
    p = Translation(pack).procedure(kb.procedures["khai_sinh"])
    assert p.name == "[qaa] khai_sinh:name"
    assert p.fee.amount == "[qaa] khai_sinh:fee.amount"
    assert p.id == "khai_sinh" and p.fee.confirm_at_office == kb.procedures["khai_sinh"].fee.confirm_at_office
    with pytest.raises(Untranslated, match="khai_sinh:steps.0"):
        p.steps  # noqa: B018 - reading it is the test
    with pytest.raises(Untranslated, match="khai_sinh:documents.0.name"):
        p.documents[0].name  # noqa: B018


def test_a_topic_is_translated_whole_or_given_in_vietnamese_after_the_line(kb, pack) -> None:
    w, p = Translation(pack), kb.procedures["khai_sinh"]
    fee, translated = render(p, Topic.FEE, COMMUNE, w)
    assert translated and fee.startswith("[qaa] fee.title") and "[qaa] khai_sinh:fee.amount" in fee
    assert "Lệ phí" not in fee
    steps, translated = render(p, Topic.STEPS, COMMUNE, w)  # one step untranslated
    vietnamese, _ = render(p, Topic.STEPS, COMMUNE, VIETNAMESE)
    assert not translated and steps == "[qaa] language.in_vietnamese\n" + vietnamese


def test_an_answer_says_which_language_it_speaks_and_its_checklist_follows(kb, pack) -> None:
    w, p = Translation(pack), kb.procedures["khai_sinh"]
    reply = answer(p, Topic.FEE, COMMUNE, (Topic.STEPS,), w)
    assert reply.custom["language"] == "qaa"
    assert "[qaa] language.in_vietnamese" in reply.text  # before the steps, which are not translated
    assert [b["title"] for b in reply.buttons][:2] == ["[qaa] button.documents", "[qaa] button.time"]
    documents = answer(p, Topic.DOCUMENTS, COMMUNE, (), w)  # first paper's name is stale
    assert documents.checklist[0]["name"] == p.documents[0].name  # so all of it is Vietnamese
    assert documents.text.startswith("[qaa] language.in_vietnamese\nGiấy tờ để")


def test_vietnamese_replies_are_marked_with_no_language(kb) -> None:
    reply = answer(kb.procedures["khai_sinh"], Topic.FEE, COMMUNE)
    assert "language" not in reply.custom


def test_in_language_falls_back_without_the_line_when_even_it_is_missing(kb, tmp_path: Path) -> None:
    from tests.support.language_pack import write_pack

    pack = load_pack(write_pack(tmp_path, kb, COMMUNE, only=["greet"]))
    assert in_language(Translation(pack), lambda w: w.phrase("greet")) == ("[qaa] greet", True)
    assert in_language(Translation(pack), lambda w: w.phrase("thanks")) == (VIETNAMESE.phrase("thanks"), False)
