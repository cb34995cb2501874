""""Xem thêm" (bot/dialogue/more.py): the words that ask for the next page, and its button."""

from __future__ import annotations

import json

import pytest

from bot.dialogue.more import asks_for_more, more_button


@pytest.mark.parametrize("text", ["xem thêm", "Xem thêm!", "xem them nhe", "cho tôi xem tiếp đi ạ", "còn nữa không",
                                  "con nua ko", "còn giấy gì nữa không?", "Xem thêm giấy tờ"])
def test_asking_for_the_rest(text: str) -> None:
    assert asks_for_more(text)


@pytest.mark.parametrize("text", ["không", "cảm ơn", "xem thêm lệ phí", "còn kết hôn thì sao", "tiếp theo làm gì",
                                  "nộp ở đâu"])
def test_other_messages_are_not_a_next_page(text: str) -> None:
    assert not asks_for_more(text)


def test_the_button_names_the_procedure_and_the_first_paper() -> None:
    button = more_button("Xem thêm giấy tờ", "portal:1.004194", 6)
    intent, _, entities = button["payload"].partition("{")
    assert intent == "/ask_documents"
    assert json.loads("{" + entities) == {"procedure": "portal:1.004194", "more": "6"}
