"""The catalog as the second tier behind the curated KB (bot/catalog/tier.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.catalog.model import Catalog, CatalogRecord
from bot.catalog.tier import BackgroundTier, CatalogTier, _undergone
from bot.kb import load_kb
from bot.nlu.normalize import normalize_folded


def _record(code: str, name: str, applicants: tuple[str, ...] = ()) -> CatalogRecord:
    return CatalogRecord(code=code, name=name, url=f"https://dichvucong.gov.vn/p/{code}", levels=("Cấp xã",),
                         applicants=applicants)


RECORDS = (
    _record("1.014061", "Cấp thẻ căn cước"),  # the curated can_cuoc's own code
    _record("9.1", "Cấp thẻ căn cước cho người dưới 14 tuổi"),
    _record("9.2", "Thông báo lưu trú"),
    _record("9.3", "Thủ tục đăng ký kết hôn có yếu tố nước ngoài tại khu vực biên giới"),
    _record("9.4", "Sửa lỗi sai sót trong giao dịch"),
    _record("9.5", "Thủ tục đăng ký nhận cha, mẹ, con"),
    _record("9.6", "Hỗ trợ chi phí"),
    _record("9.7", "Ký hợp đồng khám, chữa bệnh bảo hiểm y tế", ("Doanh nghiệp", "Tổ chức nước ngoài")),
)


@pytest.fixture(scope="module")
def kb(root: Path):
    return load_kb(root / "procedures_kb")


@pytest.fixture(scope="module")
def tier(kb) -> CatalogTier:
    return CatalogTier(Catalog(RECORDS), kb)


def test_the_kb_owns_its_codes(tier: CatalogTier) -> None:
    assert tier.kb_id("1.014061") == "can_cuoc"
    assert tier.find("cấp thẻ căn cước").kind == "kb"
    assert tier.record("portal:9.2").name == "Thông báo lưu trú" and tier.record("can_cuoc") is None


def test_a_question_naming_more_than_the_curated_procedure_gets_the_portal_one(tier: CatalogTier) -> None:
    found = tier.more_specific("kết hôn với người nước ngoài ở khu vực biên giới", "ket_hon")
    assert found is not None and found.records[0].code == "9.3"
    assert tier.more_specific("đăng ký kết hôn cần giấy tờ gì, lệ phí bao nhiêu", "ket_hon") is None
    # An age describes the person: the curated căn cước answers.
    assert tier.more_specific("con tôi 13 tuổi làm căn cước cần giấy gì", "can_cuoc") is None


def test_a_background_tier_answers_once_built_and_nothing_when_the_catalog_is_empty(kb) -> None:
    def slow() -> Catalog:
        time.sleep(0.2)
        return Catalog(RECORDS)

    building = BackgroundTier(slow, kb, wait_seconds=5.0)
    assert building.more_specific("thông báo lưu trú", "tam_tru") is None  # never waits for the KB's sake
    assert building.find("thông báo lưu trú cho người thân").records[0].code == "9.2"  # waits, then answers
    empty = BackgroundTier(Catalog, kb)
    assert empty.find("thông báo lưu trú").kind == "none" and len(empty) == 0


def test_a_portal_name_holding_the_whole_question_beats_the_curated_word_in_it(tier: CatalogTier) -> None:
    # "chứng thực" names the curated procedure, but all the rest is the portal's correction of a contract.
    found = tier.more_specific("sửa lỗi sai trong hợp đồng đã chứng thực", "chung_thuc")
    assert found is not None and found.records[0].code == "9.4"
    assert tier.more_specific("chứng thực bản sao giấy khai sinh mất bao lâu", "chung_thuc") is None


def test_a_curated_procedure_said_not_to_have_happened_is_not_what_is_asked(tier: CatalogTier) -> None:
    found = tier.more_specific("bố mẹ không kết hôn, giờ muốn làm giấy nhận con", "ket_hon")
    assert found is not None and found.records[0].code == "9.5"
    assert tier.more_specific("bố mẹ đã kết hôn, giờ làm giấy kết hôn lại", "ket_hon") is None


def test_a_portal_name_that_takes_half_of_the_curated_name_does_not_win(tier: CatalogTier) -> None:
    # "Hỗ trợ chi phí" is in "hỗ trợ chi phí mai táng", the curated khai tử's funeral allowance.
    assert tier.more_specific("làm sao được hỗ trợ chi phí mai táng cho ông", "khai_tu") is None


def test_what_only_organisations_do_never_answers_a_citizen_s_curated_question(tier: CatalogTier) -> None:
    assert tier.more_specific("mất thẻ bảo hiểm y tế thì ký hợp đồng khám chữa bệnh thế nào", "bhyt") is None
    assert tier.named_outright("ký hợp đồng khám chữa bệnh bảo hiểm y tế") is None



def test_a_portal_procedure_the_person_underwent_is_not_what_is_asked() -> None:
    # "đã bị xóa hộ khẩu thường trú" is what happened to the father; he asks to register again.
    name = normalize_folded("Xóa đăng ký thường trú").split()
    assert _undergone(normalize_folded("bố tôi đã bị xóa hộ khẩu thường trú, nay xin nhập lại").split(), name)
    assert not _undergone(normalize_folded("muốn xóa đăng ký thường trú cho bố").split(), name)
    assert not _undergone(normalize_folded("bị mất sổ hộ khẩu, xóa đăng ký thường trú ở đâu").split(), name)
