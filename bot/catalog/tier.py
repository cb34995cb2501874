"""The national catalog as the second tier of knowledge, behind the curated procedures.

The curated KB always wins for its own procedures: a portal record whose code is a KB entry's `code`
or one of its `related_codes` is answered from the KB. A portal procedure is named in the dialogue
as "portal:<code>", so follow-ups ("mất bao lâu?") and buttons work as for KB ids.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from bot.catalog.model import Catalog, CatalogRecord
from bot.catalog.search import PLACES, SAID_IN_ORDER, STOP, CatalogSearch, Decision, Entry, without_phrases
from bot.catalog.terms import everyday_phrases
from bot.kb import KnowledgeBase
from bot.nlu.cues import TOPIC_CUES
from bot.nlu.normalize import normalize_folded
from bot.runtime.memory import give_back_freed_memory

logger = logging.getLogger(__name__)
# What a question asks about a procedure ("lệ phí", "bao lâu", "ở đâu") does not name one.
_TOPIC_PHRASES = sorted({phrase for phrases in TOPIC_CUES.values() for phrase in phrases}, key=len, reverse=True)
_PLACE_PHRASES = list(PLACES)  # where one goes ("ở ủy ban xã") does not name a procedure either


# An age or a date describes the person, not the procedure: "con tôi 14 tuổi làm căn cước" is the
# curated căn cước, even though the portal files under-14s separately.
_ABOUT_THE_PERSON = frozenset(normalize_folded("tuổi tháng năm ngày sinh già trẻ em bé cháu").split())
# Words that say the curated procedure did not happen ("bố mẹ không kết hôn"): then it is not what is asked.
_NEGATIONS = frozenset(normalize_folded("không chưa chẳng chả").split())
_SUFFERED = normalize_folded("bị")



PORTAL = "portal:"
# A question says more than the curated procedure's name when at least this many of its other words,
# and this share of them, are in one portal procedure's name.
MIN_MORE_WORDS = 2
MIN_ALL_WORDS = 3
WHOLE_QUESTION = 0.95
MORE_SHARE = 0.75
NAMED_ALL = 0.9  # or the question holds (nearly) all of a portal name that is longer than the alias
MOSTLY_NAMED = 0.8
OUTRIGHT = 0.8


def _cuts_through(words: list[str], alias: list[str], name: set[str]) -> bool:
    """Whether a portal name takes part of the curated name the question says, and words beside it:
    "Hỗ trợ chi phí" in "hỗ trợ chi phí mai táng" takes "chi phí" of the curated "chi phí mai táng".
    A name that holds all of it ("thông báo lưu trú" for "lưu trú") or none of it does not."""
    at = next((i for i in range(len(words)) if words[i : i + len(alias)] == alias), None)
    if at is None or not alias:
        return False
    inside = sum(w in name for w in alias)
    return 0 < inside < len(alias)


def body_of(record: CatalogRecord) -> str:
    """What a record says it is for, beyond its name: its conditions, its papers and its result."""
    return " ".join([record.conditions or "", *(d.name for d in record.documents or ()), *(record.results or ())])


def _undergone(words: list[str], name: list[str]) -> bool:
    """Whether the question says the portal procedure was done to the person ("bố tôi đã bị xóa hộ
    khẩu thường trú"): "bị" marks what happened, not what is asked for."""
    first = next((w for w in name if w not in STOP), None)
    return any(words[i] == first and words[i - 1] == _SUFFERED for i in range(1, len(words)))


def kb_codes(kb: KnowledgeBase) -> dict[str, str]:
    """Each portal code a curated entry answers (its `code` and `related_codes`), to that entry's id;
    the first entry wins a code two of them name."""
    owners: dict[str, str] = {}
    for pid, procedure in kb.procedures.items():
        for code in (procedure.code, *procedure.related_codes):
            if code:
                owners.setdefault(code, pid)
    return owners


def portal_id(code: str) -> str:
    return PORTAL + code


@dataclass(frozen=True)
class Found:
    """What the catalog says about a question: `kb` (a curated procedure, by id), `answer` (one
    record), `choose` (two to four records) or `none`."""

    kind: str
    kb_id: str | None = None
    records: tuple[CatalogRecord, ...] = ()


def catalog_search(catalog: Catalog) -> CatalogSearch:
    """The search over every record: its name, levels, field, who may apply, and its body."""
    return CatalogSearch(Entry(r.code, r.name, r.levels, r.field or "", r.applicants, body_of(r)) for r in catalog)


class CatalogTier:
    def __init__(self, catalog: Catalog, kb: KnowledgeBase) -> None:
        self.catalog = catalog
        self.search = catalog_search(catalog)
        # One turn may ask several questions of the same text (is it more specific, is it named
        # outright): the search runs once.
        self._decide = lru_cache(maxsize=64)(self.search.decide)
        self._kb_of = kb_codes(kb)
        # Each curated procedure's aliases, folded, longest first: read on every curated turn.
        self._aliases: dict[str, list[list[str]]] = {
            pid: sorted((normalize_folded(a).split() for a in procedure.aliases), key=len, reverse=True)
            for pid, procedure in kb.procedures.items()}

    def __len__(self) -> int:
        return len(self.catalog)

    def record(self, procedure_id: str | None) -> CatalogRecord | None:
        """The record a "portal:<code>" id names, or None."""
        if not procedure_id or not procedure_id.startswith(PORTAL):
            return None
        return self.catalog.get(procedure_id[len(PORTAL):])

    def kb_id(self, code: str) -> str | None:
        return self._kb_of.get(code)

    def more_specific(self, text: str, kb_id: str) -> Found | None:
        """Portal procedures the question names beyond the curated one it mentions, or None.

        "kết hôn với người nước ngoài ở khu vực biên giới" says more than "kết hôn", and its other
        words are the portal's "đăng ký kết hôn có yếu tố nước ngoài tại khu vực biên giới";
        "thông báo lưu trú cho người thân" names all of "Thông báo lưu trú", which is more than the
        curated "lưu trú". "đăng ký kết hôn cần giấy tờ gì" asks about the curated one."""
        if kb_id not in self._aliases:
            return None
        folded = normalize_folded(text).split()
        words = folded
        alias: list[str] = []
        negated = False
        for candidate in self._aliases[kb_id]:
            at = next((i for i in range(len(words)) if words[i : i + len(candidate)] == candidate), None)
            if at is not None:
                negated = at > 0 and words[at - 1] in _NEGATIONS
                alias, words = candidate, words[:at] + words[at + len(candidate):]
                break
        rest = [w for w in dict.fromkeys(without_phrases(words, _TOPIC_PHRASES + _PLACE_PHRASES))
                if w not in STOP and w not in _ABOUT_THE_PERSON and not w.isdigit()]
        if len(rest) < MIN_MORE_WORDS:
            return None  # nothing said beyond the curated name: most turns end here, without a search
        decision = self._decide(text)
        if decision.kind == "none":
            return None
        best = decision.matches[0]
        if self.kb_id(best.code) is not None or not best.for_people:
            return None  # the curated one itself, or what only organisations do: not what a citizen asks
        if negated and best.names_the_thing >= OUTRIGHT:
            # "bố mẹ không kết hôn, giờ muốn làm giấy nhận con": the curated name is what did not happen.
            return self._portal(decision)
        name = normalize_folded(best.name).split()
        # A word is in the name as typed, or through the official words its everyday phrase stands
        # for ("hợp đồng" is the portal's "giao dịch").
        held = set(name) | {w for phrase, official in everyday_phrases(words)
                            if sum(o in name for o in official) * 2 >= len(official) for w in phrase}
        said = sum(w in held for w in rest) / len(rest)
        said_more = said >= MORE_SHARE
        # Everything said beyond the curated name is in one portal name that alone holds the whole
        # question: "sửa lỗi sai trong hợp đồng đã chứng thực" is the portal's "Sửa lỗi sai sót trong
        # giao dịch", not the curated chứng thực.
        holds_all = best.names_the_thing >= WHOLE_QUESTION and not any(
            m.names_the_thing >= WHOLE_QUESTION for m in decision.matches[1:])
        if said == 1.0 and len(rest) >= MIN_ALL_WORDS and holds_all:
            return self._portal(Decision("answer", (best,)))
        named_all = (best.name_share >= NAMED_ALL and best.pairs_said >= SAID_IN_ORDER
                     and len({w for w in name if w not in STOP} - set(alias)) >= 2
                     and not _cuts_through(folded, alias, set(name)) and not _undergone(folded, name))
        # Saying more is not enough on its own ("làm khai tử với tiền mai táng thì bao lâu" is still
        # the curated khai tử): the portal record must be a variant the question asks for, or the
        # question must hold most of its name.
        if not (named_all or (said_more and (best.variant_asked or best.name_share >= MOSTLY_NAMED))):
            return None
        if decision.kind != "answer" and not named_all:
            return None  # a choice between portal records would hide the curated answer
        return self._portal(decision)

    def _portal(self, decision: Decision) -> Found | None:
        """The portal records of a search decision that no curated procedure owns, as an answer (one)
        or a choice (several); None when the curated KB owns them all."""
        records = tuple(r for m in decision.matches if (r := self.catalog.get(m.code)) is not None
                        and self.kb_id(r.code) is None)
        if not records:
            return None
        kind = "choose" if decision.kind == "choose" and len(records) > 1 else "answer"
        return Found(kind, None, records if kind == "choose" else records[:1])

    def named_outright(self, text: str) -> Found | None:
        """One portal procedure whose name holds most of the question's words ("cấp lại giấy phép lái
        xe"), or None: what beats a classifier's guess, which long stories often get."""
        decision = self._decide(text)
        best = decision.matches[0] if decision.matches else None
        if decision.kind != "answer" or best is None or best.asked_share < OUTRIGHT or not best.for_people:
            return None
        return self._portal(decision)

    def find(self, text: str) -> Found:
        decision = self._decide(text)
        if decision.kind == "none":
            return Found("none")
        kb_id = self.kb_id(decision.matches[0].code)
        if kb_id is not None:
            return Found("kb", kb_id)
        return self._portal(decision) or Found("none")


class BackgroundTier:
    """A CatalogTier built in a background thread: reading 2,600 records and indexing their names
    takes about a second on a commune laptop, which must not delay the assistant's start. Until it
    is ready, a question about the long tail waits a little, then gets the honest "not this one"."""

    def __init__(self, load: Callable[[], Catalog], kb: KnowledgeBase, wait_seconds: float = 5.0) -> None:
        self._tier: CatalogTier | None = None
        self._ready = threading.Event()
        self._wait = wait_seconds

        def build() -> None:
            try:
                catalog = load()
                self._tier = CatalogTier(catalog, kb) if catalog else None
                give_back_freed_memory()  # the index's word lists are gone; their pages need not stay
            except Exception:  # a broken catalog must never take the curated answers down
                logger.exception("national catalog could not be indexed; answering from the KB only")
            finally:
                self._ready.set()

        threading.Thread(target=build, name="catalog-index", daemon=True).start()

    def ready(self, wait: bool = False) -> CatalogTier | None:
        if wait:
            self._ready.wait(self._wait)
        return self._tier if self._ready.is_set() else None

    def __len__(self) -> int:
        tier = self.ready()
        return len(tier) if tier is not None else 0

    def record(self, procedure_id: str | None) -> CatalogRecord | None:
        tier = self.ready(wait=bool(procedure_id and procedure_id.startswith(PORTAL)))
        return tier.record(procedure_id) if tier is not None else None

    def find(self, text: str) -> Found:
        tier = self.ready(wait=True)
        return tier.find(text) if tier is not None else Found("none")

    def more_specific(self, text: str, kb_id: str) -> Found | None:
        tier = self.ready()  # the curated answer needs no wait
        return tier.more_specific(text, kb_id) if tier is not None else None

    def named_outright(self, text: str) -> Found | None:
        tier = self.ready()
        return tier.named_outright(text) if tier is not None else None

    @property
    def search(self) -> CatalogSearch | None:
        tier = self.ready(wait=True)
        return tier.search if tier is not None else None


Tier = CatalogTier | BackgroundTier  # what the dialogue is given
