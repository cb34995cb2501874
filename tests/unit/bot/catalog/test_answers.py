"""Answers from a portal record (bot/catalog/answers.py): short, plain, sourced, never table debris."""

from __future__ import annotations

from bot.catalog.answers import SOURCE_LINE, answer_text, choice_titles
from bot.catalog.model import IN_PERSON, CatalogRecord, Channel, Document
from bot.dialogue.intents import Topic
from bot.settings import Commune

COMMUNE = Commune("Xã Thử", "Bộ phận Một cửa", "Thôn 2", "0999 000 111", "7h30–17h")
URL = "https://dichvucong.gov.vn/p/1"


def _record(**fields) -> CatalogRecord:
    return CatalogRecord(code="1", name="Đăng ký thành lập hộ kinh doanh", url=URL, levels=("Cấp xã",),
                         crawled="2026-06", **fields)


def test_every_answer_ends_with_its_source_and_the_desk_confirming() -> None:
    text = answer_text(_record(), Topic.OVERVIEW, COMMUNE)
    lines = text.splitlines()
    assert lines[-1] == SOURCE_LINE and URL in lines[-2] and "2026-06" in lines[-2]


def test_a_field_the_portal_left_empty_points_to_the_portal() -> None:
    text = answer_text(_record(), Topic.DOCUMENTS, COMMUNE)
    assert "không ghi rõ giấy tờ" in text and f"Xem chi tiết trên Cổng Dịch vụ công: {URL}" in text


def test_papers_for_one_case_are_counted_not_listed() -> None:
    docs = (Document("Trường hợp ủy quyền: văn bản ủy quyền", "1 bản sao"), Document("Giấy đề nghị", "1 bản chính"))
    text = answer_text(_record(documents=docs), Topic.DOCUMENTS, COMMUNE)
    assert "1. Giấy đề nghị (1 bản chính)" in text and "ủy quyền" not in text.split("…")[0]


def test_a_free_fee_keeps_the_portal_note() -> None:
    channels = (Channel(IN_PERSON, "3 ngày làm việc", "Miễn phí", fee_note="Mức thu do HĐND tỉnh quy định"),)
    text = answer_text(_record(channels=channels), Topic.FEE, COMMUNE)
    assert "Nộp trực tiếp: Miễn phí" in text and "Ghi chú: Mức thu do HĐND tỉnh quy định" in text


def test_close_names_show_what_tells_them_apart() -> None:
    names = ["Giải quyết tranh chấp đất đai thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân cấp xã",
             "Giải quyết tranh chấp đất đai thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân cấp tỉnh"]
    titles = choice_titles(names)
    assert len(set(titles)) == 2 and titles[0].endswith("cấp xã") and all(len(t) <= 60 for t in titles)
    assert choice_titles(["Thông báo lưu trú", "Khai báo tạm vắng"]) == ["Thông báo lưu trú", "Khai báo tạm vắng"]
