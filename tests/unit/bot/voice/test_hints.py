"""Speech-recognition hints from the knowledge base (bot/voice/hints.py)."""

from __future__ import annotations

from types import SimpleNamespace

from bot.kb.shared import knowledge_base
from bot.voice.hints import MAX_HINTS, MAX_WORDS, hint_phrases


def procedure(short_name: str, name: str, *aliases: str) -> SimpleNamespace:
    return SimpleNamespace(short_name=short_name, name=name, aliases=aliases)


def test_hints_are_short_distinct_phrases_round_robin() -> None:
    kb = SimpleNamespace(procedures={
        "a": procedure("đăng ký thường trú (nhập hộ khẩu)", "Đăng ký thường trú", "thường trú", "hộ khẩu", "cccd"),
        "b": procedure("làm giấy khai sinh", "Đăng ký khai sinh; khai sinh lưu động cho trẻ sinh ở nhà xa",
                       "khai sinh", "Giấy khai sinh!"),
    })
    hints = hint_phrases(kb, top=("b",))
    assert hints[:3] == ["làm giấy khai sinh", "đăng ký thường trú", "khai sinh"]  # top first, one per procedure
    assert "nhập hộ khẩu" in hints and "giấy khai sinh" in hints and "hộ khẩu" in hints
    assert "đăng ký khai sinh" in hints and "thường trú" in hints
    assert "cccd" not in hints  # one word: an abbreviation, not something said as a phrase
    assert not any(h.startswith("khai sinh lưu động") for h in hints)  # 10 words: an explanation
    assert len(hints) == len(set(hints))
    assert all(2 <= len(h.split()) <= MAX_WORDS and h == h.lower() for h in hints)
    assert hint_phrases(kb, top=(), limit=2) == ["đăng ký thường trú", "làm giấy khai sinh"]


def test_hints_from_the_real_knowledge_base() -> None:

    hints = hint_phrases(knowledge_base(), top=("khai_sinh", "can_cuoc"))
    assert hints[:2] == ["làm giấy khai sinh", "làm thẻ căn cước"]
    assert 20 <= len(hints) <= MAX_HINTS and len(hints) == len(set(hints))
