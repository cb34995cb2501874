"""Issue 13's routing rules, through the real trained model behind `caunoi run` (REST channel): a
year or an age never opens the status conversation, "cho con" never opens a handoff, and a question
about something unknown after a known procedure never gets the known procedure's answer."""

from __future__ import annotations

import pytest

from tests.e2e.test_conversations import Conversation


@pytest.fixture
def chat(assistant) -> Conversation:
    return Conversation(assistant.url)


@pytest.mark.parametrize("unknown", ["làm sổ đỏ ở đâu", "đăng ký xe máy mất bao lâu", "lam so do o dau vay"])
def test_an_unknown_object_after_a_known_procedure_does_not_get_its_answer(chat: Conversation, unknown: str) -> None:
    custom, _, _ = chat.say("làm căn cước cần giấy tờ gì")
    assert custom["procedure_id"] == "can_cuoc"
    custom, text, buttons = chat.say(unknown)
    assert custom["procedure_id"] != "can_cuoc"
    # An answer now comes from the national catalog (issue 14), never from căn cước.
    if custom["topic"] in ("where", "time", "documents"):
        assert custom["procedure_id"].startswith("portal:") and custom["source"] == "portal"
    else:
        assert "căn cước" not in text.lower().split("bên dưới")[0]
    # The context is gone: a bare follow-up now asks which procedure instead of answering căn cước.
    custom, _, _ = chat.say("mất bao lâu?")
    assert custom["procedure_id"] is None or custom["procedure_id"] != "can_cuoc"


def test_a_bare_follow_up_still_keeps_the_procedure(chat: Conversation) -> None:
    chat.say("làm căn cước cần giấy tờ gì")
    custom, _, _ = chat.say("mất bao lâu?")
    assert (custom["procedure_id"], custom["topic"]) == ("can_cuoc", "time")


@pytest.mark.parametrize(("question", "procedure"), [
    ("con tôi 14 tuổi làm căn cước cần giấy gì", "can_cuoc"),
    ("bà tôi 80 tuổi đi lại khó thì làm căn cước sao", "can_cuoc"),
    ("con tôi sinh năm 2023 giờ mới làm giấy khai sinh có bị phạt không", "khai_sinh"),
    ("năm 2019 tôi đăng ký tạm trú ở xã, giờ phải làm lại những gì", "tam_tru"),
])
def test_a_year_or_an_age_never_opens_the_status_conversation(chat: Conversation, question: str,
                                                              procedure: str) -> None:
    custom, text, _ = chat.say(question)
    assert custom["topic"] != "status" and "mã hồ sơ" not in text.lower()
    assert custom["procedure_id"] == procedure


@pytest.mark.parametrize("question", [
    "muốn đăng ký thường trú cho con thì làm sao",
    "làm thẻ bảo hiểm y tế cho con cần gì",
    "con trai tôi nghiện, muốn đăng ký cai nghiện tự nguyện",
])
def test_cho_con_never_opens_a_handoff(chat: Conversation, question: str) -> None:
    custom, _, _ = chat.say(question)
    assert custom["topic"] not in ("human", "status")


def test_an_unknown_procedure_gets_an_honest_answer_not_a_handoff(chat: Conversation) -> None:
    custom, text, _ = chat.say("con trai tôi nghiện, muốn đăng ký cai nghiện tự nguyện")
    assert custom["topic"] not in ("human", "status")
    # Not curated: the national catalog's procedure (issue 14), or an honest "not this one".
    if custom["procedure_id"] is not None:
        assert custom["procedure_id"].startswith("portal:") and custom["source"] == "portal"
        assert "cai nghiện" in text.lower()
    else:
        assert custom["topic"] in ("unknown_procedure", "out_of_scope", "fallback", "clarify")


@pytest.mark.parametrize(("question", "procedure", "topic"), [
    ("khai sanh cho con o dau", "khai_sinh", "where"),
    ("làm cc ở đâu", "can_cuoc", "where"),
    ("cháu nó mới đẻ hôm qua, làm giấy cho nó cần gì", "khai_sinh", "documents"),
    ("vợ chồng sắp cưới thì cần đăng ký ở đâu", "ket_hon", "where"),
    ("anh chị muốn cưới thì chuẩn bị giấy gì", "ket_hon", "documents"),
    ("lệ phí khai tử", "khai_tu", "fee"),
    ("thủ tục tạm trú giấy tờ", "tam_tru", "documents"),
])
def test_the_misreads_the_issue_reported(chat: Conversation, question: str, procedure: str, topic: str) -> None:
    custom, _, _ = chat.say(question)
    assert (custom["procedure_id"], custom["topic"]) == (procedure, topic)


def test_an_acted_on_paper_wins(chat: Conversation) -> None:
    custom, _, _ = chat.say("giấy khai sinh ghi sai họ của con, sửa thế nào")
    assert custom["procedure_id"] == "cai_chinh_ho_tich" and custom["topic"] != "status"


def test_every_topic_asked_in_one_message_is_answered(chat: Conversation) -> None:
    custom, text, _ = chat.say("làm căn cước cho con ở đâu, mất bao lâu thì có?")
    assert custom["procedure_id"] == "can_cuoc" and custom["topic"] in ("where", "time")
    assert "Thời gian làm" in text and "Đi đâu để" in text  # the time answer and the where answer


@pytest.mark.parametrize(("question", "procedure"), [
    ("đăng ký tạm chú ở đâu", "tam_tru"),  # tr/ch, as many speak
    ("lam giay khai xinh cho con can gi", "khai_sinh"),  # s/x
])
def test_slips_of_pronunciation_in_a_procedure_name(chat: Conversation, question: str, procedure: str) -> None:
    custom, _, _ = chat.say(question)
    assert custom["procedure_id"] == procedure
