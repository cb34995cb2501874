"""The national catalog behind the curated procedures, through the real trained model and the
repository's catalog file behind `caunoi run` (REST channel): an answer with its source, follow-ups,
a choice between close records, nothing close, and the curated KB still answering its own."""

from __future__ import annotations

import pytest

from bot.catalog.answers import SOURCE_LINE
from tests.e2e.test_conversations import Conversation


@pytest.fixture
def chat(assistant) -> Conversation:
    return Conversation(assistant.url)


def test_a_long_tail_question_gets_the_portal_answer_with_its_source(chat: Conversation) -> None:
    custom, text, buttons = chat.say("khôi phục mã số thuế nộp ở đâu")
    assert custom["procedure_id"].startswith("portal:") and custom["source"] == "portal"
    assert custom["topic"] == "where"
    assert text.splitlines()[-1] == SOURCE_LINE and "dichvucong.gov.vn" in text
    portal = custom["procedure_id"]
    assert buttons and all(portal in b["payload"] for b in buttons)
    # Follow-ups keep the portal procedure.
    custom, text, _ = chat.say("mất bao lâu?")
    assert custom["procedure_id"] == portal and custom["topic"] == "time"
    custom, _, _ = chat.say(buttons[0]["payload"])
    assert custom["procedure_id"] == portal


def test_close_records_are_offered_and_a_choice_is_answered(chat: Conversation) -> None:
    custom, _, buttons = chat.say("giải quyết tranh chấp đất đai thì nộp ở đâu")
    assert custom["topic"] == "clarify" and custom["source"] == "portal"
    assert 2 <= len(buttons) <= 4 and all("portal:" in b["payload"] for b in buttons)
    custom, text, _ = chat.say(buttons[0]["payload"])
    assert custom["procedure_id"].startswith("portal:") and text.splitlines()[-1] == SOURCE_LINE


def test_nothing_close_is_said_honestly(chat: Conversation) -> None:
    custom, text, buttons = chat.say("xin học bổng cho con học đại học")
    assert custom["procedure_id"] is None and custom["topic"] in ("unknown_procedure", "out_of_scope")
    assert not any("portal:" in b["payload"] for b in buttons)


def test_the_curated_kb_still_answers_its_own(chat: Conversation) -> None:
    custom, _, _ = chat.say("làm căn cước cần giấy tờ gì")
    assert custom["procedure_id"] == "can_cuoc" and custom["source"] == "kb"
