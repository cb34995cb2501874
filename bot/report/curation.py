"""The national-portal procedures people asked about, as candidates for the digital team to curate.

Each answer from the catalog is the portal's own text, unchecked; a procedure asked often is worth a
curated entry. The report lists them with the catalog's name and the command that starts one
(`caunoi kb draft portal:<code>`), or says that a draft or an entry exists already (the conversations
may be older than the entry).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.catalog.tier import PORTAL
from bot.kb import KnowledgeBase

DRAFT_COMMAND = "caunoi kb draft {procedure_id}"


@dataclass(frozen=True)
class Candidate:
    procedure_id: str  # "portal:<code>"
    count: int  # turns answered from this record
    name: str | None = None  # the catalog's name; None when the catalog cannot be read or lost the code
    curated: str | None = None  # the KB entry that answers this code now
    draft: str | None = None  # the draft file already written for it
    gone: bool = False  # the catalog was read and no longer has this code (a re-import dropped it)

    @property
    def code(self) -> str:
        return self.procedure_id[len(PORTAL):]

    @property
    def command(self) -> str | None:
        """What to run next; None when a draft or an entry exists, or the code is gone (the command would refuse)."""
        if self.curated or self.draft or self.gone:
            return None
        return DRAFT_COMMAND.format(procedure_id=self.procedure_id)


def candidates(counts: Counter[str], top: int, names: Mapping[str, str] | None = None,
               kb: KnowledgeBase | None = None, gone: Collection[str] = ()) -> list[Candidate]:
    """The `top` most asked portal procedures, with what the knowledge base already has for them; `gone`:
    the ids the catalog no longer has."""
    names = names or {}
    curated: dict[str, str] = {}
    drafts: dict[str, str] = {}
    if kb is not None:
        for pid in kb.ids:
            procedure = kb.procedures[pid]
            for code in (procedure.code, *procedure.related_codes):
                curated.setdefault(code, pid)
        drafts = {d.code: d.file for d in kb.drafts if d.code}
    out = []
    for procedure_id, count in counts.most_common(top):
        code = procedure_id[len(PORTAL):]
        out.append(Candidate(procedure_id, count, names.get(procedure_id), curated.get(code), drafts.get(code),
                             procedure_id in gone))
    return out


def portal_names(procedure_ids: Iterable[str], catalog_file: Path | None = None) -> tuple[dict[str, str], str | None]:
    """The catalog's name of each "portal:<code>" id, and the reason when the catalog cannot be read
    (the report then shows codes alone rather than failing)."""
    from bot.catalog.store import CatalogFileError, catalog_path, read_catalog

    ids = list(procedure_ids)
    if not ids:
        return {}, None  # nothing to name: the 2 MB file is not read
    try:
        catalog = read_catalog(catalog_file or catalog_path())
    except CatalogFileError as exc:
        return {}, str(exc)
    names = {}
    for procedure_id in ids:
        record = catalog.get(procedure_id[len(PORTAL):])
        if record is not None:
            names[procedure_id] = record.name
    return names, None
