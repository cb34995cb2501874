"""bot/catalog/sections.py: cutting a portal page into its sections, where the crawl's own fields were
cut at the wrong "Thành phần hồ sơ" or "Căn cứ pháp lý"."""

from __future__ import annotations

from bot.catalog.sections import page_code, split_sections
from tests.support.portal import DOCUMENTS_HEADER, portal_record


def test_a_regular_page_gives_the_same_sections_as_the_crawls_fields() -> None:
    raw = portal_record()
    sections = split_sections(raw)
    assert sections.from_page
    assert sections.steps == raw["trinh_tu_thuc_hien"]
    assert sections.channels == raw["cach_thuc_thuc_hien"]
    assert sections.documents == raw["thanh_phan_ho_so"]
    assert sections.legal == raw["can_cu_phap_ly"]
    assert sections.authority == raw["co_quan_thuc_hien"]
    assert sections.result.startswith("Xác nhận thông tin về cư trú")


def test_a_step_that_names_the_documents_section_does_not_end_the_steps() -> None:
    """As in the social-insurance records: "lập hồ sơ theo mục 5.3 (Thành phần hồ sơ); nộp…"."""
    steps = ("Bước 1. Lập hồ sơ theo quy định tại mục 5.3 (Thành phần hồ sơ); nộp cho cơ quan BHXH.\n"
             "Bước 2. Nhận kết quả.")
    raw = portal_record(steps=steps)
    raw["trinh_tu_thuc_hien"] = "Bước 1. Lập hồ sơ theo quy định tại mục 5.3 ("  # the crawl's cut
    raw["thanh_phan_ho_so"] = "); nộp cho cơ quan BHXH.\nBước 2. Nhận kết quả."
    sections = split_sections(raw)
    assert sections.steps == steps
    assert sections.documents.startswith("--" + DOCUMENTS_HEADER)


def test_a_fee_note_citing_the_legal_basis_stays_in_the_channels() -> None:
    channels = ("Trực tuyến1 Ngày100,000 VNĐ(Căn cứ pháp lý: Thông tư 269/2016/TT-BTC.)"
                "Trực tiếp1 Ngày100,000 VNĐ(Căn cứ pháp lý: Thông tư 269/2016/TT-BTC.)")
    sections = split_sections(portal_record(channels=channels, legal="Không có thông tin"))
    assert sections.channels.endswith("Trực tiếp1 Ngày100,000 VNĐ(Căn cứ pháp lý: Thông tư 269/2016/TT-BTC.)")
    assert sections.legal == "Không có thông tin"


def test_the_documents_title_is_the_one_after_the_last_channel_row() -> None:
    channels = ("Trực tiếp3 Ngày làm việcMiễn phíNộp tại xã.\nThành phần hồ sơ:\n"
                "Trực tuyến3 Ngày làm việcMiễn phíNộp qua Cổng.")
    documents = "* Thành phần hồ sơ đăng ký:" + DOCUMENTS_HEADER + "Đơn đăng ký1 bản chính"
    sections = split_sections(portal_record(channels=channels, documents=documents))
    assert sections.channels.endswith("Nộp qua Cổng.")
    assert sections.documents == documents


def test_without_the_page_text_the_crawls_fields_are_used() -> None:
    raw = {**portal_record(), "raw_text": ""}
    sections = split_sections(raw)
    assert not sections.from_page
    assert sections.documents == raw["thanh_phan_ho_so"] and sections.result == raw["ket_qua_xu_ly"]


def test_the_conditions_stop_at_the_page_furniture_when_there_is_no_result_section() -> None:
    raw = portal_record(conditions="Có năng lực hành vi dân sự.")
    raw["raw_text"] = raw["raw_text"].replace("Kết quả xử lý", "")
    assert split_sections(raw).conditions.startswith("Có năng lực hành vi dân sự.")
    assert "Từ khóa" not in split_sections(raw).conditions


def test_page_code_is_the_code_the_page_shows() -> None:
    assert page_code(portal_record("2.001263")) == "2.001263"
    assert page_code({"raw_text": "no code here"}) is None
