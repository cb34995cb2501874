"""Dialogue.handle: one entry point that routes between the status conversation and the answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.dialogue.handle import Dialogue, opened_once, status_dialogue_factory
from bot.dialogue.intents import Intent, Topic
from bot.dialogue.status import StatusDialogue
from bot.dialogue.turn import Context, Turn
from bot.kb import load_kb
from bot.settings import Commune
from bot.status.store import StatusStore
from tests.support.status_data import CODE

COMMUNE = Commune("Xã Thử", "Bộ phận Một cửa", "Thôn 2", "0999 000 111", "7h30–17h")


@pytest.fixture(scope="module")
def kb(root: Path):
    return load_kb(root / "procedures_kb")




class Counting:
    def __init__(self, make) -> None:
        self.make, self.calls = make, 0

    def __call__(self) -> StatusDialogue | None:
        self.calls += 1
        return self.make()


def turn(text: str, intent: str | None, procedure: str | None = None, **context) -> Turn:
    return Turn(sender="telegram:1", text=text, intent=Intent.parse(intent), procedure=procedure,
                context=Context(**context), channel="telegram")


def test_an_ordinary_question_never_opens_the_status_store(kb, store) -> None:
    factory = Counting(lambda: StatusDialogue(store, COMMUNE))
    outcome = Dialogue(kb, COMMUNE, (), factory).handle(turn("làm căn cước cần gì", "ask_documents", "can_cuoc"))
    assert factory.calls == 0
    assert (outcome.reply.topic, outcome.reply.procedure_id) == (Topic.DOCUMENTS, "can_cuoc")
    assert outcome.context == Context(procedure="can_cuoc", topic=Topic.DOCUMENTS)


def test_a_code_starts_the_status_conversation_and_the_proof_keeps_its_procedure(kb, store) -> None:
    dialogue = Dialogue(kb, COMMUNE, (), lambda: StatusDialogue(store, COMMUNE))
    asked = dialogue.handle(turn(f"hồ sơ {CODE} đến đâu rồi", "nlu_fallback"))
    assert asked.reply.expects == "phone_last4"
    assert (asked.context.status_step, asked.context.status_code) == ("phone", CODE)
    proved = dialogue.handle(Turn(sender="telegram:1", text="5678", intent=Intent.NLU_FALLBACK,
                                  context=asked.context, channel="telegram"))
    assert proved.reply.application["code"] == CODE
    assert proved.context.procedure == "khai_sinh" and proved.context.status_verified == CODE
    follow = dialogue.handle(Turn(sender="telegram:1", text="mất bao lâu", intent=Intent.ASK_TIME,
                                  context=proved.context, channel="telegram"))
    assert (follow.reply.topic, follow.reply.procedure_id) == (Topic.TIME, "khai_sinh")


def test_leaving_a_status_question_clears_it_and_answers_the_new_question(kb, store) -> None:
    dialogue = Dialogue(kb, COMMUNE, (), lambda: StatusDialogue(store, COMMUNE))
    outcome = dialogue.handle(turn("làm kết hôn mất bao lâu", "ask_time", "ket_hon", status_step="phone",
                                   status_code=CODE))
    assert (outcome.reply.topic, outcome.reply.procedure_id) == (Topic.TIME, "ket_hon")
    assert outcome.context.status_step is None and outcome.context.status_code is None


def test_without_a_status_store_a_status_question_gets_the_portal_advice(kb) -> None:
    def broken() -> StatusStore:
        raise OSError("database unreachable")

    dialogue = Dialogue(kb, COMMUNE, (), status_dialogue_factory(opened_once(broken), COMMUNE, {}))
    outcome = dialogue.handle(turn("hồ sơ của tôi đến đâu rồi", "check_status"))
    assert outcome.reply.topic == Topic.STATUS and COMMUNE.phone in outcome.reply.text


def test_the_reply_payload_carries_no_internal_state(kb) -> None:
    dialogue = Dialogue(kb, COMMUNE, ("khai_sinh",))
    clarify = dialogue.handle(turn("lệ phí bao nhiêu", "ask_fee"))
    assert clarify.context.topic == Topic.FEE
    assert set(clarify.reply.custom) == {"procedure_id", "topic", "buttons"}
    card = dialogue.handle(turn("gửi ảnh giấy tờ", "ask_checklist_image", "khai_sinh"))
    assert card.reply.custom["checklist_card"]["png"] == "/webhooks/cards/khai_sinh.png"


@pytest.mark.parametrize("text", ["con tôi 14 tuổi làm căn cước cần gì", "năm 2019 tôi đăng ký tạm trú",
                                  "lệ phí 50.000 đồng đúng không"])
def test_an_age_a_year_or_an_amount_never_opens_the_status_store(kb, store, text: str) -> None:
    counting = Counting(lambda: StatusDialogue(store, COMMUNE, {}))
    outcome = Dialogue(kb, COMMUNE, status=counting).handle(turn(text, "ask_documents", "can_cuoc"))
    assert counting.calls == 0 and outcome.reply.topic == Topic.DOCUMENTS
