"""The national-portal procedures people asked about, as candidates for the digital team to curate.

Each answer from the catalog is the portal's own text, unchecked; a procedure asked often is worth a
curated entry. The report lists them with the catalog's name and the command that starts one
(`caunoi kb draft portal:<code>`), or says that a draft or an entry exists already (the conversations
may be older than the entry).

For the staff console, `CatalogLookup` also finds the record an unanswered question surely asks about,
with the assistant's own catalog search, and keeps what it found between page views.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.catalog.store import CatalogFileError
from bot.catalog.tier import PORTAL
from bot.kb import KnowledgeBase
from bot.runtime.memory import give_back_freed_memory

if TYPE_CHECKING:
    from bot.catalog.model import Catalog
    from bot.catalog.search import CatalogSearch

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


# -- for a long-running process (the staff console) ------------------------------------------------

IDLE_SECONDS = 600.0
_MEMO_LIMIT = 20_000
# Of the record's name, the share (weighted by rarity) a question must say to be matched to it: the
# search's one answer for "xin trợ cấp thất nghiệp" is "Ủy quyền lĩnh thay các chế độ bảo hiểm xã hội, trợ
# cấp thất nghiệp", which shares a few rare words and is not what was asked.
MIN_NAME_SHARE = 0.5


class CatalogLookup:
    """The catalog's names of portal codes, and the record an unanswered question matches, for a page
    shown again and again. Reading the catalog takes about 0.4 s and indexing it 1.5 s more, holding
    about 65 MB: so the answers are remembered until the file changes, the catalog is read (and indexed)
    only for a code or a question not seen before, and it is let go after IDLE_SECONDS unused."""

    def __init__(self, path: Path, idle_seconds: float = IDLE_SECONDS) -> None:
        self.path = path
        self._idle = idle_seconds
        self._lock = threading.RLock()
        self._stamp: tuple[int, int] | None = None
        self._names: dict[str, str | None] = {}  # code -> its name; None: not in this catalog
        self._matches: dict[str, str | None] = {}  # question -> the code it matches; None: nothing sure
        self._catalog: Catalog | None = None
        self._search: CatalogSearch | None = None
        self._used = 0.0
        self._timer: threading.Timer | None = None

    def names(self, codes: Iterable[str]) -> tuple[dict[str, str | None], str | None]:
        """Each code's name (None: the catalog does not have it), or ({}, why) when it cannot be read."""
        codes = list(codes)
        with self._lock:
            try:
                self._check_file()
                wanted = [c for c in dict.fromkeys(codes) if c not in self._names]
                if wanted:
                    catalog = self._loaded()
                    for code in wanted:
                        record = catalog.get(code)
                        self._names[code] = record.name if record is not None else None
            except CatalogFileError as exc:
                return {}, str(exc)
            return {c: self._names[c] for c in codes}, None

    def matches(self, questions: Iterable[str]) -> dict[str, str | None]:
        """The code of the record each question surely asks about, or None: the assistant's own search
        gives it as its one answer (a choice of several is no match), a person may apply for it, and the
        question says most of its name. {} when the catalog cannot be read."""
        questions = list(questions)
        with self._lock:
            try:
                self._check_file()
                wanted = [q for q in dict.fromkeys(questions) if q and q not in self._matches]
                if wanted:
                    search = self._index()
                    for question in wanted:
                        self._matches[question] = _sure_match(search, question)
            except CatalogFileError:
                return {}
            return {q: self._matches.get(q) for q in questions}

    def _check_file(self) -> None:
        try:
            stat = self.path.stat()
        except OSError:
            self._forget()
            raise CatalogFileError(f"{self.path}: no such file (create it with `caunoi catalog import DIR`)") from None
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp or len(self._names) + len(self._matches) > _MEMO_LIMIT:
            self._forget()  # a new import: its names and matches may differ
            self._stamp = stamp

    def _forget(self) -> None:
        self._stamp, self._catalog, self._search = None, None, None
        self._names.clear()
        self._matches.clear()

    def _loaded(self) -> Catalog:
        from bot.catalog.store import read_catalog

        self._used = time.monotonic()
        if self._catalog is None:
            self._catalog = read_catalog(self.path)
            self._schedule_release()
        return self._catalog

    def _index(self) -> CatalogSearch:
        from bot.catalog.tier import catalog_search

        catalog = self._loaded()
        if self._search is None:
            self._search = catalog_search(catalog)
        return self._search

    def _schedule_release(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(self._idle, self._release_if_idle)
        self._timer.daemon = True
        self._timer.start()

    def _release_if_idle(self) -> None:
        with self._lock:
            self._timer = None
            if self._catalog is None:
                return
            if time.monotonic() - self._used < self._idle:
                self._schedule_release()
                return
            self._catalog, self._search = None, None  # the remembered names and matches stay
        give_back_freed_memory()

    @property
    def loaded(self) -> bool:
        return self._catalog is not None


def _sure_match(search: CatalogSearch, question: str) -> str | None:
    decision = search.decide(question)
    if decision.kind != "answer":
        return None
    best = decision.matches[0]
    return best.code if best.for_people and best.name_share >= MIN_NAME_SHARE else None


_LOOKUPS: dict[Path, CatalogLookup] = {}
_LOOKUPS_LOCK = threading.Lock()


def catalog_lookup(catalog_file: Path | None = None) -> CatalogLookup:
    """The process's lookup for this catalog file (default: the assistant's, `CAUNOI_CATALOG` included)."""
    from bot.catalog.store import catalog_path

    path = Path(catalog_file or catalog_path()).resolve()
    with _LOOKUPS_LOCK:
        return _LOOKUPS.setdefault(path, CatalogLookup(path))
