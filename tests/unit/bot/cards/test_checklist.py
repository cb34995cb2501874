"""The large-print checklist card, rendered for real: PNG and PDF, layout, wrapping and the file cache."""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont, PdfParser

from bot.cards import fonts
from bot.cards.checklist import (
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PDF_SCALE,
    Layout,
    card_content,
    card_file,
    paginate,
    render_pages,
    render_pdf,
    render_png,
    wrap_text,
)
from bot.dialogue.answers import ordered_documents
from bot.kb import Document, Procedure, load_kb
from bot.kb.model import ICONS
from bot.settings import Commune
from tests.support.paths import ROOT

KB = load_kb(ROOT / "procedures_kb")
COMMUNE = Commune(
    name="UBND xã Hòa Bình", desk="Bộ phận Một cửa", address="Thôn 1, xã Hòa Bình",
    phone="0123 456 789", hours="sáng 7 giờ 30 – 11 giờ 30, thứ Hai đến thứ Sáu",
)
LONG_NAME = (
    "Giấy xác nhận của Ủy ban nhân dân xã về việc người đề nghị đang cư trú thực tế tại địa phương, "
    "kèm bản sao Giấy chứng nhận kết hôn, Tờ khai đăng ký khai sinh và ảnh 4×6 chụp không quá sáu tháng"
)


def procedure(pid: str) -> Procedure:
    p = KB.get(pid)
    assert p is not None, pid
    return p


def with_documents(n: int, base: str = "khai_sinh", **changes) -> Procedure:
    """A procedure with `n` documents (every other one depends on the case) and nothing to show."""
    docs = tuple(
        Document(name=f"Giấy tờ số {i}: bản sao Giấy chứng nhận kết hôn của cha mẹ", copies="1 bản chính",
                 when="Khi nhờ người khác đi làm thay" if i % 2 else None, icon=ICONS[i % len(ICONS)])
        for i in range(1, n + 1)
    )
    return replace(procedure(base), documents=docs, bring_to_show=(), **changes)


def dark_rows(image: Image.Image) -> int:
    return int((np.asarray(image.convert("L")) < 128).any(axis=1).sum())


def png_image(data: bytes) -> Image.Image:
    Image.open(io.BytesIO(data)).verify()  # verify() leaves the image unusable: open it again
    return Image.open(io.BytesIO(data))


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", data))


def _ccitt_tiff(width: int, height: int, data: bytes, black_is_1: bool) -> bytes:
    """Wrap a CCITT G4 stream from the PDF in a minimal TIFF so Pillow (libtiff) can decode it.

    A PDF viewer shows a decoded 1 as white (DeviceGray) when /BlackIs1 is true, and inverts the bits
    when it is false; TIFF photometric interpretation 1 (min-is-black) and 0 say the same.
    """
    photometric = 1 if black_is_1 else 0
    entries = [(256, 4, width), (257, 4, height), (258, 3, 1), (259, 3, 4), (262, 3, photometric),
               (273, 4, 0), (278, 4, height), (279, 4, len(data))]
    data_offset = 8 + 2 + 12 * len(entries) + 4
    ifd = struct.pack("<H", len(entries))
    for tag, kind, value in entries:
        value = data_offset if tag == 273 else value
        ifd += struct.pack("<HHII", tag, kind, 1, value) if kind == 4 else struct.pack("<HHIHH", tag, kind, 1, value, 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x00\x00\x00\x00" + data


def rasterise_pdf(data: bytes) -> list[Image.Image]:
    """Decode each page's image the way a PDF viewer does (the pages are one CCITT image each)."""
    parser = PdfParser.PdfParser(buf=data)
    pages = []
    for ref in parser.pages:
        page = parser.read_indirect(ref)
        (image_ref,) = page[b"Resources"][b"XObject"].values()
        stream = parser.read_indirect(image_ref)
        d = stream.dictionary
        assert d[b"Filter"] == [PdfParser.PdfName(b"CCITTFaxDecode")]
        params = d[b"DecodeParms"][0]
        tiff = _ccitt_tiff(d[b"Width"], d[b"Height"], bytes(stream.buf), bool(params.get(b"BlackIs1", False)))
        pages.append(Image.open(io.BytesIO(tiff)).convert("L"))
    return pages


# ---- every procedure renders -----------------------------------------------------------------------------

@pytest.mark.parametrize("pid", KB.ids)
def test_every_procedure_renders_a_valid_png(pid: str) -> None:
    image = png_image(render_png(procedure(pid), COMMUNE))
    assert image.format == "PNG" and image.mode == "L"
    assert image.width == PAGE_WIDTH and image.height >= PAGE_HEIGHT
    assert round(image.info["dpi"][0]) == 150
    assert dark_rows(image) > 400  # title, rows, footer: lots of ink


@pytest.mark.parametrize("pid", KB.ids)
def test_every_procedure_renders_a_valid_pdf(pid: str) -> None:
    data = render_pdf(procedure(pid), COMMUNE)
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    pages = pdf_pages(data)
    assert pages >= 1
    parser = PdfParser.PdfParser(buf=data)
    assert len(parser.pages) == pages
    for ref in parser.pages:  # A4 portrait, in points
        media_box = parser.read_indirect(ref)[b"MediaBox"]
        assert media_box[2] == pytest.approx(595.2, abs=1) and media_box[3] == pytest.approx(841.9, abs=1)
    assert b"CreationDate" not in data and b"ModDate" not in data


def test_pdf_pages_decode_to_the_drawn_card() -> None:
    p = procedure("khai_sinh")
    decoded = rasterise_pdf(render_pdf(p, COMMUNE))
    drawn = render_pages(p, COMMUNE, scale=PDF_SCALE, paged=True)
    assert len(decoded) == len(drawn) > 1
    for got, want in zip(decoded, drawn, strict=True):
        assert got.size == want.size == (PAGE_WIDTH * PDF_SCALE, PAGE_HEIGHT * PDF_SCALE)
        assert np.asarray(got).mean() > 200, "page is mostly black: colours inverted"
        expected = np.asarray(want) >= 128
        assert ((np.asarray(got) >= 128) == expected).all()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")
def test_pdf_rasterises_with_pdftoppm(tmp_path: Path) -> None:
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(render_pdf(procedure("khai_sinh"), COMMUNE))
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == pdf_pages(pdf.read_bytes())
    for page in pages:
        image = Image.open(page)
        assert abs(image.width - PAGE_WIDTH) <= 2 and abs(image.height - PAGE_HEIGHT) <= 2
        assert np.asarray(image.convert("L")).mean() > 200 and dark_rows(image) > 100


def test_rendering_is_deterministic() -> None:
    p = procedure("khai_sinh_lien_thong")
    assert render_png(p, COMMUNE) == render_png(p, COMMUNE)
    assert render_pdf(p, COMMUNE) == render_pdf(p, COMMUNE)


# ---- what is on the card -----------------------------------------------------------------------------------

def test_card_uses_the_chat_answer_order_and_one_numbering() -> None:
    p = procedure("khai_sinh")
    content = card_content(p, COMMUNE)
    assert [i.name for i in content.items] == [d.name for d in ordered_documents(p)]
    assert [i.number for i in content.items] == list(range(1, len(p.documents) + 1))
    assert content.fee == p.fee.amount
    year, month, day = p.verified_on.split("-")
    assert content.verified_on == f"{day}/{month}/{year}"


def test_card_text_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Giấy chứng nhận kết hôn")
    p = replace(procedure("ket_hon"), name=decomposed)
    assert card_content(p, COMMUNE).procedure_name == "Giấy chứng nhận kết hôn"
    assert render_png(p, COMMUNE) == render_png(replace(p, name="Giấy chứng nhận kết hôn"), COMMUNE)


MINORITY_LINE = "ơ̆ č ƀ ñ ខ្មែរ"  # Central Highlands letters (ơ with a breve) and Khmer
NOTDEF = "\U0010fffd"  # no font has it: drawn as the font's .notdef box


def _drawn_texts(monkeypatch: pytest.MonkeyPatch, draw: Callable[[], bytes]) -> tuple[bytes, list[tuple[str, str]]]:
    """What `draw` returns, and (text, font file) of every `ImageDraw.text` call it made."""
    calls: list[tuple[str, str]] = []
    real = ImageDraw.ImageDraw.text

    def spy(self, xy, text, fill=None, font=None, *args, **kwargs):
        calls.append((text, str(font.path)))
        return real(self, xy, text, fill, font, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(ImageDraw.ImageDraw, "text", spy)
        return draw(), calls


def test_minority_letters_on_a_card_are_real_glyphs_khmer_in_its_own_font(monkeypatch: pytest.MonkeyPatch) -> None:
    base = procedure("khai_sinh")
    pngs = []
    for form in ("NFC", "NFD"):
        line = unicodedata.normalize(form, MINORITY_LINE)
        docs = (replace(base.documents[0], name=f"Hră {line}"), *base.documents[1:])
        p = replace(base, name=f"Khai sinh {line}", documents=docs)
        commune = replace(COMMUNE, address=line)  # in the footer too
        png, calls = _drawn_texts(monkeypatch, lambda p=p, commune=commune: render_png(p, commune))
        pngs.append(png)
        khmer_fonts = {Path(path).name for text, path in calls if "ខ្មែរ" in text}
        assert khmer_fonts == {"NotoSansKhmer-Bold.ttf", "NotoSansKhmer-Regular.ttf"}  # bold name, regular footer
        assert {Path(path).name for text, path in calls if "ơ̆ č ƀ ñ" in text} == {"DejaVuSans-Bold.ttf",
                                                                                 "DejaVuSans.ttf"}
        # Every letter drawn is a real glyph of the font that drew it, not its .notdef box.
        for text, path in {(text, path) for text, path in calls if text.strip()}:
            font = ImageFont.truetype(path, 40)
            notdef = bytes(font.getmask(NOTDEF))
            for cluster in fonts.clusters(text.replace(" ", "")):
                assert bytes(font.getmask(cluster)) != notdef, f"{cluster!r} drawn as a box with {path}"
    assert pngs[0] == pngs[1]  # ơ̆ composed or not: the same card
    assert dark_rows(png_image(pngs[0])) > 400


def test_more_documents_means_more_ink_and_a_taller_card() -> None:
    counts = (1, 3, 6, 12)
    images = [png_image(render_png(with_documents(n), COMMUNE)) for n in counts]
    rows = [dark_rows(image) for image in images]
    assert rows == sorted(rows) and len(set(rows)) == len(rows), rows
    # Each extra row of papers adds real ink (not just a number), about one text block per document.
    assert rows[-1] - rows[0] > 11 * 60
    heights = [image.height for image in images]
    assert heights == sorted(heights) and heights[-1] > heights[0]
    pages = [pdf_pages(render_pdf(with_documents(n), COMMUNE)) for n in (1, 12)]
    assert pages[1] > pages[0]


def test_each_document_row_has_its_box_number_picture_and_text() -> None:
    """Ink sits in every column of every document row, where the layout put the row."""
    p = with_documents(5)
    layout = Layout(card_content(p, COMMUNE))
    (page,) = paginate(layout, layout.blocks(), paged=False)
    (image,) = render_pages(p, COMMUNE, paged=False)
    dark = np.asarray(image) < 128
    rows = [(block, y) for block, y in page.placed if block.kind == "document"]
    assert len(rows) == 5
    columns = {
        "box": (layout.margin, layout.margin + layout.box),
        "number": (layout.number_x, layout.number_x + layout.number_w),
        "picture": (layout.icon_x, layout.icon_x + layout.icon),
        "text": (layout.text_x, layout.right),
    }
    for i, (block, y) in enumerate(rows, 1):
        inside = dark[y + 4: y + block.height - 4]  # leave out the line between rows
        for name, (x0, x1) in columns.items():
            share = inside[:, x0:x1].mean()
            assert share > 0.01, f"row {i}: nothing drawn in the {name} column"
    # Between the rows' bands, the header and the footer: nothing else overlaps a row.
    bands = sorted((y, y + block.height) for block, y in page.placed)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(bands, bands[1:], strict=False))


def test_text_never_runs_into_the_margins() -> None:
    p = with_documents(3)
    docs = (replace(p.documents[0], name=LONG_NAME[:140]), replace(p.documents[1], when=LONG_NAME),
            replace(p.documents[2], name="Giấy" + "x" * 120))
    p = replace(p, name=LONG_NAME, documents=docs, bring_to_show=(LONG_NAME,),
                fee=replace(p.fee, amount=LONG_NAME))
    commune = replace(COMMUNE, address=LONG_NAME, hours=LONG_NAME)
    for scale, paged in ((1, False), (PDF_SCALE, True)):
        for page in render_pages(p, commune, scale=scale, paged=paged):
            dark = np.asarray(page) < 128
            margin = MARGIN * scale
            assert not dark[:, page.width - margin + 2:].any(), "ink in the right margin"
            assert not dark[:, : margin - 2].any(), "ink in the left margin"
            assert not dark[: margin // 2, :].any(), "ink above the top margin"


# ---- wrapping ------------------------------------------------------------------------------------------------

def test_wrap_never_exceeds_the_width() -> None:
    font = fonts.font(36, bold=True)
    width = 700
    lines = wrap_text(LONG_NAME, font, width)
    assert len(lines) > 3
    assert all(font.getlength(line) <= width for line in lines)
    assert " ".join(lines) == LONG_NAME  # nothing lost, nothing added


def test_wrap_cuts_a_word_longer_than_the_line_and_keeps_every_letter() -> None:
    font = fonts.font(36, bold=True)
    word = "Ủyban" * 40
    lines = wrap_text(f"Giấy {word} xã", font, 400)
    assert all(font.getlength(line) <= 400 for line in lines)
    assert "".join(lines).replace(" ", "") == f"Giấy{word}xã"


def test_wrap_honours_a_shorter_first_line_and_keeps_line_breaks() -> None:
    font = fonts.font(28)
    lines = wrap_text(LONG_NAME, font, 800, first_width=300)
    assert font.getlength(lines[0]) <= 300
    assert all(font.getlength(line) <= 800 for line in lines[1:])
    assert wrap_text("một\nhai", font, 800) == ["một", "hai"]
    # A word that does not fit the short first line starts on the next one instead of being cut.
    assert wrap_text("Trungtâmphụcvụhànhchínhcông", font, 800, first_width=50) == ["", "Trungtâmphụcvụhànhchínhcông"]


def test_wrap_normalises_to_nfc() -> None:
    font = fonts.font(28)
    assert wrap_text(unicodedata.normalize("NFD", "ảnh 4×6"), font, 800) == ["ảnh 4×6"]


# ---- cached files ------------------------------------------------------------------------------------------

def test_card_file_is_cached_and_written_once(tmp_path: Path) -> None:
    p = procedure("ket_hon")
    first = card_file(p, COMMUNE, tmp_path)
    assert first.parent == tmp_path / "cards" and first.suffix == ".png" and "ket_hon" in first.name
    png_image(first.read_bytes())
    old = 1_000_000_000
    os.utime(first, ns=(old, old))
    again = card_file(p, COMMUNE, tmp_path)
    assert again == first
    assert first.stat().st_mtime_ns == old, "the cached card was rewritten"
    pdf = card_file(p, COMMUNE, tmp_path, fmt="pdf")
    assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF-")
    assert pdf.stem == first.stem
    assert sorted(f.name for f in (tmp_path / "cards").iterdir()) == sorted([first.name, pdf.name])  # no temp files


def test_card_file_name_changes_with_what_is_drawn(tmp_path: Path) -> None:
    p = procedure("tam_tru")
    base = card_file(p, COMMUNE, tmp_path)
    changed = [
        card_file(p, replace(COMMUNE, phone="0999 888 777"), tmp_path),
        card_file(p, replace(COMMUNE, name="UBND xã Bình An"), tmp_path),
        card_file(replace(p, name="Đăng ký tạm trú (sửa)"), COMMUNE, tmp_path),
        card_file(replace(p, documents=p.documents[:1]), COMMUNE, tmp_path),
        card_file(replace(p, verified_on="2027-01-01"), COMMUNE, tmp_path),
    ]
    names = {base.name, *(c.name for c in changed)}
    assert len(names) == 1 + len(changed)
    assert all(c.is_file() for c in changed)
    # Something not drawn on the card (the steps) does not make a new card.
    assert card_file(replace(p, steps=("Một bước khác.",)), COMMUNE, tmp_path) == base


def test_card_file_rejects_unknown_formats(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="jpg"):
        card_file(procedure("ket_hon"), COMMUNE, tmp_path, fmt="jpg")


def test_missing_fonts_give_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(fonts, "_candidate_dirs", lambda: [tmp_path])
    fonts.font_path.cache_clear()
    try:
        with pytest.raises(fonts.FontNotFoundError, match="DejaVuSans.ttf.*matplotlib"):
            fonts.font_path()
    finally:
        monkeypatch.undo()
        fonts.font_path.cache_clear()
    assert fonts.font_path().name == "DejaVuSans.ttf"


def test_a_document_taller_than_a_page_makes_its_page_taller_not_cut() -> None:
    p = with_documents(3)
    huge = replace(p.documents[1], name=" ".join([LONG_NAME] * 12))
    p = replace(p, documents=(p.documents[0], huge, p.documents[2]))
    pages = render_pages(p, COMMUNE, paged=True)
    assert any(page.height > PAGE_HEIGHT for page in pages)
    for page in pages:  # the bottom margin stays white: nothing ran off the page
        assert not (np.asarray(page)[-MARGIN // 2 + 20:, :] < 128).any()
