"""Pictograms for document kinds, drawn with Pillow primitives: black on white, thick lines.

Each kind has one small function that draws into a 64×64 design grid (the same grid as the kiosk's
SVG pictures, so both look alike). `icon_image(kind, size)` draws it four times larger and scales
it down, which gives smooth edges; the result reads well on a phone and printed in black and white.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

from PIL import Image, ImageChops, ImageDraw

from bot.kb.model import ICONS

GRID = 64  # design units per side
STROKE = 4.5  # outline width in design units
SUPERSAMPLE = 4
INK, PAPER = 0, 255

Point = tuple[float, float]


class Pen:
    """Draws in design units onto a square box of an image."""

    def __init__(self, draw: ImageDraw.ImageDraw, x: int, y: int, size: int) -> None:
        self.draw = draw
        self.x, self.y = x, y
        self.k = size / GRID

    def p(self, x: float, y: float) -> tuple[float, float]:
        return (self.x + x * self.k, self.y + y * self.k)

    def w(self, units: float = STROKE) -> int:
        return max(1, round(units * self.k))

    def box(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [*self.p(x0, y0), *self.p(x1, y1)]

    def rect(self, x0: float, y0: float, x1: float, y1: float, *, fill: bool = False,
             radius: float = 0, width: float = STROKE) -> None:
        self.draw.rounded_rectangle(
            self.box(x0, y0, x1, y1), radius=round(radius * self.k),
            fill=INK if fill else PAPER, outline=INK, width=0 if fill else self.w(width),
        )

    def line(self, points: list[Point], width: float = STROKE, colour: int = INK, round_ends: bool = True) -> None:
        """A polyline with round joints (and round ends unless told otherwise)."""
        pts = [self.p(*pt) for pt in points]
        self.draw.line(pts, fill=colour, width=self.w(width), joint="curve")
        if round_ends:
            r = self.w(width) / 2
            for px, py in (pts[0], pts[-1]):
                self.draw.ellipse([px - r, py - r, px + r, py + r], fill=colour)

    def circle(self, cx: float, cy: float, r: float, *, fill: bool = True, width: float = STROKE,
               colour: int = INK) -> None:
        box = self.box(cx - r, cy - r, cx + r, cy + r)
        if fill:
            self.draw.ellipse(box, fill=colour)
        else:  # a ring: the inside keeps what is already drawn
            self.draw.ellipse(box, fill=None, outline=colour, width=self.w(width))

    def polygon(self, points: list[Point], *, fill: bool = True, width: float = STROKE,
                halo: float = 0) -> None:
        """A filled (or outlined) polygon; `halo` first clears a white border around it."""
        pts = [self.p(*pt) for pt in points]
        if halo:
            self.draw.polygon(pts, fill=PAPER)
            self.draw.line([*pts, pts[0], pts[1]], fill=PAPER, width=2 * self.w(halo), joint="curve")
        if fill:
            self.draw.polygon(pts, fill=INK)
        else:
            self.draw.polygon(pts, fill=PAPER, outline=INK, width=self.w(width))

    def bust(self, cx: float, top: float, half_width: float, height: float) -> None:
        """Head-and-shoulders body: the upper half of an ellipse, flat at `top + height`."""
        self.draw.pieslice(
            self.box(cx - half_width, top, cx + half_width, top + 2 * height), 180, 360, fill=INK,
        )

    def arc(self, cx: float, cy: float, r: float, start: float, end: float, width: float = STROKE) -> None:
        self.draw.arc(self.box(cx - r, cy - r, cx + r, cy + r), start, end, fill=INK, width=self.w(width))


def _text_lines(pen: Pen, x0: float, x1: float, ys: tuple[float, ...], last_x1: float | None = None) -> None:
    for i, y in enumerate(ys):
        end = last_x1 if (last_x1 is not None and i == len(ys) - 1) else x1
        pen.line([(x0, y), (end, y)], width=3.5)


def form(pen: Pen) -> None:
    """A sheet with lines to fill in, and a pen."""
    pen.rect(10, 4, 46, 58, radius=3)
    _text_lines(pen, 17, 39, (15, 24, 33), last_x1=30)
    # The pen: a thick bar from the top right down to a point near the sheet's lower edge.
    tip, end, half = (33.0, 59.0), (59.0, 33.0), 4.6
    dx, dy = (end[0] - tip[0]), (end[1] - tip[1])
    length = math.hypot(dx, dy)
    ux, uy = dx / length, dy / length
    nx, ny = -uy, ux
    bx, by = tip[0] + ux * 9, tip[1] + uy * 9
    body = [(bx + nx * half, by + ny * half), (end[0] + nx * half, end[1] + ny * half),
            (end[0] - nx * half, end[1] - ny * half), (bx - nx * half, by - ny * half)]
    nib = [tip, (bx + nx * half, by + ny * half), (bx - nx * half, by - ny * half)]
    pen.polygon(body + [tip], halo=3)  # clears a white border where the pen crosses the sheet
    pen.polygon(nib)
    # A white band between the nib and the body makes it read as a pen, not a stick.
    gx, gy = bx + ux * 1.5, by + uy * 1.5
    pen.line([(gx + nx * half, gy + ny * half), (gx - nx * half, gy - ny * half)], width=2.2, colour=PAPER,
             round_ends=False)


def certificate(pen: Pen) -> None:
    """A landscape sheet with a round seal and two ribbon tails."""
    pen.rect(4, 8, 60, 46, radius=3)
    _text_lines(pen, 12, 38, (18, 27), last_x1=30)
    pen.polygon([(37, 38), (33, 60), (41, 55), (49, 60), (45, 38)], halo=4)
    pen.circle(43, 36, 10.5, colour=PAPER)
    pen.circle(43, 36, 9)
    pen.circle(43, 36, 4.8, fill=False, width=2.5, colour=PAPER)


def id_card(pen: Pen) -> None:
    """A card with a photo square and text lines."""
    pen.rect(3, 12, 61, 52, radius=5)
    pen.rect(9, 19, 30, 45, width=3)
    pen.circle(19.5, 27.5, 5)
    pen.bust(19.5, 34, 8, 10.5)
    _text_lines(pen, 36, 54, (24, 32, 40), last_x1=47)


def photo(pen: Pen) -> None:
    """A portrait photo in a frame (like a 4×6 photo)."""
    pen.rect(11, 3, 53, 61, radius=2, width=5)
    pen.rect(16, 8, 48, 56, width=2)
    pen.circle(32, 24, 8.5)
    pen.bust(32, 36, 13, 20)


def letter(pen: Pen) -> None:
    """An envelope."""
    pen.rect(4, 13, 60, 51, radius=3)
    pen.line([(8, 17), (32, 35), (56, 17)])
    pen.line([(6, 49), (24, 32)], width=3)
    pen.line([(58, 49), (40, 32)], width=3)


def residence(pen: Pen) -> None:
    """A house with a roof, a door and a window."""
    pen.rect(12, 29, 52, 59)
    pen.polygon([(3, 33), (32, 6), (61, 33)])
    pen.rect(20, 40, 30, 59, fill=True)
    pen.rect(36, 39, 45, 48, fill=True)


def medical(pen: Pen) -> None:
    """A medical cross in a rounded square."""
    pen.rect(6, 6, 58, 58, radius=9)
    pen.polygon([(26, 14), (38, 14), (38, 26), (50, 26), (50, 38), (38, 38), (38, 50), (26, 50),
                 (26, 38), (14, 38), (14, 26), (26, 26)])


def household(pen: Pen) -> None:
    """A family: two adults and a child."""
    pen.circle(18, 13, 7)
    pen.bust(18, 25, 13, 21)
    pen.circle(46, 13, 7)
    pen.bust(46, 25, 13, 21)
    # The child stands in front: clear a white border first so it stays visible.
    pen.circle(32, 37, 8, colour=PAPER)
    pen.draw.pieslice(pen.box(19, 43, 45, 77), 180, 360, fill=PAPER)
    pen.circle(32, 37, 5.5)
    pen.bust(32, 46, 10, 14)


def money(pen: Pen) -> None:
    """A banknote and a coin."""
    pen.rect(2, 12, 54, 44, radius=4)
    pen.rect(8, 18, 48, 38, width=2)
    pen.circle(28, 28, 6.5, fill=False, width=3.5)
    pen.circle(47, 46, 15, colour=PAPER)
    pen.circle(47, 46, 12.5)
    pen.circle(47, 46, 8.5, fill=False, width=2, colour=PAPER)
    pen.line([(47, 41), (47, 51)], width=3.5, colour=PAPER)


def other(pen: Pen) -> None:
    """A sheet with a folded corner and a question mark."""
    pen.polygon([(12, 4), (38, 4), (52, 18), (52, 60), (12, 60)], fill=False)
    pen.line([(38, 5), (38, 18), (51, 18)], width=3.5, round_ends=False)
    pen.arc(32, 28, 8.5, 180, 450, width=5.5)
    pen.line([(32, 36.5), (32, 42)], width=5.5)
    pen.circle(32, 51, 3.6)


DRAWERS: dict[str, Callable[[Pen], None]] = {
    "form": form, "certificate": certificate, "id_card": id_card, "photo": photo, "letter": letter,
    "residence": residence, "medical": medical, "household": household, "money": money, "other": other,
}
assert tuple(DRAWERS) == ICONS, "every icon kind of the knowledge base needs a drawing"


@lru_cache(maxsize=64)
def _icon(kind: str, size: int) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("L", (big, big), PAPER)
    DRAWERS.get(kind, other)(Pen(ImageDraw.Draw(image), 0, 0, big))
    return image.resize((size, size), Image.Resampling.LANCZOS)


def icon_image(kind: str, size: int) -> Image.Image:
    """The pictogram for `kind` (unknown kinds get `other`) as a `size`×`size` grey-scale image."""
    return _icon(kind, size).copy()


def paste_icon(image: Image.Image, kind: str, x: int, y: int, size: int) -> None:
    """Draw the pictogram onto `image` with its top-left corner at (x, y); white stays see-through."""
    icon = _icon(kind, size)
    if image.mode != "L":
        icon = icon.convert(image.mode)
    # Darken only: the icon's white background never covers what is already drawn.
    region = image.crop((x, y, x + size, y + size))
    image.paste(ImageChops.darker(region, icon), (x, y))
