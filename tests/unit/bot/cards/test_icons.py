"""The document pictograms: one per kind, each different, each clearly drawn."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PIL import Image

from bot.cards.icons import DRAWERS, icon_image, paste_icon
from bot.kb.model import ICONS


def ink(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L")) < 128


def test_every_knowledge_base_icon_kind_has_a_drawing() -> None:
    assert tuple(DRAWERS) == ICONS


@pytest.mark.parametrize("kind", ICONS)
def test_icon_is_a_clear_black_and_white_drawing(kind: str) -> None:
    image = icon_image(kind, 110)
    assert image.size == (110, 110) and image.mode == "L"
    dark = ink(image)
    share = dark.mean()
    # Something is drawn, with thick lines, but it is not a black square either.
    assert 0.08 < share < 0.6, f"{kind}: {share:.0%} of the box is ink"
    # High contrast: nearly every pixel is clearly black or clearly white (grey only at the edges).
    pixels = np.asarray(image)
    assert ((pixels < 60) | (pixels > 195)).mean() > 0.9
    # It fills its box (no tiny drawing in a corner) and stays inside it.
    rows, cols = np.nonzero(dark)
    assert rows.max() - rows.min() > 60 and cols.max() - cols.min() > 60


def test_each_icon_is_different() -> None:
    hashes = {kind: hashlib.sha256(icon_image(kind, 110).tobytes()).hexdigest() for kind in ICONS}
    assert len(set(hashes.values())) == len(ICONS)
    # Not merely a few pixels apart: every pair differs on a good share of the box.
    images = {kind: ink(icon_image(kind, 110)) for kind in ICONS}
    for i, a in enumerate(ICONS):
        for b in ICONS[i + 1:]:
            assert (images[a] ^ images[b]).mean() > 0.15, f"{a} and {b} look alike"


def test_icons_scale_to_any_size_and_unknown_kinds_get_other() -> None:
    small, large = icon_image("residence", 48), icon_image("residence", 220)
    assert small.size == (48, 48) and large.size == (220, 220)
    assert ink(small).any() and ink(large).any()
    assert icon_image("no_such_kind", 64).tobytes() == icon_image("other", 64).tobytes()


def test_icon_is_drawn_deterministically() -> None:
    assert icon_image("household", 110).tobytes() == icon_image("household", 110).tobytes()


def test_paste_icon_keeps_what_is_already_drawn() -> None:
    canvas = Image.new("L", (200, 200), 255)
    canvas.paste(0, (0, 0, 200, 4))  # a black line along the top
    paste_icon(canvas, "letter", 0, 0, 110)
    pixels = np.asarray(canvas)
    assert (pixels[:4, :] == 0).all(), "the icon's white background covered the line"
    assert ink(canvas.crop((0, 10, 110, 110))).any()
    assert not ink(canvas.crop((111, 10, 200, 200))).any()
