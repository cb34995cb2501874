"""The catalog as the second tier behind the curated KB (bot/catalog/tier.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.catalog.model import Catalog, CatalogRecord
from bot.catalog.tier import BackgroundTier, CatalogTier
from bot.kb import load_kb


def _record(code: str, name: str) -> CatalogRecord:
    return CatalogRecord(code=code, name=name, url=f"https://dichvucong.gov.vn/p/{code}", levels=("Cấp xã",))


RECORDS = (
    _record("1.014061", "Cấp thẻ căn cước"),  # the curated can_cuoc's own code
    _record("9.1", "Cấp thẻ căn cước cho người dưới 14 tuổi"),
    _record("9.2", "Thông báo lưu trú"),
    _record("9.3", "Thủ tục đăng ký kết hôn có yếu tố nước ngoài tại khu vực biên giới"),
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
