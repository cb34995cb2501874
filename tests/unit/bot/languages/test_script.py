"""Suggesting a language from the letters of a message (bot/languages/script.py).

The samples are letters and placeholder syllables, not sentences of any language: no minority-
language text goes into the repository unless a speaker wrote and reviewed it."""

from __future__ import annotations

import unicodedata

import pytest

from bot.languages.script import Script, suggest

KHMER = "\u1780\u17b6\u179a"  # three Khmer code points, not a word
TAI_VIET = "\uaa80\uaab0\uaa81"


@pytest.mark.parametrize("text", [
    "làm giấy khai sinh cần gì",
    "lam giay khai sinh can gi",
    "ăn ắt ằng ẳng ẵng ặt: ă is Vietnamese",
    "Đăng ký thường trú ở đâu ạ? 😊 0987",
    "",
])
def test_vietnamese_suggests_nothing(text: str) -> None:
    assert suggest(text) is None


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_the_highlands_letters_in_either_form(form: str) -> None:
    for letters in ("ĕ ŏ", "ŭ ơ̆", "ư̆ č", "ƀ č", "Ĕ Č"):
        text = unicodedata.normalize(form, f"qaa {letters} qaa")
        assert suggest(text) == Script.HIGHLANDS_LATIN, (form, letters)


def test_combining_marks_typed_apart_count_too() -> None:
    # e + U+0306 and u + horn + U+0306, as some keyboards send them
    assert suggest("qaa e\u0306 u\u031b\u0306 qaa") == Script.HIGHLANDS_LATIN


def test_one_stray_letter_is_not_a_language() -> None:
    assert suggest("làm căn cước cho bé Čao") is None


@pytest.mark.parametrize(("text", "script"), [(KHMER, Script.KHMER), (TAI_VIET, Script.TAI_VIET)])
def test_own_blocks(text: str, script: Script) -> None:
    assert suggest(text) == script
    assert suggest(f"làm khai sinh {text}") == script  # mixed with Vietnamese


def test_the_most_frequent_script_wins() -> None:
    assert suggest(f"{KHMER}{KHMER} ĕ ŏ") == Script.KHMER
