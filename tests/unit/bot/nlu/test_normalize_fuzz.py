"""Property tests of the normaliser beyond tests/unit/bot/nlu/test_normalize.py: every unicode category (combining
marks on their own, emoji with joiners and skin tones, control and format characters, lone surrogates
as Python can hold them), very long input, and the promises each function makes."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.nlu.normalize import fix_tone_placement, fold, normalize, normalize_folded

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

COMBINING = st.characters(min_codepoint=0x300, max_codepoint=0x36F)
VIETNAMESE = st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ ") + ["\u0300", "\u0301", "\u0309",
                                                                                   "\u0303", "\u0323"])
EMOJI = st.sampled_from(["😀", "🙏", "👍🏽", "👨‍👩‍👧", "🇻🇳", "❤️", "\u200d", "\ufe0f", "🏳️‍🌈"])
CONTROL = st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs", "Co"])
ANY = st.characters(codec=None)  # every code point Python can hold, surrogates included
# Pieces, not characters: an emoji sequence (flag, family, skin tone) is several code points.
MIXED = st.lists(st.one_of(VIETNAMESE, COMBINING, EMOJI, CONTROL, ANY), max_size=80).map("".join)


@FAST
@given(MIXED)
def test_normalize_never_raises_and_is_idempotent_on_any_code_point(text: str) -> None:
    once = normalize(text)
    assert isinstance(once, str)
    assert normalize(once) == once
    assert once == once.strip() and "  " not in once
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in once)


@FAST
@given(MIXED)
def test_normalize_folded_is_folded_and_has_no_marks(text: str) -> None:
    # Not idempotent, and not promised to be: folding can make teencode ("ă" -> "a" -> "anh").
    folded = normalize_folded(text)
    assert fold(folded) == folded and "đ" not in folded
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", folded))


@FAST
@given(MIXED)
def test_fold_is_idempotent_and_never_raises(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert "đ" not in once and "Đ" not in once


@FAST
@given(st.lists(VIETNAMESE, min_size=1, max_size=12).map("".join))
def test_tone_placement_is_idempotent_and_keeps_the_letters(word: str) -> None:
    fixed = fix_tone_placement(word)
    assert fix_tone_placement(fixed) == fixed
    # Only the tone moves: the same letters without tones, the same number of tone marks.
    assert fold(fixed) == fold(word) or fixed == word


@FAST
@given(st.text(st.one_of(COMBINING, CONTROL, ANY), max_size=40))
def test_tone_placement_never_raises_on_junk(word: str) -> None:
    assert isinstance(fix_tone_placement(word), str)


@settings(max_examples=5, deadline=None)
@given(st.sampled_from(["a", "ạ", "😀", "\u0301", "ngườiiii ", "h12.22-251103-0042 ", "\x00", "x" * 999 + " "]))
def test_very_long_input_is_normalised_in_reasonable_time(unit: str) -> None:
    import time

    text = unit * (200_000 // len(unit))
    start = time.perf_counter()
    once = normalize(text)
    assert normalize(once) == once
    assert time.perf_counter() - start < 10


def test_stacked_combining_marks_and_a_leading_mark() -> None:
    for text in ("\u0301abc", "a" + "\u0301" * 500, "\u0323\u0301\u0300", "ư\u0301\u0301", "đ\u0309"):
        once = normalize(text)
        assert normalize(once) == once
