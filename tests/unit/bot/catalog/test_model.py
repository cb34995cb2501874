"""bot/catalog/model.py: a record's channels and level; the catalog's lookup by code and alias."""

from __future__ import annotations

from bot.catalog.model import IN_PERSON, ONLINE, Catalog, CatalogRecord, Channel


def record(code: str, **fields: object) -> CatalogRecord:
    return CatalogRecord(code=code, name=f"Thủ tục {code}", url=f"https://dichvucong.gov.vn/{code}", **fields)


def test_a_records_channel_and_commune_level() -> None:
    r = record("1.1", levels=("Cấp tỉnh", "Cấp xã"), channels=(Channel(ONLINE, "3 ngày"),))
    assert r.channel(ONLINE) == Channel(ONLINE, "3 ngày") and r.channel(IN_PERSON) is None
    assert r.at_commune and not record("1.2", levels=("Cấp bộ",)).at_commune
    assert record("1.3").channel(ONLINE) is None  # no channels parsed


def test_the_catalog_finds_records_by_code_and_by_alias() -> None:
    first, second = record("1.1", aliases=("2.2",)), record("2.2")
    catalog = Catalog((first,), "2026-06")
    assert catalog.get("1.1") is first and catalog.get("2.2") is first and catalog.get("9.9") is None
    assert Catalog((first, second)).get("2.2") is second  # a code of its own wins over an alias
    assert len(catalog) == 1 and list(catalog) == [first] and catalog


def test_an_empty_catalog_is_falsy() -> None:
    assert not Catalog() and len(Catalog()) == 0 and Catalog().get("1.1") is None
