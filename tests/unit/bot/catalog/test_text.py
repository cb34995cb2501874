"""bot/catalog/text.py: blanks, paragraphs, parentheses, money and durations."""

from __future__ import annotations

import pytest

from bot.catalog.text import balanced_end, duration, is_empty, money, one_line, paragraphs, strip_outer_parens


@pytest.mark.parametrize("text", [None, "", "  ", "Không có thông tin", "không quy định.", "--", "(Không)"])
def test_the_portals_empty_cells_are_empty(text: str | None) -> None:
    assert is_empty(text)
    assert one_line(text) is None and paragraphs(text) is None


def test_one_line_collapses_every_kind_of_space() -> None:
    assert one_line(" Nộp\thồ sơ\n tại\u00a0xã\u200b ") == "Nộp hồ sơ tại xã"


def test_paragraphs_keep_lines_and_join_the_portals_hard_wraps() -> None:
    text = "- Đảm bảo tỷ lệ tham gia của người dân thuộc đối tượng mục\ntiêu quốc gia.\n\n- Cộng đồng đề xuất."
    assert paragraphs(text) == (
        "- Đảm bảo tỷ lệ tham gia của người dân thuộc đối tượng mục tiêu quốc gia.\n- Cộng đồng đề xuất.")


def test_parentheses() -> None:
    assert strip_outer_parens("((Miễn lệ phí))") == "Miễn lệ phí"
    assert strip_outer_parens("(a) và (b)") == "(a) và (b)"  # not one group around everything
    assert balanced_end("(a (b) c) d", 0) == 9
    assert balanced_end("(never closed", 0) == len("(never closed")


@pytest.mark.parametrize("amount, readable", [
    ("200,000", "200.000"), ("10,000,000", "10.000.000"), ("8.000", "8.000"), ("500", "500"),
])
def test_money_uses_the_vietnamese_thousands_separator(amount: str, readable: str) -> None:
    assert money(amount) == readable


def test_durations_read_plainly() -> None:
    assert duration("05", "Ngày làm việc") == "5 ngày làm việc"
    assert duration("0,5", "Ngày") == "0.5 ngày"
    assert duration("24", "Giờ") == "24 giờ"
