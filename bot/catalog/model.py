"""Typed view of one national-portal procedure after parsing (see docs/catalog.md).

Every field holds citizen-facing text or None: None means the portal gave nothing usable there, and
the answer says "xem chi tiết trên Cổng Dịch vụ công" with the link instead of showing table debris.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

# Channel kinds, in the order a villager would consider them.
IN_PERSON, ONLINE, POST = "in_person", "online", "post"
CHANNEL_KINDS = (IN_PERSON, ONLINE, POST)


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    copies: str | None = None  # "1 bản chính và 1 bản sao"; None when the portal gave 0 or nothing
    forms: tuple[str, ...] = ()  # downloadable form files named on the portal ("Mẫu CT01.docx")
    case: str | None = None  # the situation this paper belongs to, when the list is grouped


@dataclass(frozen=True, slots=True)
class Channel:
    kind: str  # one of CHANNEL_KINDS
    time: str | None = None  # "5 ngày làm việc"; None when the portal gives no unit or no value
    fee: str | None = None  # "Miễn phí", "8.000 đồng", "Lệ phí 20.000 đồng; Lệ phí 50.000 đồng"
    fee_note: str | None = None  # the portal's note on the fee (who is exempt, provincial rates…)
    note: str | None = None  # the portal's description of this channel


@dataclass(frozen=True, slots=True)
class LegalDoc:
    title: str
    number: str | None = None  # "05/2012/NĐ-CP"


@dataclass(frozen=True, slots=True)
class CatalogRecord:
    code: str
    name: str
    url: str
    levels: tuple[str, ...] = ()  # "Cấp xã", "Cấp tỉnh", "Cấp bộ", "Cơ quan khác"
    field: str | None = None  # lĩnh vực
    applicants: tuple[str, ...] = ()  # đối tượng thực hiện
    authority: str | None = None  # cơ quan thực hiện
    competent: str | None = None  # cơ quan có thẩm quyền (who decides, when not who receives)
    where: str | None = None  # địa chỉ tiếp nhận hồ sơ
    documents: tuple[Document, ...] | None = None
    channels: tuple[Channel, ...] | None = None
    steps: tuple[str, ...] | None = None
    conditions: str | None = None
    results: tuple[str, ...] | None = None
    legal_basis: tuple[LegalDoc, ...] | None = None
    ministries: tuple[str, ...] = ()  # the crawl folders it was found in ("bo-tu-phap")
    aliases: tuple[str, ...] = ()  # other codes of the same procedure (same name in another ministry)
    crawled: str = ""  # the crawl's date, YYYY-MM or YYYY-MM-DD; the same for the whole catalog

    def channel(self, kind: str) -> Channel | None:
        return next((c for c in self.channels or () if c.kind == kind), None)

    @property
    def at_commune(self) -> bool:
        return "Cấp xã" in self.levels


@dataclass(frozen=True)
class Catalog:
    """The whole catalog as loaded: records sorted by code, with the crawl it came from."""

    records: tuple[CatalogRecord, ...] = ()
    crawled: str = ""
    _by_code: dict[str, CatalogRecord] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for record in self.records:
            for alias in record.aliases:
                self._by_code.setdefault(alias, record)
        self._by_code.update((r.code, r) for r in self.records)

    def get(self, code: str) -> CatalogRecord | None:
        """The record with this code, or whose other code it is."""
        return self._by_code.get(code)

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[CatalogRecord]:
        return iter(self.records)

    def __bool__(self) -> bool:
        return bool(self.records)
