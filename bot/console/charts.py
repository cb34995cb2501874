"""Bar charts as inline SVG, drawn on the server: no JavaScript, no file from the internet.

The viewBox is about a phone's width in CSS pixels, and the SVG takes the width of its box, so the
text reads at about its own size on a phone and the chart grows with a wider screen. Only
presentation attributes, no `style`: the page's Content-Security-Policy may forbid inline styles.
Every text is escaped (markupsafe: `Markup.format` escapes its arguments): labels are people's
questions. The numbers are also in each bar's <title> and the SVG's aria-label; the page shows them
in a table too.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

WIDTH = 340  # viewBox units: a phone's box is about this many CSS pixels wide
FONT = 16
LINE = 20  # label line height
BAR = 16  # bar thickness
GAP = 12  # between rows
NUMBER_ROOM = 56  # right of the longest bar, for its number
LABEL_CHARS = 36  # about what fits on one line at FONT in WIDTH
LABEL_LINES = 2
COLUMNS_HEIGHT = 150  # the plot of a column chart
AXIS = 22  # under it, for the first and last labels
COLOUR = "#2b6cb0"
TEXT = "#1a202c"
MUTED = "#4a5568"


@dataclass(frozen=True)
class Item:
    label: str  # shown beside the bar (shortened if long)
    count: int
    title: str = ""  # the full wording for the bar's tooltip and screen readers; default "label: count"

    @property
    def spoken(self) -> str:
        return self.title or f"{self.label}: {number(self.count)}"


def number(value: int) -> str:
    """12.500: Vietnamese groups thousands with a dot."""
    return f"{value:,}".replace(",", ".")


def _lines(label: str) -> list[str]:
    lines = textwrap.wrap(label, LABEL_CHARS, break_long_words=True) or [""]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][: LABEL_CHARS - 1].rstrip() + "…"
    return lines


def _svg(height: float, label: str, body: list[Markup]) -> Markup:
    head = Markup('<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
                  'role="img" aria-label="{}" font-family="sans-serif">').format(WIDTH, _n(height), label)
    return head + Markup("").join(body) + Markup("</svg>")


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _summary(title: str, items: Sequence[Item]) -> str:
    if not items:
        return f"{title}: không có số liệu"
    return f"{title}: " + "; ".join(item.spoken for item in items)


def bar_chart(items: Sequence[Item], title: str, colour: str = COLOUR) -> Markup:
    """One horizontal bar per item, its label above it (long names need the phone's whole width) and
    its count after it; bar lengths proportional to the counts, the largest spanning the chart."""
    top = max((item.count for item in items), default=0)
    span = WIDTH - NUMBER_ROOM
    body: list[Markup] = [Markup("<title>{}</title>").format(title)]
    y = 0.0
    for item in items:
        lines = _lines(item.label)
        texts = Markup("").join(
            Markup('<text x="0" y="{}" font-size="{}" fill="{}">{}</text>').format(
                _n(y + (i + 1) * LINE - 4), FONT, TEXT, line)
            for i, line in enumerate(lines))
        y += len(lines) * LINE
        width = span * item.count / top if top else 0.0
        body.append(Markup(
            '<g><title>{}</title>{}<rect class="bar" x="0" y="{}" width="{}" height="{}" fill="{}" rx="2"/>'
            '<text x="{}" y="{}" font-size="{}" font-weight="bold" fill="{}">{}</text></g>').format(
                item.spoken, texts, _n(y), _n(width), BAR, colour,
                _n(width + 6), _n(y + BAR - 3), FONT, TEXT, number(item.count)))
        y += BAR + GAP
    if not items:
        body.append(Markup('<text x="0" y="{}" font-size="{}" fill="{}">Không có số liệu</text>').format(
            LINE, FONT, MUTED))
        y = LINE + GAP
    return _svg(y, _summary(title, items), body)


def column_chart(items: Sequence[Item], title: str, colour: str = COLOUR) -> Markup:
    """One column per item in order (days, months): heights proportional to the counts; the largest
    count marked at the top left, the first and last labels under the axis."""
    top = max((item.count for item in items), default=0)
    plot_top = LINE + 4  # room for the largest count
    step = WIDTH / len(items) if items else WIDTH
    body: list[Markup] = [Markup("<title>{}</title>").format(title)]
    body.append(Markup('<text x="0" y="{}" font-size="{}" fill="{}">{} {}</text>').format(
        LINE - 4, FONT - 2, MUTED, "cao nhất", number(top)))
    base = plot_top + COLUMNS_HEIGHT
    for i, item in enumerate(items):
        height = COLUMNS_HEIGHT * item.count / top if top else 0.0
        body.append(Markup(
            '<g><title>{}</title><rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}"/></g>').format(
                item.spoken, _n(i * step + step * 0.1), _n(base - height), _n(step * 0.8), _n(height), colour))
    body.append(Markup('<line x1="0" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>').format(
        _n(base + 0.5), WIDTH, _n(base + 0.5), MUTED))
    if items:
        first, last = items[0].label, items[-1].label
        body.append(Markup('<text x="0" y="{}" font-size="{}" fill="{}">{}</text>').format(
            _n(base + AXIS - 4), FONT - 2, TEXT, first))
        if len(items) > 1:
            body.append(Markup('<text x="{}" y="{}" font-size="{}" fill="{}" text-anchor="end">{}</text>').format(
                WIDTH, _n(base + AXIS - 4), FONT - 2, TEXT, last))
    return _svg(base + AXIS, _summary(title, items), body)

