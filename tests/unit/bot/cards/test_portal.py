"""The checklist card of a national-portal record (bot/cards/portal.py), rendered for real."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from PIL import Image

from bot.cards.checklist import PAGE_WIDTH, card_file, draw_pages, render_png
from bot.cards.portal import MAX_ITEMS, NO_FEE, portal_card_content
from bot.catalog.model import IN_PERSON, ONLINE, CatalogRecord, Channel, Document
from bot.settings import Commune

COMMUNE = Commune("UBND xã Thử", "Bộ phận Một cửa", "Thôn 2", "0999 000 111", "7h30–17h")


def _record(**fields) -> CatalogRecord:
    base = dict(code="9.000001", name="Đăng ký thành lập hộ kinh doanh", url="https://dichvucong.gov.vn/p/1",
                levels=("Cấp xã",), crawled="2026-06", where="Bộ phận Một cửa UBND xã. Giờ hành chính.")
    return CatalogRecord(**{**base, **fields})


PAPERS = (
    Document("Giấy đề nghị đăng ký hộ kinh doanh", "1 bản chính", case="Giấy tờ phải nộp:"),
    Document("Bản sao căn cước của chủ hộ", "1 bản sao"),
    Document("Văn bản ủy quyền", "1 bản chính", case="Trường hợp ủy quyền:"),
    Document("Người tiếp nhận có trách nhiệm kiểm tra hồ sơ", case="Lưu ý:"),
)


def test_the_card_lists_the_papers_everyone_brings_first_and_drops_the_desks_rules() -> None:
    content = portal_card_content(_record(documents=PAPERS), COMMUNE)
    assert [item.name for item in content.items] == [
        "Giấy đề nghị đăng ký hộ kinh doanh", "Bản sao căn cước của chủ hộ", "Văn bản ủy quyền"]
    assert [item.when for item in content.items] == [None, None, "Trường hợp ủy quyền"]
    assert [item.icon for item in content.items] == ["form", "id_card", "letter"]
    assert content.procedure_id == "portal:9.000001"


def test_the_card_says_it_comes_from_the_portal_unchecked_not_a_check_date() -> None:
    channels = (Channel(ONLINE, fee="Miễn phí"), Channel(IN_PERSON, fee="Lệ phí 50.000 đồng"))
    content = portal_card_content(_record(documents=PAPERS, channels=channels), COMMUNE)
    assert "Cổng Dịch vụ công quốc gia (dữ liệu tháng 6/2026)" in content.source_line
    assert "chưa được cán bộ" in content.source_line and content.verified_on == ""
    assert content.fee == "Lệ phí 50.000 đồng"  # in person first: that is where the card is used
    assert content.where == "Bộ phận Một cửa UBND xã"
    assert portal_card_content(_record(documents=PAPERS), COMMUNE).fee == NO_FEE


def test_a_long_portal_list_is_cut_with_a_pointer_to_the_rest() -> None:
    many = tuple(Document(f"Giấy tờ số {i}", "1 bản chính") for i in range(1, 31))
    items = portal_card_content(_record(documents=many), COMMUNE).items
    assert len(items) == MAX_ITEMS and items[-2].name == f"Giấy tờ số {MAX_ITEMS - 1}"
    assert items[-1].name == f"Và {30 - MAX_ITEMS + 1} giấy tờ khác: xem trên Cổng Dịch vụ công"


def test_the_portal_card_renders_and_is_kept_under_its_own_name(tmp_path: Path) -> None:
    record = _record(documents=PAPERS)
    image = Image.open(io.BytesIO(render_png(record, COMMUNE)))
    assert image.width == PAGE_WIDTH and image.mode == "L"
    path = card_file(record, COMMUNE, tmp_path)
    assert path.name.startswith("checklist-portal-9.000001-") and path.suffix == ".png"
    assert card_file(record, COMMUNE, tmp_path) == path
    assert card_file(replace(record, documents=PAPERS[:2]), COMMUNE, tmp_path) != path


def test_the_source_line_is_drawn_in_the_footer() -> None:
    content = portal_card_content(_record(documents=PAPERS), COMMUNE)
    with_date = replace(content, source_line=None, verified_on="01/06/2026")
    (portal,), (dated,) = draw_pages(content, paged=False), draw_pages(with_date, paged=False)
    # Same papers and place: the pictures differ only in the footer's last lines.
    rows = [y for y in range(min(portal.height, dated.height))
            if portal.crop((0, y, portal.width, y + 1)).tobytes() != dated.crop((0, y, dated.width, y + 1)).tobytes()]
    assert rows and min(rows) > portal.height * 0.6
