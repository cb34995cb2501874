"""A printable, large-print checklist card: the papers to bring for one procedure.

One row per document (a box to tick, a big number, a picture, the name in large bold letters, how
many copies and, for the papers that depend on the case, when they are needed), then the papers to
show, then the fee, where to go and the date the information was checked.

`render_png` gives one image (taller when there are many papers), for phones; `render_pdf` gives
A4 pages at 300 dpi in black and white (more pages when needed), for printing; `card_file` keeps a
rendered card under `data_dir/cards/`, named after a hash of everything drawn on it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.cards import fonts
from bot.cards.icons import paste_icon
from bot.catalog.model import CatalogRecord
from bot.dialogue.answers import ordered_documents
from bot.dialogue.reply import card_stem
from bot.kb.model import Procedure
from bot.settings import Commune

# Bump when the drawing changes: cached cards are named after it.
RENDERER_VERSION = "1"

DPI = 150  # the PNG; the PDF is drawn at twice this size
PDF_SCALE = 2
PAGE_WIDTH, PAGE_HEIGHT = 1240, 1754  # A4 portrait at 150 dpi; still large print when scaled to A5
MARGIN = 70

TITLE = "GIẤY TỜ CẦN MANG"
HINT = "Có giấy nào rồi thì đánh dấu vào ô vuông."
ALWAYS_HEADING = "Luôn phải mang"
WHEN_HEADING = "Tùy trường hợp"
WHEN_HINT = "Chỉ mang giấy nào đúng với trường hợp của bạn."
SHOW_HEADING = "Mang theo để cán bộ xem"
SHOW_HINT = "Chỉ đưa cán bộ xem rồi cầm về, không phải nộp."
WHEN_MARK = "↳ "
FORMATS = ("png", "pdf")

INK, PAPER = 0, 255


# ---- what the card shows ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CardItem:
    number: int
    name: str
    copies: str
    when: str | None
    icon: str


@dataclass(frozen=True)
class CardContent:
    """Everything drawn on a card, and nothing else: the cache key is a hash of it."""

    procedure_id: str
    procedure_name: str
    items: tuple[CardItem, ...]
    bring_to_show: tuple[str, ...]
    fee: str
    where: str
    commune: Commune
    verified_on: str
    # A portal record's card says where it comes from instead of a check date (bot/cards/portal.py).
    source_line: str | None = None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(str(text).split()))


def nfc_commune(commune: Commune) -> Commune:
    """The commune's details as drawn: composed Unicode, single spaces (part of the cache key)."""
    return Commune(**{f.name: _nfc(getattr(commune, f.name)) for f in dataclasses.fields(Commune)})


def _first_sentence(text: str) -> str:
    return _nfc(text).split(". ")[0].rstrip(".")


def _date_vn(iso: str) -> str:
    parts = str(iso).split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{parts[2]}/{parts[1]}/{parts[0]}"
    return str(iso)


Subject = Procedure | CatalogRecord  # a curated procedure, or a national-portal record


def content_of(subject: Subject, commune: Commune) -> CardContent:
    if isinstance(subject, CatalogRecord):
        from bot.cards.portal import portal_card_content

        return portal_card_content(subject, commune)
    return card_content(subject, commune)


def card_content(procedure: Procedure, commune: Commune) -> CardContent:
    items = tuple(
        CardItem(n, _nfc(d.name), _nfc(d.copies), _nfc(d.when) if d.when else None, d.icon)
        for n, d in enumerate(ordered_documents(procedure), 1)
    )
    return CardContent(
        procedure_id=procedure.id,
        procedure_name=_nfc(procedure.name),
        items=items,
        bring_to_show=tuple(_nfc(s) for s in procedure.bring_to_show),
        fee=_nfc(procedure.fee.amount),
        where=_first_sentence(procedure.where),
        commune=nfc_commune(commune),
        verified_on=_date_vn(procedure.verified_on),
    )


# ---- text --------------------------------------------------------------------------------------------------

def _break_word(word: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Cut a word wider than the line into pieces that fit (at least one letter, with its marks, each)."""
    pieces, piece = [], ""
    for char in fonts.clusters(word):
        if piece and fonts.text_length(font, piece + char) > width:
            pieces.append(piece)
            piece = char
        else:
            piece += char
    return [*pieces, piece] if piece else pieces


def wrap_text(text: str, font: ImageFont.FreeTypeFont, max_width: float,
              first_width: float | None = None) -> list[str]:
    """Greedy word wrap so that no line is wider than `max_width` (the first: `first_width`).

    Line breaks in `text` are kept; a word longer than a whole line is cut between letters (a letter
    keeps its marks). Text is NFC-normalised.
    """
    text = unicodedata.normalize("NFC", text)
    length = partial(fonts.text_length, font)  # font.getlength, with Khmer and Tai Viet in their fonts
    lines: list[str] = []

    def width_now() -> float:
        return first_width if (first_width is not None and not lines) else max_width

    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if length(candidate) <= width_now():
                line = candidate
                continue
            if line:
                lines.append(line)
                line = ""
            if length(word) <= width_now():
                line = word
                continue
            if not lines and first_width is not None and length(word) <= max_width:
                lines.append("")  # the first line is too short for this word: start below it
                line = word
                continue
            pieces = _break_word(word, font, width_now())
            for piece in pieces[:-1]:
                lines.append(piece)
            line = pieces[-1]
            # The last piece may still be too wide for a first line narrower than the others.
            if length(line) > width_now():
                lines.append(line)
                line = ""
        lines.append(line)
    return lines


# ---- layout ------------------------------------------------------------------------------------------------

DrawFn = Callable[[Image.Image, ImageDraw.ImageDraw, int], None]


@dataclass
class Block:
    """A horizontal band of the card: its height and how to draw it at a given top."""

    height: int
    draw: DrawFn
    kind: str  # header, section, document, show, footer
    keep_with_next: bool = False


class Layout:
    """Sizes in pixels at 150 dpi, multiplied by `scale`."""

    def __init__(self, content: CardContent, scale: int = 1) -> None:
        self.c = content
        self.s = scale
        self.width = self.px(PAGE_WIDTH)
        self.page_height = self.px(PAGE_HEIGHT)
        self.margin = self.px(MARGIN)
        self.right = self.width - self.margin
        self.inner = self.right - self.margin
        f = fonts.font
        self.f_title = f(self.px(58), bold=True)
        self.f_name = f(self.px(44), bold=True)
        self.f_hint = f(self.px(28))
        self.f_section = f(self.px(38), bold=True)
        self.f_number = f(self.px(56), bold=True)
        self.f_doc = f(self.px(36), bold=True)
        self.f_copies = f(self.px(31))
        self.f_when = f(self.px(29))
        self.f_show = f(self.px(31))
        self.f_foot = f(self.px(28))
        self.f_foot_bold = f(self.px(28), bold=True)
        self.f_small = f(self.px(26))
        self.f_cont = f(self.px(30), bold=True)
        # Document rows: [box] [number] [picture] [text]
        self.box = self.px(54)
        self.number_x = self.margin + self.box + self.px(22)
        self.number_w = round(self.f_number.getlength("88"))
        self.icon = self.px(110)
        self.icon_x = self.number_x + self.number_w + self.px(18)
        self.text_x = self.icon_x + self.icon + self.px(26)
        self.text_w = self.right - self.text_x

    def px(self, value: float) -> int:
        return round(value * self.s)

    def lh(self, font: ImageFont.FreeTypeFont) -> int:
        """Line height: room for Vietnamese letters that carry two marks (Ấ, Ễ...)."""
        return round(font.size * 1.32)

    # -- drawing helpers
    def text_lines(self, draw: ImageDraw.ImageDraw, x: int, y: int, lines: list[str],
                   font: ImageFont.FreeTypeFont) -> int:
        for line in lines:
            fonts.draw_text(draw, (x, y), line, font, INK)
            y += self.lh(font)
        return y

    def checkbox(self, draw: ImageDraw.ImageDraw, x: int, y: int, size: int) -> None:
        draw.rectangle([x, y, x + size, y + size], outline=INK, width=max(2, size // 11), fill=PAPER)

    def rule(self, draw: ImageDraw.ImageDraw, y: int, thickness: int) -> None:
        draw.rectangle([self.margin, y, self.right, y + self.px(thickness) - 1], fill=INK)

    def labelled(self, label: str, value: str, width: int) -> tuple[list[str], int]:
        """`label` in bold, then `value` wrapped after it; returns the value lines and the label width."""
        label_w = round(self.f_foot_bold.getlength(label + " "))
        return wrap_text(value, self.f_foot, width, first_width=width - label_w), label_w

    # -- blocks
    def header(self) -> Block:
        name = wrap_text(self.c.procedure_name, self.f_name, self.inner)
        title_h = self.lh(self.f_title)
        hint_box = self.px(34)
        height = (title_h + self.px(8) + self.px(6) + self.px(20) + len(name) * self.lh(self.f_name)
                  + self.px(14) + max(hint_box, self.lh(self.f_hint)) + self.px(18))

        def draw(image: Image.Image, d: ImageDraw.ImageDraw, y: int) -> None:
            d.text((self.margin, y), TITLE, font=self.f_title, fill=INK)
            y += title_h + self.px(8)
            self.rule(d, y, 6)
            y += self.px(6) + self.px(20)
            y = self.text_lines(d, self.margin, y, name, self.f_name) + self.px(14)
            self.checkbox(d, self.margin, y + self.px(2), hint_box)
            d.text((self.margin + hint_box + self.px(16), y), HINT, font=self.f_hint, fill=INK)

        return Block(height, draw, "header")

    def continuation_header(self) -> Block:
        lines = wrap_text(f"{TITLE}: {self.c.procedure_name} (tiếp theo)", self.f_cont, self.inner)
        height = len(lines) * self.lh(self.f_cont) + self.px(8) + self.px(3) + self.px(16)

        def draw(image: Image.Image, d: ImageDraw.ImageDraw, y: int) -> None:
            y = self.text_lines(d, self.margin, y, lines, self.f_cont) + self.px(8)
            self.rule(d, y, 3)

        return Block(height, draw, "header")

    def section(self, heading: str, hint: str | None) -> Block:
        hint_lines = wrap_text(hint, self.f_hint, self.inner) if hint else []
        height = (self.px(16) + self.px(6) + self.px(10) + self.lh(self.f_section)
                  + len(hint_lines) * self.lh(self.f_hint))

        def draw(image: Image.Image, d: ImageDraw.ImageDraw, y: int) -> None:
            y += self.px(16)
            self.rule(d, y, 6)
            y += self.px(6) + self.px(10)
            d.text((self.margin, y), heading, font=self.f_section, fill=INK)
            y += self.lh(self.f_section)
            self.text_lines(d, self.margin, y, hint_lines, self.f_hint)

        return Block(height, draw, "section", keep_with_next=True)

    def document_row(self, item: CardItem, last: bool) -> Block:
        name = wrap_text(item.name, self.f_doc, self.text_w)
        copies = wrap_text(item.copies, self.f_copies, self.text_w)
        mark_w = round(self.f_when.getlength(WHEN_MARK))
        when = wrap_text(item.when, self.f_when, self.text_w - mark_w) if item.when else []
        pad = self.px(16)
        gap = self.px(4)
        text_h = (len(name) * self.lh(self.f_doc) + gap + len(copies) * self.lh(self.f_copies)
                  + (gap + len(when) * self.lh(self.f_when) if when else 0))
        height = pad + max(self.icon, text_h) + pad + (0 if last else self.px(2))

        def draw(image: Image.Image, d: ImageDraw.ImageDraw, y: int) -> None:
            top = y + pad
            self.checkbox(d, self.margin, top + self.px(4), self.box)
            d.text((self.number_x + self.number_w, top + self.px(4) + self.box // 2), str(item.number),
                   font=self.f_number, fill=INK, anchor="rm")
            paste_icon(image, item.icon, self.icon_x, top, self.icon)
            ty = self.text_lines(d, self.text_x, top, name, self.f_doc) + gap
            ty = self.text_lines(d, self.text_x, ty, copies, self.f_copies)
            if when:
                ty += gap
                d.text((self.text_x, ty), WHEN_MARK, font=self.f_when, fill=INK)
                self.text_lines(d, self.text_x + mark_w, ty, when, self.f_when)
            if not last:
                d.rectangle([self.margin, y + height - self.px(2), self.right, y + height - 1], fill=INK)

        return Block(height, draw, "document")

    def show_item(self, text: str) -> Block:
        box = self.px(38)
        x = self.margin + box + self.px(22)
        lines = wrap_text(text, self.f_show, self.right - x)
        pad = self.px(8)
        height = pad + max(box, len(lines) * self.lh(self.f_show)) + pad

        def draw(image: Image.Image, d: ImageDraw.ImageDraw, y: int) -> None:
            self.checkbox(d, self.margin, y + pad + self.px(2), box)
            self.text_lines(d, x, y + pad, lines, self.f_show)

        return Block(height, draw, "show")

    def footer(self) -> Block:
        c, commune = self.c, self.c.commune
        pad = self.px(20)
        small_icon = self.px(60)
        x = self.margin + pad + small_icon + self.px(20)
        width = self.right - pad - x
        fee = [self.labelled("Lệ phí:", c.fee, width)]
        place = [
            self.labelled("Nơi nộp:", c.where + ".", width),
            self.labelled("Ở xã mình:", f"{commune.desk}, {commune.name}. {commune.address}.", width),
            self.labelled("Điện thoại:", commune.phone, width),
            self.labelled("Giờ làm việc:", commune.hours, width),
        ]
        checked = wrap_text(c.source_line or f"Thông tin kiểm tra ngày {c.verified_on}. Hỏi cán bộ xã nếu chưa rõ.",
                            self.f_small, self.inner - 2 * pad)
        line_h = self.lh(self.f_foot)
        group_gap = self.px(12)
        item_gap = self.px(4)

        def group_h(group: list[tuple[list[str], int]]) -> int:
            lines = sum(len(lines) for lines, _ in group)
            return max(small_icon, lines * line_h + (len(group) - 1) * item_gap)

        height = (self.px(24) + pad + group_h(fee) + group_gap + group_h(place) + group_gap + self.px(2)
                  + group_gap + len(checked) * self.lh(self.f_small) + pad)

        def draw_group(image: Image.Image, d: ImageDraw.ImageDraw, y: int, icon: str,
                       group: list[tuple[list[str], int]], labels: list[str]) -> int:
            paste_icon(image, icon, self.margin + pad, y, small_icon)
            ty = y
            for (lines, label_w), label in zip(group, labels, strict=True):
                d.text((x, ty), label, font=self.f_foot_bold, fill=INK)
                fonts.draw_text(d, (x + label_w, ty), lines[0], self.f_foot, INK)
                ty = self.text_lines(d, x, ty + line_h, lines[1:], self.f_foot) + item_gap
            return y + group_h(group)

        def draw(image: Image.Image, d: ImageDraw.ImageDraw, y: int) -> None:
            top = y + self.px(24)
            d.rounded_rectangle([self.margin, top, self.right, y + height - 1], radius=self.px(16),
                                outline=INK, width=self.px(4))
            ty = draw_group(image, d, top + pad, "money", fee, ["Lệ phí:"]) + group_gap
            ty = draw_group(image, d, ty, "residence", place,
                            ["Nơi nộp:", "Ở xã mình:", "Điện thoại:", "Giờ làm việc:"]) + group_gap
            d.rectangle([self.margin + pad, ty, self.right - pad, ty + self.px(2) - 1], fill=INK)
            self.text_lines(d, self.margin + pad, ty + self.px(2) + group_gap, checked, self.f_small)

        return Block(height, draw, "footer")

    def blocks(self) -> list[Block]:
        items = self.c.items
        always = [i for i in items if not i.when]
        sometimes = [i for i in items if i.when]
        blocks = [self.header()]
        for heading, hint, group in ((ALWAYS_HEADING, None, always), (WHEN_HEADING, WHEN_HINT, sometimes)):
            if group:
                blocks.append(self.section(heading, hint))
                blocks += [self.document_row(item, i == len(group) - 1) for i, item in enumerate(group)]
        if self.c.bring_to_show:
            blocks.append(self.section(SHOW_HEADING, SHOW_HINT))
            blocks += [self.show_item(text) for text in self.c.bring_to_show]
        blocks.append(self.footer())
        return blocks


@dataclass
class Page:
    height: int
    placed: list[tuple[Block, int]]


def paginate(layout: Layout, blocks: list[Block], paged: bool) -> list[Page]:
    """Place blocks top to bottom; with `paged`, start a new page when the next block does not fit.

    A block never splits; a heading stays with the row after it; the footer sits at the bottom of
    the last page when there is room. A block taller than a whole page makes its page taller.
    """
    m, page_h = layout.margin, layout.page_height
    continuation = layout.continuation_header()
    pages: list[Page] = []
    placed: list[tuple[Block, int]] = []
    y = m
    i = 0
    while i < len(blocks):
        group = [blocks[i]]
        while group[-1].keep_with_next and i + len(group) < len(blocks):
            group.append(blocks[i + len(group)])
        needed = sum(b.height for b in group)
        if paged and placed and y + needed > page_h - m and len(placed) > (1 if pages else 0):
            pages.append(Page(max(page_h, y + m), placed))
            placed = [(continuation, m)]
            y = m + continuation.height
        for block in group:
            placed.append((block, y))
            y += block.height
        i += len(group)
    height = max(page_h, y + m)
    last_block, last_y = placed[-1]
    if last_block.kind == "footer":  # push the footer down to the bottom edge
        placed[-1] = (last_block, max(last_y, height - m - last_block.height))
    pages.append(Page(height, placed))
    return pages


def render_pages(procedure: Subject, commune: Commune, scale: int = 1, paged: bool = True) -> list[Image.Image]:
    """The card as grey-scale images: A4 pages (`paged`), or one image as tall as needed."""
    return draw_pages(content_of(procedure, commune), scale, paged)


def draw_pages(content: CardContent, scale: int = 1, paged: bool = True) -> list[Image.Image]:
    layout = Layout(content, scale)
    pages = paginate(layout, layout.blocks(), paged)
    images = []
    for number, page in enumerate(pages, 1):
        image = Image.new("L", (layout.width, page.height), PAPER)
        draw = ImageDraw.Draw(image)
        for block, y in page.placed:
            block.draw(image, draw, y)
        if len(pages) > 1:
            draw.text((layout.right, page.height - layout.margin // 2), f"Trang {number}/{len(pages)}",
                      font=layout.f_small, fill=INK, anchor="rm")
        images.append(image)
    return images


def render_png(procedure: Subject, commune: Commune) -> bytes:
    """One grey-scale PNG at 150 dpi, 1240 px wide, at least one A4 page tall."""
    (image,) = render_pages(procedure, commune, scale=1, paged=False)
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(DPI, DPI))
    return out.getvalue()


def render_pdf(procedure: Subject, commune: Commune) -> bytes:
    """A4 pages, black and white at 300 dpi (sharp when printed, small to send); no dates inside."""
    pages = [
        page.point(lambda v: PAPER if v >= 128 else INK, mode="1")
        for page in render_pages(procedure, commune, scale=PDF_SCALE, paged=True)
    ]
    out = io.BytesIO()
    pages[0].save(
        out, "PDF", save_all=True, append_images=pages[1:], resolution=DPI * PDF_SCALE,
        title=f"{TITLE}: {unicodedata.normalize('NFC', procedure.name)}", creationDate=None, modDate=None,
    )
    return out.getvalue()


RENDERERS: dict[str, Callable[[Subject, Commune], bytes]] = {"png": render_png, "pdf": render_pdf}


# ---- cached files ------------------------------------------------------------------------------------------

def card_key(procedure: Subject, commune: Commune) -> str:
    """A short hash of everything drawn on the card, the renderer version and the fonts."""
    return _key(content_of(procedure, commune))


def _key(content: CardContent) -> str:
    drawn = dataclasses.asdict(content)
    payload = json.dumps(
        {"version": RENDERER_VERSION, "fonts": fonts.fingerprint(json.dumps(drawn, ensure_ascii=False)),
         "content": drawn},
        ensure_ascii=False, sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def card_file(procedure: Subject, commune: Commune, data_dir: str | Path, fmt: str = "png") -> Path:
    """The card as a file under `data_dir/cards/`, rendered once; a changed entry gets a new file."""
    if fmt not in RENDERERS:
        raise ValueError(f"unknown card format {fmt!r}: use one of {', '.join(FORMATS)}")
    folder = Path(data_dir) / "cards"
    content = content_of(procedure, commune)
    path = folder / f"checklist-{card_stem(content.procedure_id)}-{_key(content)}.{fmt}"
    if path.is_file():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, RENDERERS[fmt](procedure, commune))
    return path


def write_card(procedure: Subject, commune: Commune, path: str | Path, fmt: str) -> Path:
    """Render straight to `path` (for the command line), atomically."""
    if fmt not in RENDERERS:
        raise ValueError(f"unknown card format {fmt!r}: use one of {', '.join(FORMATS)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, RENDERERS[fmt](procedure, commune))
    return path
