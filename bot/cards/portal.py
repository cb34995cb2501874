"""The checklist card of a national-portal record: the same large-print card as a curated procedure,
from the portal's papers, marked as the portal's unchecked information instead of a check date."""

from __future__ import annotations

from bot.cards.checklist import CardContent, CardItem, _first_sentence, _nfc, nfc_commune
from bot.catalog.answers import checklist, crawl_month, short
from bot.catalog.model import IN_PERSON, CatalogRecord
from bot.settings import Commune

MAX_ITEMS = 15  # a card is for the table at the desk; the portal lists every corner case
NO_FEE = "Cổng Dịch vụ công không ghi rõ, hỏi cán bộ xã."


def source_line(record: CatalogRecord) -> str:
    crawled = f" (dữ liệu {crawl_month(record.crawled)})" if record.crawled else ""
    return (f"Theo Cổng Dịch vụ công quốc gia{crawled}, chưa được cán bộ ở đây kiểm tra. "
            "Hỏi cán bộ xã trước khi nộp.")


def _fee(record: CatalogRecord) -> str:
    channels = sorted(record.channels or (), key=lambda c: c.kind != IN_PERSON)  # in person first
    return next((short(c.fee, 120) for c in channels if c.fee), NO_FEE)


def portal_card_content(record: CatalogRecord, commune: Commune) -> CardContent:
    items = [
        CardItem(item["n"], _nfc(str(item["name"])), _nfc(str(item["copies"] or "")),
                 _nfc(str(item["when"])) if item["when"] else None, str(item["icon"]))
        for item in checklist(record)
    ]
    if len(items) > MAX_ITEMS:
        rest = len(items) - MAX_ITEMS + 1
        items = items[: MAX_ITEMS - 1] + [CardItem(MAX_ITEMS, f"Và {rest} giấy tờ khác: xem trên Cổng Dịch vụ công",
                                                   "", "Tùy trường hợp", "other")]
    where = record.where or record.authority or commune.desk
    return CardContent(
        procedure_id=f"portal:{record.code}",
        procedure_name=_nfc(short(record.name, 200)),
        items=tuple(items),
        bring_to_show=(),
        fee=_nfc(_fee(record)),
        where=_first_sentence(short(where, 200)),
        commune=nfc_commune(commune),
        verified_on="",
        source_line=source_line(record),
    )
