"""Multi-turn conversations through the real trained model behind `caunoi run` (REST channel)."""

from __future__ import annotations

import uuid

import pytest

from bot.dialogue.reply import TOPICS
from bot.runtime.chat import send


def _custom(messages: list[dict]) -> dict:
    [custom] = [m["custom"] for m in messages if "custom" in m]
    return custom


def _text(messages: list[dict]) -> str:
    return "\n".join(m["text"] for m in messages if m.get("text"))


class Conversation:
    def __init__(self, url: str) -> None:
        self.url = url
        self.sender = f"test-{uuid.uuid4().hex[:8]}"

    def say(self, text: str) -> tuple[dict, str, list[dict]]:
        messages = send(self.url, self.sender, text)
        custom = _custom(messages)
        assert custom["topic"] in TOPICS
        assert _text(messages).strip(), "the whole answer must be in text"
        buttons = [b for m in messages for b in m.get("buttons") or []]
        return custom, _text(messages), buttons


@pytest.fixture
def chat(assistant) -> Conversation:
    return Conversation(assistant.url)


@pytest.mark.parametrize(
    "question",
    ["làm giấy khai sinh cho con cần gì", "lam giay khai sinh can gi", "lm khai sinh cần j z ad"],
)
def test_the_same_question_typed_three_ways(chat: Conversation, question: str) -> None:
    custom, text, _ = chat.say(question)
    assert custom["procedure_id"] == "khai_sinh" and custom["topic"] == "documents"
    assert "1. Tờ khai đăng ký khai sinh" in text
    assert custom["checklist"][0]["n"] == 1


def test_follow_ups_remember_procedure_and_topic(chat: Conversation) -> None:
    custom, _, _ = chat.say("làm giấy khai sinh cho con cần gì")
    assert custom["procedure_id"] == "khai_sinh"
    custom, text, _ = chat.say("mất bao lâu?")
    assert (custom["procedure_id"], custom["topic"]) == ("khai_sinh", "time")
    assert "Thời gian làm giấy khai sinh" in text
    custom, _, _ = chat.say("có mất tiền không")
    assert (custom["procedure_id"], custom["topic"]) == ("khai_sinh", "fee")
    custom, text, _ = chat.say("thế còn kết hôn?")
    assert (custom["procedure_id"], custom["topic"]) == ("ket_hon", "fee")
    assert "Lệ phí làm giấy đăng ký kết hôn" in text


def test_unclear_procedure_asks_with_buttons_and_a_tap_answers(chat: Conversation) -> None:
    custom, _, buttons = chat.say("mất bao nhiêu tiền vậy")
    assert custom["topic"] == "clarify" and custom["procedure_id"] is None
    assert len(buttons) >= 3
    tap = next(b for b in buttons if "can_cuoc" in b["payload"])
    custom, text, _ = chat.say(tap["payload"])
    assert (custom["procedure_id"], custom["topic"]) == ("can_cuoc", "fee")
    assert "Lệ phí làm thẻ căn cước" in text


def test_clarify_then_typed_name_answers_the_pending_topic(chat: Conversation) -> None:
    custom, _, _ = chat.say("cần những giấy tờ gì")
    assert custom["topic"] == "clarify"
    custom, _, _ = chat.say("tạm trú")
    assert (custom["procedure_id"], custom["topic"]) == ("tam_tru", "documents")


def test_talk_to_a_person_gives_the_commune_contact(chat: Conversation) -> None:
    from bot.settings import load_settings

    custom, text, _ = chat.say("cho tôi nói chuyện với cán bộ xã")
    assert custom["topic"] == "human"
    assert load_settings().commune.phone in text


@pytest.mark.parametrize(
    ("message", "topic"),
    [("xin chào", "greet"), ("bạn giúp được gì", "help"), ("cảm ơn nhé", "thanks"),
     ("hồ sơ của tôi đến đâu rồi", "status"), ("hôm nay thời tiết thế nào", "out_of_scope")],
)
def test_small_talk_and_placeholders(chat: Conversation, message: str, topic: str) -> None:
    custom, _, _ = chat.say(message)
    assert custom["topic"] == topic


def test_online_answer_mentions_vneid(chat: Conversation) -> None:
    custom, text, _ = chat.say("đăng ký thường trú online được không")
    assert (custom["procedure_id"], custom["topic"]) == ("thuong_tru", "online")


def test_conversations_do_not_mix(assistant) -> None:
    a, b = Conversation(assistant.url), Conversation(assistant.url)
    a.say("làm căn cước cần gì")
    b.say("đăng ký kết hôn cần gì")
    assert a.say("mất bao lâu")[0]["procedure_id"] == "can_cuoc"
    assert b.say("mất bao lâu")[0]["procedure_id"] == "ket_hon"
