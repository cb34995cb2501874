"""Everyday words for the portal's official terms (bot/catalog/terms.py)."""

from __future__ import annotations

from bot.catalog.terms import EVERYDAY, official_words
from bot.nlu.normalize import normalize_folded


def _official(text: str) -> str:
    return " ".join(official_words(normalize_folded(text).split()))


def test_everyday_words_bring_the_official_ones() -> None:
    assert _official("sổ đỏ bị mất") == "giay chung nhan quyen su dung dat"
    assert _official("so do bi mat") == "giay chung nhan quyen su dung dat"  # typed without diacritics
    assert _official("làm sổ đỏ") == "cap giay chung nhan quyen su dung dat"  # one phrase per word
    assert _official("bằng lái xe bị mất") == "giay phep lai xe"  # the longer phrase wins
    assert _official("nhận con") == "nhan cha me con"


def test_words_outside_the_table_bring_nothing() -> None:
    assert _official("đăng ký khai tử") == ""


def test_the_table_maps_to_other_words() -> None:
    for everyday, official in EVERYDAY.items():
        assert everyday == everyday.lower() and official
