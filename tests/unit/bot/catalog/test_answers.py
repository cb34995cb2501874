"""Answers from a portal record (bot/catalog/answers.py): short, plain, sourced, never table debris."""

from __future__ import annotations

from bot.catalog.answers import (
    SOURCE_LINE,
    answer_text,
    checklist,
    choice_titles,
    more_documents,
    more_start,
    short,
)
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
    assert lines[-1] == SOURCE_LINE and URL in lines[-2] and "dữ liệu tháng 6/2026" in lines[-2]


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


def test_papers_and_steps_leave_the_law_out_and_keep_the_form() -> None:
    docs = (Document("Phiếu thu nhận thông tin căn cước (Mẫu CC01 ban hành kèm theo Thông tư số 17/2024/TT-BCA "
                     "của Bộ Công an)", "1 bản chính"),
            Document("Chứng từ chuyển tiền theo quy định tại Nghị định số 99/2021/NĐ-CP ngày 11/11/2021 của Chính "
                     "phủ quy định về quản lý, thanh toán", None))
    steps = ("Nộp hồ sơ theo quy định tại khoản 2 Điều 9 Nghị định số 123/2015/NĐ-CP.",)
    text = answer_text(_record(documents=docs, steps=steps), Topic.DOCUMENTS, COMMUNE, (Topic.STEPS,))
    assert "1. Phiếu thu nhận thông tin căn cước (Mẫu CC01) (1 bản chính)" in text
    assert "2. Chứng từ chuyển tiền\n" in text and "1. Nộp hồ sơ." in text
    assert not any(word in text for word in ("Thông tư", "Nghị định", "NĐ-CP"))


def test_a_cut_never_leaves_a_bracket_open() -> None:
    long = "Bản sao văn bản hủy bỏ quyết định chia tách doanh nghiệp " * 3 + "(đối với trường hợp đã bị chia tách)"
    cut = short(long, 170)
    assert len(cut) <= 170 and cut.count("(") == cut.count(")") and cut.endswith("…")
    assert short("Giấy tờ (" + "rất dài " * 40 + ")", 60).endswith("…)")


def test_more_pages_go_on_where_the_answer_stopped() -> None:
    docs = tuple(Document(f"Giấy tờ số {i}", "1 bản chính") for i in range(1, 19))
    record = _record(documents=docs)
    assert more_start(record) == 6
    page, after = more_documents(record, 6)
    assert "6. Giấy tờ số 6 (1 bản chính)" in page and "15. Giấy tờ số 15" in page and after == 16
    page, after = more_documents(record, 16)
    assert "18. Giấy tờ số 18" in page and after is None and page.splitlines()[-1] == SOURCE_LINE
    assert more_start(_record(documents=docs[:5])) is None


def test_the_desks_rules_listed_among_papers_are_left_out() -> None:
    docs = (Document("Tờ khai", "1 bản chính", case="Giấy tờ phải nộp:"),
            Document("Người tiếp nhận có trách nhiệm kiểm tra", case="Lưu ý:"))
    record = _record(documents=docs)
    assert [item["name"] for item in checklist(record)] == ["Tờ khai"]
    assert checklist(record)[0]["when"] is None and "kiểm tra" not in answer_text(record, Topic.DOCUMENTS, COMMUNE)
