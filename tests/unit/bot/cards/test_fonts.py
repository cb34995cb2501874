"""The cards' fonts: the installed fonts are found, Khmer and Tai Viet runs get their own font, marks stay
with their letter, and Vietnamese text is measured and drawn exactly as before (same card, same key)."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from bot.cards import fonts

KHMER_WORD = "ខ្មែរ"
LINE = "ơ̆ č ƀ ñ ĕ ŏ ŭ ư̆ " + KHMER_WORD + " ꪀꪱ"  # the Central Highlands letters, Khmer, Tai Viet
NOTDEF = "\U0010fffd"  # a code point no font has: drawn as the font's .notdef box


def bitmap(font: ImageFont.FreeTypeFont, text: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(text)
    return mask.size, bytes(mask)


def forget_lookups() -> None:
    for cached in (fonts.find_font, fonts.script_font_path, fonts._script_font, fonts._report_missing):
        cached.cache_clear()


@pytest.fixture
def no_script_fonts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setattr(fonts, "FONT_ROOTS", (tmp_path,))
    monkeypatch.setattr(fonts, "FONT_DIRS", ())
    forget_lookups()
    yield
    monkeypatch.undo()
    forget_lookups()


def test_the_packaged_fonts_are_found() -> None:
    for name, package in (("NotoSansKhmer-Regular.ttf", "fonts-noto-core"),
                          ("NotoSansKhmer-Bold.ttf", "fonts-noto-core"),
                          ("NotoSansTaiViet-Regular.ttf", "fonts-noto-core"),
                          ("Andika-Regular.woff2", "fonts-sil-andika"), ("Andika-Bold.woff2", "fonts-sil-andika")):
        path = fonts.find_font(name)
        assert path is not None and path.is_file(), f"{name} not found: apt-get install {package} (make test-tools)"
        assert path.name == name
    assert fonts.find_font("NoSuchFont-Regular.ttf") is None
    assert fonts.script_font_path(fonts.KHMER, bold=True).name == "NotoSansKhmer-Bold.ttf"
    assert fonts.script_font_path(fonts.TAI_VIET, bold=True).name == "NotoSansTaiViet-Regular.ttf"  # no bold face


def test_pillow_shapes_complex_scripts_with_raqm() -> None:
    assert fonts.RAQM, "this Pillow has no raqm layout: Khmer would be drawn unshaped"
    path = str(fonts.script_font_path(fonts.KHMER))
    shaped = ImageFont.truetype(path, 40, layout_engine=ImageFont.Layout.RAQM)
    plain = ImageFont.truetype(path, 40, layout_engine=ImageFont.Layout.BASIC)
    # The vowel sign ែ is written before its consonant and ្ម becomes a subscript: not letter after letter.
    assert bitmap(shaped, KHMER_WORD) != bitmap(plain, KHMER_WORD)
    assert shaped.getlength(KHMER_WORD) < plain.getlength(KHMER_WORD)


def test_runs_cut_text_where_the_font_changes_and_keep_marks_with_their_letter() -> None:
    runs = fonts.runs(LINE)
    assert [(s.name if s else None, text) for s, text in runs] == [
        (None, "ơ̆ č ƀ ñ ĕ ŏ ŭ ư̆ "), ("Khmer", KHMER_WORD), (None, " "), ("Tai Viet", "ꪀꪱ")]
    nfd = unicodedata.normalize("NFD", "ơ̆")
    assert fonts.runs(nfd) == [(None, nfd)]
    assert fonts.clusters(nfd) == [nfd]  # o, horn, breve: one letter
    assert fonts.clusters(KHMER_WORD) == ["ខ្មែ", "រ"]  # coeng, subscript ម and vowel sign stay with ខ
    assert fonts.clusters("Hòa") == ["H", "ò", "a"]


def test_each_letter_is_drawn_with_a_font_that_has_it() -> None:
    for bold in (False, True):
        base = fonts.font(40, bold=bold)
        for variant in (LINE, unicodedata.normalize("NFD", LINE)):
            for script, run in fonts.runs(variant):
                font = fonts.font_for(base, script)
                expected = {None: fonts.font_path(bold).name,
                            fonts.KHMER: fonts.script_font_path(fonts.KHMER, bold).name,
                            fonts.TAI_VIET: "NotoSansTaiViet-Regular.ttf"}[script]
                assert Path(font.path).name == expected
                notdef = bitmap(font, NOTDEF)
                for cluster in fonts.clusters(run.replace(" ", "")):
                    assert bitmap(font, cluster) != notdef, f"{cluster!r} is a box in {Path(font.path).name}"
    # The test can fail: DejaVu Sans alone has no Khmer (a box, the same as .notdef).
    dejavu = fonts.font(40)
    assert bitmap(dejavu, "ខ") == bitmap(dejavu, NOTDEF)


def test_vietnamese_is_measured_and_drawn_exactly_as_before() -> None:
    text = "Giấy chứng nhận kết hôn – Ủy ban nhân dân xã"
    for bold in (False, True):
        font = fonts.font(36, bold=bold)
        assert fonts.text_length(font, text) == font.getlength(text)
        before, after = Image.new("L", (1000, 60), 255), Image.new("L", (1000, 60), 255)
        ImageDraw.Draw(before).text((5, 5), text, font=font, fill=0)
        fonts.draw_text(ImageDraw.Draw(after), (5, 5), text, font, 0)
        assert before.tobytes() == after.tobytes()
    plain = fonts.fingerprint(text)
    assert plain == fonts.fingerprint() and "Noto" not in plain  # a Vietnamese card keeps its cache key
    assert "NotoSansKhmer-Regular.ttf" in fonts.fingerprint(KHMER_WORD)


def test_mixed_text_sits_on_one_baseline_and_is_as_wide_as_measured() -> None:
    font = fonts.font(40)
    image = Image.new("L", (1200, 120), 255)
    fonts.draw_text(ImageDraw.Draw(image), (10, 20), LINE, font, 0)
    ink = np.asarray(image) < 128
    columns = np.flatnonzero(ink.any(axis=0))
    width = fonts.text_length(font, LINE)
    assert width > font.getlength("ơ̆ č ƀ ñ ĕ ŏ ŭ ư̆ ") + 60  # Khmer and Tai Viet take room
    assert columns[0] >= 10 and columns[-1] <= 10 + width + 2
    baseline = 20 + font.getmetrics()[0]
    # Each run's letters rest on the same baseline: ink just above it in the Latin, Khmer and Tai Viet parts.
    x_khmer = 10 + fonts.text_length(font, "ơ̆ č ƀ ñ ĕ ŏ ŭ ư̆ ")
    for left, right in ((10, x_khmer - 5), (x_khmer, x_khmer + fonts.text_length(font, KHMER_WORD))):
        assert ink[baseline - 4: baseline, round(left): round(right)].any()


def test_a_missing_script_font_is_logged_once_and_falls_back(no_script_fonts: None,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    base = fonts.font(30)
    with caplog.at_level(logging.WARNING, logger=fonts.__name__):
        assert fonts.font_for(base, fonts.KHMER) is base
        assert fonts.font_for(fonts.font(30, bold=True), fonts.KHMER) is fonts.font(30, bold=True)
        image = Image.new("L", (600, 60), 255)
        fonts.draw_text(ImageDraw.Draw(image), (0, 0), LINE, base, 0)  # boxes, not a crash
        assert fonts.text_length(base, KHMER_WORD) == base.getlength(KHMER_WORD)
        assert "Khmer:missing" in fonts.fingerprint(KHMER_WORD)  # installing the font later makes a new card
    warnings = [r.getMessage() for r in caplog.records if "Khmer" in r.getMessage()]
    assert len(warnings) == 1 and "fonts-noto-core" in warnings[0]
