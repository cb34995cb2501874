from hypothesis import given
from hypothesis import strategies as st

from bot.channels.text import split_text, utf16_len


def test_short_text_is_one_part():
    assert split_text("  Xin chào  ", 4096) == ["Xin chào"]


def test_cuts_at_paragraph_then_line_then_space():
    text = "Giấy tờ:\n1. Tờ khai\n2. Giấy chứng sinh\n\nNộp ở xã."
    parts = split_text(text, 40)
    assert parts == ["Giấy tờ:\n1. Tờ khai\n2. Giấy chứng sinh", "Nộp ở xã."]
    assert split_text("một hai ba bốn", 8) == ["một hai", "ba bốn"]


def test_unbreakable_word_is_cut_hard():
    assert split_text("a" * 10, 4) == ["aaaa", "aaaa", "aa"]


def test_emoji_counts_twice_in_utf16():
    assert utf16_len("✅") == 1 and utf16_len("📄") == 2
    parts = split_text("📄" * 5, 4, utf16_len)
    assert parts == ["📄📄", "📄📄", "📄"]


@given(st.text(min_size=1, max_size=300), st.integers(min_value=1, max_value=50))
def test_parts_fit_and_keep_every_word(text, limit):
    parts = split_text(text, limit, utf16_len)
    assert all(0 < utf16_len(p) <= max(limit, 2) for p in parts)
    assert "".join("".join(p.split()) for p in parts) == "".join(text.split())
