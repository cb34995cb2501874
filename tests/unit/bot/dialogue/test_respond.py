"""Dialogue decisions and the reply contract, on the real knowledge base."""

from pathlib import Path

import pytest

from bot.dialogue.intents import Intent, Topic
from bot.dialogue.reply import TOPICS, Reply
from bot.dialogue.respond import ProcedureAnswers
from bot.dialogue.turn import Context, Outcome, Turn
from bot.kb import load_kb
from bot.kb.validate import MAX_BUTTON
from bot.settings import Commune

COMMUNE = Commune("Xã Thử", "Bộ phận Một cửa", "Thôn 2", "0999 000 111", "7h30–17h")
TOP = ("khai_sinh", "can_cuoc", "ket_hon")


@pytest.fixture(scope="module")
def kb(root: Path):
    return load_kb(root / "procedures_kb")


def turn(kb, intent, procedure=None, context=None, topic=None) -> Outcome:
    before = Context(procedure=context, topic=Topic(topic) if topic else None)
    return ProcedureAnswers(kb, COMMUNE, TOP).respond(
        Turn(sender="t", text="", intent=Intent.parse(intent), procedure=procedure, context=before))


def say(kb, intent, procedure=None, context=None, topic=None) -> Reply:
    return turn(kb, intent, procedure, context, topic).reply


def test_documents_are_a_numbered_checklist_with_a_closing_line(kb) -> None:
    reply = say(kb, "ask_documents", "khai_sinh")
    lines = reply.text.splitlines()
    p = kb.procedures["khai_sinh"]
    numbered = [line for line in lines if line[:1].isdigit()]
    assert len(numbered) == len(p.documents)
    checklist = reply.custom["checklist"]
    assert sorted(item["name"] for item in checklist) == sorted(d.name for d in p.documents)
    for line, item in zip(numbered, checklist, strict=True):
        assert line.startswith(f"{item['n']}. {item['name']} – {item['copies']}")
    # papers everyone needs come before the ones that depend on the case
    whens = [bool(item["when"]) for item in checklist]
    assert whens == sorted(whens)
    assert lines[-1] == "👉 Nơi nộp: " + p.where.split(". ")[0].rstrip(".") + "."
    assert reply.custom["procedure_id"] == "khai_sinh" and reply.custom["topic"] == "documents"


def test_fee_and_time_come_from_the_kb_and_say_when_unsure(kb) -> None:
    for pid, p in kb.procedures.items():
        fee = say(kb, "ask_fee", pid).text
        assert p.fee.amount in fee
        assert ("hỏi lại cán bộ" in fee) == p.fee.confirm_at_office
        time = say(kb, "ask_time", pid).text
        assert p.processing_time.text in time


def test_follow_up_keeps_the_procedure(kb) -> None:
    reply = say(kb, "ask_time", None, context="khai_sinh", topic="documents")
    assert reply.procedure_id == "khai_sinh" and reply.topic == "time"


def test_naming_another_procedure_keeps_the_topic(kb) -> None:
    reply = say(kb, "inform_procedure", "ket_hon", context="khai_sinh", topic="fee")
    assert reply.procedure_id == "ket_hon" and reply.topic == "fee"
    assert kb.procedures["ket_hon"].fee.amount in reply.text


def test_unknown_procedure_gets_a_question_with_buttons(kb) -> None:
    outcome = turn(kb, "ask_fee", context="khai_sinh_gone", topic="documents")
    reply = outcome.reply
    assert reply.topic == "clarify" and reply.procedure_id is None
    assert [b["payload"] for b in reply.buttons] == [
        '/ask_fee{"procedure":"khai_sinh"}', '/ask_fee{"procedure":"can_cuoc"}',
        '/ask_fee{"procedure":"ket_hon"}',
    ]
    assert outcome.context == Context(procedure=None, topic=Topic.FEE)  # waiting to answer the fee
    assert "pending_topic" not in reply.custom


def test_where_and_human_give_the_commune_contact(kb) -> None:
    assert COMMUNE.phone in say(kb, "ask_where", "tam_tru").text
    human = say(kb, "talk_to_human", context="khai_sinh")
    assert COMMUNE.phone in human.text and human.topic == "human"
    assert human.procedure_id == "khai_sinh"  # small talk keeps the context


def test_fallback_with_a_procedure_answers_its_overview(kb) -> None:
    reply = say(kb, "nlu_fallback", "bhyt")
    assert reply.topic == "overview" and reply.procedure_id == "bhyt"
    assert say(kb, "nlu_fallback").topic == "fallback"


@pytest.mark.parametrize(
    "intent", ["greet", "goodbye", "thanks", "help", "talk_to_human", "check_status",
               "out_of_scope", "nlu_fallback", "ask_overview", "ask_online", "ask_steps"],
)
def test_every_reply_honours_the_contract(kb, intent: str) -> None:
    reply = say(kb, intent, None, context="can_cuoc")
    assert reply.custom["topic"] in TOPICS
    assert set(reply.custom) >= {"procedure_id", "topic"}
    assert reply.text.strip()


def test_greeting_buttons_use_short_labels_that_fit_a_button(kb) -> None:
    """Every procedure, offered as a greeting button, gets its short label: a formal name such as
    "Đăng ký, cấp thẻ bảo hiểm y tế; cấp lại, đổi, sửa thông tin thẻ bảo hiểm y tế" is cut off."""
    everyone = ProcedureAnswers(kb, COMMUNE, tuple(kb.ids))
    greeting = everyone.respond(Turn(sender="t", text="", intent=Intent.GREET, context=Context())).reply
    assert [b["payload"].split('"')[-2] for b in greeting.buttons] == kb.ids
    for button in greeting.buttons:
        p = kb.procedures[button["payload"].split('"')[-2]]
        assert button["title"] == p.button_label and p.button, p.id  # every shipped entry has its own label
        assert len(button["title"]) <= MAX_BUTTON, f"{p.id}: {button['title']!r} is {len(button['title'])} characters"
        assert "\n" not in button["title"]
    assert len(kb.procedures["bhyt"].name) > MAX_BUTTON  # the formal name would not fit: the case this guards


def test_answers_fit_a_phone_screen(kb) -> None:
    for pid in kb.ids:
        for intent in ("ask_overview", "ask_documents", "ask_fee", "ask_time", "ask_where",
                       "ask_steps", "ask_online"):
            text = say(kb, intent, pid).text
            assert len(text) <= 1800, f"{pid} {intent}: {len(text)} characters"
            assert "\n\n" not in text  # REST would split it into several messages


def test_unknown_topic_is_refused() -> None:
    with pytest.raises(ValueError):
        Reply("x", "weather")


def _with_object(kb, intent, obj, context=None) -> Outcome:
    before = Context(procedure=context, topic=Topic.DOCUMENTS if context else None)
    return ProcedureAnswers(kb, COMMUNE, TOP).respond(
        Turn(sender="t", text="", intent=Intent.parse(intent), unknown_object=obj, context=before))


@pytest.mark.parametrize("intent", ["ask_where", "ask_time", "inform_procedure", "nlu_fallback"])
def test_a_message_naming_something_unknown_never_gets_the_previous_procedure(kb, intent: str) -> None:
    # "làm căn cước" then "làm sổ đỏ ở đâu": not the police station for a land title.
    outcome = _with_object(kb, intent, "sổ đỏ", context="can_cuoc")
    assert outcome.reply.topic == Topic.UNKNOWN_PROCEDURE and outcome.reply.procedure_id is None
    assert "chưa có hướng dẫn" in outcome.reply.text and COMMUNE.phone in outcome.reply.text
    assert kb.procedures["can_cuoc"].where not in outcome.reply.text
    assert outcome.context.procedure is None  # the next "mất bao lâu?" is not about căn cước either


def test_a_named_procedure_wins_over_unknown_words(kb) -> None:
    before = Context(procedure="can_cuoc")
    outcome = ProcedureAnswers(kb, COMMUNE, TOP).respond(
        Turn(sender="t", text="", intent=Intent.ASK_TIME, procedure="khai_sinh", unknown_object="hôm qua",
             context=before))
    assert outcome.reply.procedure_id == "khai_sinh"


def test_small_talk_with_unknown_words_keeps_the_context(kb) -> None:
    outcome = _with_object(kb, "thanks", "nhiều lắm", context="can_cuoc")
    assert outcome.reply.topic == Topic.THANKS and outcome.context.procedure == "can_cuoc"


def test_every_topic_a_message_asks_is_answered(kb) -> None:
    p = kb.procedures["can_cuoc"]
    outcome = ProcedureAnswers(kb, COMMUNE, TOP).respond(
        Turn(sender="t", text="", intent=Intent.ASK_WHERE, procedure="can_cuoc",
             also_asked=(Topic.TIME, Topic.FEE)))
    reply = outcome.reply
    assert reply.topic == Topic.WHERE and outcome.context.topic == Topic.WHERE
    assert p.processing_time.text in reply.text and p.fee.amount in reply.text
    assert reply.text.count("👉") <= 1  # the closing line once
    assert {b["payload"].split("{")[0] for b in reply.buttons}.isdisjoint({"/ask_where", "/ask_time", "/ask_fee"})


def test_the_overview_does_not_repeat_its_fee_and_time(kb) -> None:
    plain = say(kb, "ask_overview", "khai_sinh").text
    outcome = ProcedureAnswers(kb, COMMUNE, TOP).respond(
        Turn(sender="t", text="", intent=Intent.ASK_OVERVIEW, procedure="khai_sinh", also_asked=(Topic.FEE,)))
    assert outcome.reply.text == plain
