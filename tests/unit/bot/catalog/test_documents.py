"""bot/catalog/documents.py: the "Thành phần hồ sơ" table (papers, copies, form files, cases)."""

from __future__ import annotations

import pytest

from bot.catalog.documents import parse_documents
from bot.catalog.model import Document

H = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"


def test_rows_with_forms_and_counts() -> None:
    table = ("--" + H + "Tờ khai thay đổi thông tin cư trúMẫu CT01.docx1 bản chính"
             "Giấy khai sinh0 bản chính,1 bản saoẢnh 4x6 cm2 bản chính,1 bản sao")
    assert parse_documents(table) == (
        Document("Tờ khai thay đổi thông tin cư trú", "1 bản chính", ("Mẫu CT01.docx",)),
        Document("Giấy khai sinh", "1 bản sao"),
        Document("Ảnh 4x6 cm", "2 bản chính và 1 bản sao"),
    )


def test_cases_each_with_its_own_table() -> None:
    table = ("- Trường hợp ủy quyền cho cá nhân:" + H + "Văn bản ủy quyền.1 bản chính"
             "- Trường hợp ủy quyền cho tổ chức:" + H + "(i) Bản sao hợp đồng ủy quyền;0 bản chính,1 bản sao")
    assert [(d.name, d.case) for d in parse_documents(table)] == [
        ("Văn bản ủy quyền", "Trường hợp ủy quyền cho cá nhân:"),
        ("Bản sao hợp đồng ủy quyền", "Trường hợp ủy quyền cho tổ chức:"),
    ]


def test_a_heading_row_gives_the_case_of_the_rows_after_it() -> None:
    table = "--" + H + "- Đối với phụ tùng:0 bản chínhẢnh chụp tổng thể1 bản chính"
    assert parse_documents(table) == (Document("Ảnh chụp tổng thể", "1 bản chính", case="Đối với phụ tùng:"),)


def test_a_count_inside_a_name_is_not_a_row_end() -> None:
    table = "--" + H + "Hợp đồng thế chấp (01 bản chính hoặc 01 bản sao có chứng thực).1 bản chính,1 bản sao"
    (doc,) = parse_documents(table)
    assert doc.name == "Hợp đồng thế chấp (01 bản chính hoặc 01 bản sao có chứng thực)"
    assert doc.copies == "1 bản chính và 1 bản sao"


def test_a_count_glued_to_a_number_ending_the_name() -> None:
    table = "--" + H + "Bảng kê lâm sản theo Thông tư số 27/2018/TT-BNNPTNT ngày 16/11/20181 bản chínhĐơn1 bản chính"
    first, second = parse_documents(table)
    assert first.name.endswith("ngày 16/11/2018") and first.copies == "1 bản chính"
    assert second.name == "Đơn"


@pytest.mark.parametrize("cell, name, forms", [
    ("Đơn đề nghị theo mẫu do Bộ Tư pháp ban hànhMẫu TP-HGTM-04.docx", "Đơn đề nghị theo mẫu do Bộ Tư pháp ban hành",
     ("Mẫu TP-HGTM-04.docx",)),
    ("Đơn xin tình nguyện (theo mẫu của Bộ Công an);31-Mẫu số 1a-BCA(X13)-2014 (1).doc",
     "Đơn xin tình nguyện (theo mẫu của Bộ Công an)", ("31-Mẫu số 1a-BCA(X13)-2014 (1).doc",)),
    ("Đề cương theo hướng dẫn chi tiết Luật Chăn nuôi08.pdf", "Đề cương theo hướng dẫn chi tiết Luật Chăn nuôi",
     ("08.pdf",)),
    ("Đơn đăng ký theo Thông tư số 94/2025/TT-BNNMTMau so 01 (TACN).docx",
     "Đơn đăng ký theo Thông tư số 94/2025/TT-BNNMT",
     ("Mau so 01 (TACN).docx",)),
    ("Bản thuyết minh theo Thông tư số 94/2025/TT-BNNMTthuyết minh.pdf",
     "Bản thuyết minh theo Thông tư số 94/2025/TT-BNNMT",
     ("thuyết minh.pdf",)),
    ("Văn bản đề nghị theo quy địnhvăn bản đề nghị.docx", "Văn bản đề nghị theo quy định", ("văn bản đề nghị.docx",)),
    ("Bản khai theo mẫu.MauDanhsachhanhkhach.docxMauBankhaichung.docx", "Bản khai theo mẫu",
     ("MauDanhsachhanhkhach.docx", "MauBankhaichung.docx")),
    ("Giấy đề nghị theo Hiện định GMSGMS - Gia hạn.docx", "Giấy đề nghị theo Hiện định GMS", ("GMS - Gia hạn.docx",)),
    ("Đơn kèm ảnh màu cỡ 4x6 cm có nền trắng.mau so 12.doc", "Đơn kèm ảnh màu cỡ 4x6 cm có nền trắng",
     ("mau so 12.doc",)),
])
def test_form_files_glued_to_the_name_are_split_off(cell: str, name: str, forms: tuple[str, ...]) -> None:
    (doc,) = parse_documents("--" + H + cell + "1 bản chính")
    assert (doc.name, doc.forms) == (name, forms)


def test_a_table_with_nothing_in_it_is_none() -> None:
    assert parse_documents("--") is None
    assert parse_documents("--" + H + "\tkhông quy định0 bản chính") is None
    assert parse_documents("Hồ sơ theo Danh mục tại Phụ lục I.") is None  # prose, no table
