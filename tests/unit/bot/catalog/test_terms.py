"""Everyday words for the portal's official terms (bot/catalog/terms.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog.store import DEFAULT_FILE, read_catalog
from bot.catalog.terms import EVERYDAY, official_words
from bot.nlu.normalize import normalize_folded

CATALOG = Path(__file__).resolve().parents[4] / DEFAULT_FILE


def _official(text: str) -> str:
    return " ".join(official_words(normalize_folded(text).split()))


def test_everyday_words_bring_the_official_ones() -> None:
    assert _official("sổ đỏ bị mất") == "giay chung nhan quyen su dung dat"
    assert _official("so do bi mat") == "giay chung nhan quyen su dung dat"  # typed without diacritics
    assert _official("làm sổ đỏ") == "cap giay chung nhan quyen su dung dat"  # one phrase per word
    assert _official("bằng lái xe bị mất") == "giay phep lai xe"  # the longer phrase wins
    assert _official("nhận con") == "nhan cha me con"


@pytest.mark.parametrize(("question", "official"), [
    ("xin chuyển đất vườn sang đất ở", "giao dat chuyen muc dich su dung dat"),
    ("thế chấp sổ đỏ vay ngân hàng", "bien phap bao dam quyen su dung dat"),  # not the "sổ đỏ" alone
    ("nhận con nuôi", "nuoi con nuoi"),  # not "nhận con" (nhận cha, mẹ, con)
    ("mua xe cu", "thay doi chu xe sang ten xe"),
    ("rút bảo hiểm một lần", "huong bao hiem xa hoi mot lan"),
    ("bị tai nạn lao động", "huong che do tnld"),  # the portal's abbreviation
    ("đi làm ăn xa báo vắng", "khai bao tam vang"),
    ("tách hộ khẩu ra riêng", "tach ho"),  # not "hộ khẩu" (thường trú)
])
def test_the_field_s_everyday_words(question: str, official: str) -> None:
    assert _official(question) == official


@pytest.mark.parametrize(("question", "official"), [
    ("bố mất, mẹ muốn lĩnh tiền tuất", "huong che do tu tuat"),
    ("chồng nghỉ vợ đẻ có được tiền không", "huong che do thai san"),  # "đẻ" is read as "sinh"
    ("bố mất còn lương hưu chưa lĩnh", "truy linh luong huu"),
    ("hoàn tiền bảo hiểm y tế khi đi khám trái tuyến", "thanh toan truc tiep chi phi kham chua benh"),
    ("công nhận liệt sĩ cho bác", "xet cong nhan liet sy cap bang to quoc ghi cong"),  # the portal's "liệt sỹ"
    ("heo bị dịch tả phải tiêu hủy", "ho tro co so san xuat bi thiet hai do dich benh dong vat"),
    ("xin kiểm dịch lợn để bán sang tỉnh khác", "kiem dich dong vat tren can van chuyen ra khoi dia ban cap tinh"),
    ("mở cửa hàng bán thuốc trừ sâu", "dang ky thanh lap ho kinh doanh buon ban thuoc bao ve thuc vat"),
    ("bán gỗ keo cần giấy gì", "bang ke lam san"),
    ("nhà khoan giếng có phải đăng ký", "dang ky khai thac nuoc duoi dat"),
    ("hiến đất làm đường bê tông", "tang cho quyen su dung dat nha nuoc cong dong dan cu mo rong duong giao thong"),
    # not "cho đất" alone (a gift to a person)
    ("cho đất làm đường", "tang cho quyen su dung dat nha nuoc cong dong dan cu mo rong duong giao thong"),
    ("chuyen dat vuon len tho cu", "giao dat chuyen muc dich su dung dat"),  # typed without diacritics
    ("đòi nợ theo bản án của tòa", "yeu cau thi hanh an dan su"),
    ("mất hộ chiếu ở nước ngoài", "trinh bao mat ho chieu pho thong"),
    ("hộ chiếu bị hủy", "khoi phuc gia tri su dung ho chieu pho thong"),  # not "hộ chiếu" alone
])
def test_the_countryside_s_everyday_words(question: str, official: str) -> None:
    assert _official(question) == official


def test_words_outside_the_table_bring_nothing() -> None:
    assert _official("đăng ký khai tử") == ""
    # Custody is the court's, not a procedure of the portal: it must not look like one.
    assert _official("giành quyền nuôi con") == ""


def test_the_table_maps_to_other_words() -> None:
    for everyday, official in EVERYDAY.items():
        assert everyday == everyday.lower() and official


@pytest.mark.skipif(not CATALOG.exists(), reason="the catalog data file is not in this checkout")
def test_the_official_words_are_the_portal_s() -> None:
    """Every entry's official words are together in one procedure name of the catalog: a word the
    portal does not use would only make the search match something else."""
    names = [frozenset(normalize_folded(record.name).split()) for record in read_catalog(CATALOG)]
    missing = {everyday: official for everyday, official in EVERYDAY.items()
               if not any(set(normalize_folded(official).split()) <= name for name in names)}
    assert not missing, f"official words in no procedure name: {missing}"
