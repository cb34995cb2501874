"""bot/catalog/stats.py: per field, how many records have it parsed."""

from __future__ import annotations

from bot.catalog.model import CatalogRecord, Channel, Document
from bot.catalog.stats import field_stats, format_stats


def test_a_field_counts_when_parsed_and_channel_parts_when_any_channel_has_them() -> None:
    records = [
        CatalogRecord("1.1", "A", "u", documents=(Document("Đơn", "1 bản chính"),),
                      channels=(Channel("online", None, "Miễn phí"), Channel("in_person", "5 ngày"))),
        CatalogRecord("1.2", "B", "u", documents=(Document("Đơn"),), channels=(Channel("online"),)),
        CatalogRecord("1.3", "C", ""),
    ]
    stats = {s.field: (s.parsed, s.total) for s in field_stats(records)}
    assert stats["documents"] == (2, 3) and stats["documents: copies"] == (1, 3)
    assert stats["channels"] == (2, 3) and stats["channels: time"] == (1, 3) and stats["channels: fee"] == (1, 3)
    assert stats["source URL"] == (2, 3) and stats["steps"] == (0, 3)


def test_the_table_shows_counts_and_shares() -> None:
    text = format_stats(field_stats([CatalogRecord("1.1", "A", "u")]))
    assert text.splitlines()[0].startswith("field")
    assert any(line.startswith("name") and "1 / 1" in line and "100.0%" in line for line in text.splitlines())
    assert any(line.startswith("documents ") and "0 / 1" in line and "0.0%" in line for line in text.splitlines())
