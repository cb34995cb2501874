"""The status conversation (bot/dialogue/status.py) on a real SQLite status store."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.dialogue.intents import Intent
from bot.dialogue.status import MAX_CODE_FAILURES, MAX_SENDER_FAILURES, StatusDialogue, last_four
from bot.dialogue.turn import Context, Turn
from bot.settings import load_settings
from bot.status.stages import STAGES
from bot.status.store import StatusStore
from tests.support.status_data import CODE

NOW = datetime(2025, 11, 10, 8, 0, tzinfo=timezone.utc)
NAMES = {"khai_sinh": "Đăng ký khai sinh"}




def dialogue(store: StatusStore, now: datetime = NOW) -> StatusDialogue:
    return StatusDialogue(store, load_settings().commune, NAMES, now)


def ctx(text: str, intent: str | None = None, sender: str = "telegram:1", channel: str = "telegram",
        entities: dict[str, str] | None = None, **slots) -> Turn:
    context = Context(**{f"status_{name}": value for name, value in slots.items()})
    return Turn(sender=sender, text=text, intent=Intent.parse(intent), entities=entities or {}, context=context,
                channel=channel)


@pytest.mark.parametrize("text, digits", [
    ("5678", "5678"), ("số cuối là 5 6 7 8 ạ", "5678"), ("năm sáu bảy tám", "5678"),
    ("nam sau bay tam", "5678"), ("0912 345 678", "5678"), ("+84 912.345.678", "5678"),
    ("không biết", None), ("12", None), ("1234 5678", None),
])
def test_last_four_digits_typed_or_spoken(text: str, digits: str | None) -> None:
    assert last_four(text) == digits


def test_not_a_status_question_is_left_to_the_other_answers(store: StatusStore) -> None:
    assert dialogue(store).turn(ctx("làm khai sinh cần gì", "ask_documents")) is None


def test_asks_for_the_code_then_the_digits_then_answers(store: StatusStore) -> None:
    d = dialogue(store)
    turn = d.turn(ctx("tra cứu hồ sơ", "check_status"))
    assert turn.slots["status_step"] == "code" and turn.reply.custom["expects"] == "application_code"
    turn = d.turn(ctx(CODE.lower(), "nlu_fallback", step="code"))
    assert turn.slots == {"status_step": "phone", "status_code": CODE}
    turn = d.turn(ctx("5678", "nlu_fallback", step="phone", code=CODE))
    reply = turn.reply
    assert reply.topic == "status" and reply.procedure_id == "khai_sinh"
    assert reply.custom["application"] == {"code": CODE, "stage": "dang_xu_ly", "due": "2025-11-20"}
    assert STAGES["dang_xu_ly"].label in reply.text and "20/11/2025" in reply.text
    assert "Hoa" not in reply.text and "Nguyễn" not in reply.text
    assert turn.slots["status_verified"] == CODE and turn.slots["status_step"] is None
    assert [b["payload"] for b in reply.buttons] == ["/subscribe_status"]


def test_wrong_digits_reveal_nothing_and_count_against_sender_and_code(store: StatusStore) -> None:
    d = dialogue(store)
    wrong = d.turn(ctx("1111", step="phone", code=CODE))
    unknown = d.turn(ctx("5678", step="phone", code="H99.99-990101-9999"))
    assert "application" not in wrong.reply.custom and wrong.reply.text == unknown.reply.text
    since = NOW - timedelta(minutes=1)
    assert store.failures_since("telegram:1", since) == 2
    assert store.failures_since("code:" + CODE, since) == 1


def test_a_sender_is_locked_out_for_an_hour_after_too_many_failures(store: StatusStore) -> None:
    d = dialogue(store)
    for _ in range(MAX_SENDER_FAILURES):
        d.turn(ctx("0000", step="phone", code=CODE))
    locked = d.turn(ctx("5678", step="phone", code=CODE))
    assert "application" not in locked.reply.custom and "sai nhiều lần" in locked.reply.text
    later = dialogue(store, NOW + timedelta(hours=1, minutes=1)).turn(ctx("5678", step="phone", code=CODE))
    assert later.reply.custom["application"]["code"] == CODE


def test_a_code_is_locked_against_many_senders(store: StatusStore) -> None:
    d = dialogue(store)
    for i in range(MAX_CODE_FAILURES):
        d.turn(ctx(f"{i:04d}", step="phone", code=CODE, sender=f"rest:{i}"))
    locked = d.turn(ctx("5678", step="phone", code=CODE, sender="telegram:99"))
    assert "sai nhiều lần" in locked.reply.text


def test_another_question_or_thoi_ends_the_status_question(store: StatusStore) -> None:
    d = dialogue(store)
    assert d.turn(ctx("làm căn cước mất bao lâu", "ask_time", step="code")).reply is None
    stopped = d.turn(ctx("thôi", "nlu_fallback", step="phone", code=CODE))
    assert stopped.slots["status_step"] is None and stopped.reply.topic == "status"
    again = d.turn(ctx("hả", "nlu_fallback", step="phone", code=CODE))
    assert again.reply.custom["expects"] == "phone_last4" and again.slots == {}


def test_subscribing_needs_a_proven_code_and_a_channel_that_can_receive(store: StatusStore) -> None:
    d = dialogue(store)
    on_kiosk = d.turn(ctx("báo tôi khi có kết quả", "subscribe_status", sender="kiosk:x", channel="kiosk"))
    assert "Zalo" in on_kiosk.reply.text and not store.subscriptions_for("kiosk:x")

    first = d.turn(ctx("báo tôi khi có kết quả", "subscribe_status"))
    assert first.slots["status_then"] == "subscribe" and first.slots["status_step"] == "code"
    proved = d.turn(ctx("5678", step="phone", code=CODE, then="subscribe"))
    assert store.subscriptions_for("telegram:1") == [CODE] and "nhắn bạn" in proved.reply.text
    again = d.turn(ctx("báo tôi khi có kết quả", "subscribe_status", verified=CODE))
    assert "đã đăng ký" in again.reply.text


def test_a_notice_describes_the_new_stage_without_the_name(store: StatusStore) -> None:
    turn = dialogue(store).turn(ctx("", "status_changed", entities={
        "application_code": CODE, "stage": "da_co_ket_qua", "note": "Mang giấy hẹn"}))
    assert turn.reply.custom["notice"] is True
    assert turn.reply.custom["application"]["stage"] == "da_co_ket_qua"
    assert STAGES["da_co_ket_qua"].label in turn.reply.text and "Mang giấy hẹn" in turn.reply.text
    assert "Hoa" not in turn.reply.text
    assert dialogue(store).turn(ctx("", "status_changed", entities={"application_code": "H1.1-1-1"})) is None


def test_entity_values_keep_the_first_value_the_nlu_ranked_best() -> None:
    from bot.dialogue.status import entity_values

    entities = [{"entity": "procedure", "value": "cai_chinh_ho_tich"}, {"entity": "procedure", "value": "khai_sinh"},
                {"entity": "object", "value": None}]
    assert entity_values(entities) == {"procedure": "cai_chinh_ho_tich"}
