"""How many records have each citizen-facing field parsed (`caunoi catalog stats`).

A field counts for a record when the parser produced something for it; None (the portal left it
empty, or its text could not be read) does not count. Per channel, "time" and "fee" count a record
when at least one of its channels has one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.catalog.model import CatalogRecord

FIELDS: tuple[tuple[str, Callable[[CatalogRecord], object]], ...] = (
    ("code", lambda r: r.code),
    ("name", lambda r: r.name),
    ("levels", lambda r: r.levels),
    ("field", lambda r: r.field),
    ("applicants", lambda r: r.applicants),
    ("authority", lambda r: r.authority),
    ("where (address)", lambda r: r.where),
    ("documents", lambda r: r.documents),
    ("documents: copies", lambda r: any(d.copies for d in r.documents or ())),
    ("documents: form files", lambda r: any(d.forms for d in r.documents or ())),
    ("channels", lambda r: r.channels),
    ("channels: time", lambda r: any(c.time for c in r.channels or ())),
    ("channels: fee", lambda r: any(c.fee for c in r.channels or ())),
    ("steps", lambda r: r.steps),
    ("conditions", lambda r: r.conditions),
    ("result", lambda r: r.results),
    ("legal basis", lambda r: r.legal_basis),
    ("legal basis: numbers", lambda r: any(d.number for d in r.legal_basis or ())),
    ("source URL", lambda r: r.url),
)


@dataclass(frozen=True)
class FieldStat:
    field: str
    parsed: int
    total: int

    @property
    def share(self) -> float:
        return self.parsed / self.total if self.total else 0.0


def field_stats(records: Iterable[CatalogRecord]) -> list[FieldStat]:
    records = list(records)
    return [FieldStat(name, sum(1 for r in records if get(r)), len(records)) for name, get in FIELDS]


def format_stats(stats: list[FieldStat]) -> str:
    width = max(len(s.field) for s in stats)
    lines = [f"{'field':<{width}}  parsed / records"]
    lines += [f"{s.field:<{width}}  {s.parsed:>6} / {s.total:<6} {s.share:6.1%}" for s in stats]
    return "\n".join(lines)
