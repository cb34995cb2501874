"""bot/catalog/legal.py: the "Căn cứ pháp lý" table (title, number)."""

from __future__ import annotations

from bot.catalog.legal import parse_legal
from bot.catalog.model import LegalDoc

H = "Tên văn bản pháp lýMã văn bản"


def pairs(text: str) -> list[tuple[str, str | None]]:
    return [(d.title, d.number) for d in parse_legal(text) or ()]


def test_rows_are_cut_after_their_numbers() -> None:
    text = (H + "Hướng dẫn xử lý khiếu nại trong công an nhân dân68/2013/TT-BCALuật Khiếu nại  năm 201102/2011/QH13"
            "Quy định quy trình giải quyết khiếu nại11/2015/TT-BCANghị định 05/2012/NĐ-CP05/2012/NĐ-CP")
    assert pairs(text) == [
        ("Hướng dẫn xử lý khiếu nại trong công an nhân dân", "68/2013/TT-BCA"),
        ("Luật Khiếu nại năm 2011", "02/2011/QH13"),
        ("Quy định quy trình giải quyết khiếu nại", "11/2015/TT-BCA"),
        ("Nghị định 05/2012/NĐ-CP", "05/2012/NĐ-CP"),
    ]


def test_a_law_number_ends_at_its_term_and_agencies_at_a_glued_title() -> None:
    text = (H + "Luật 51/2019/QH1451/2019/QH14Quyết định 19/2018/QĐ-TTg19/2018/QĐ-TTg"
            "Nghị định 33/2013/NĐ-CP33/2013/NĐ-CPTHÔNG TƯ QUY ĐỊNH VỀ BẢO TRÌ19/2022/TT-BGTVT"
            "Nghị định số 13/2020/NĐ-CP Thông tư hướng dẫn Luật Chăn nuôi94/2025/TT-BNNMT"
            "sửa đổi một số điều32/2026/NĐ-CP")
    assert pairs(text) == [
        ("Luật 51/2019/QH14", "51/2019/QH14"),
        ("Quyết định 19/2018/QĐ-TTg", "19/2018/QĐ-TTg"),
        ("Nghị định 33/2013/NĐ-CP", "33/2013/NĐ-CP"),
        ("THÔNG TƯ QUY ĐỊNH VỀ BẢO TRÌ", "19/2022/TT-BGTVT"),
        ("Nghị định số 13/2020/NĐ-CP", "13/2020/NĐ-CP"),
        ("Thông tư hướng dẫn Luật Chăn nuôi", "94/2025/TT-BNNMT"),
        ("sửa đổi một số điều", "32/2026/NĐ-CP"),
    ]


def test_the_number_columns_prefix_leaves_the_title() -> None:
    text = H + "Luật Các tổ chức tín dụngLuật số 32/2024/QH15Hướng dẫn Luật Chăn nuôiNghị định số 13/2020/NĐ-CP"
    assert pairs(text) == [("Luật Các tổ chức tín dụng", "32/2024/QH15"), ("Hướng dẫn Luật Chăn nuôi", "13/2020/NĐ-CP")]


def test_a_title_that_mentions_a_number_inside_is_one_row() -> None:
    text = H + "Nghị định 166/2016/NĐ-CP-Quy định về giao dịch điện tử, ngày 24/12/2016166/2016/NĐ-CP"
    assert parse_legal(text) == (LegalDoc("Nghị định 166/2016/NĐ-CP-Quy định về giao dịch điện tử, ngày 24/12/2016",
                                          "166/2016/NĐ-CP"),)


def test_a_last_number_written_loosely() -> None:
    assert pairs(H + "Sửa đổi Nghị định số 156/2018/NĐ-CP ngày 16/11/2018 về Luật Lâm nghiệp227/NĐ-CP") == [
        ("Sửa đổi Nghị định số 156/2018/NĐ-CP ngày 16/11/2018 về Luật Lâm nghiệp", "227/NĐ-CP")]
    assert pairs(H + "Nghị định số 165/2024/NĐ- CP ngày 26/12/2024 về Luật Đường bộ165/2024/NĐ- CP") == [
        ("Nghị định số 165/2024/NĐ- CP ngày 26/12/2024 về Luật Đường bộ", "165/2024/NĐ-CP")]


def test_nothing_and_a_title_without_number() -> None:
    assert parse_legal("Không có thông tin") is None
    assert parse_legal(H) is None
    assert pairs(H + "Luật Hộ tịch") == [("Luật Hộ tịch", None)]
