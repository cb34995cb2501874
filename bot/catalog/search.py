"""Find the national-portal procedure a question is about.

BM25 ranks the records on their names, their fields and their bodies (conditions, papers, result),
each part scored on its own (`bot/catalog/ranking.py`): a villager's long story names the situation
("mồ côi", "biển số") more often than the procedure, and the body is where the portal says it.
Questions and names go through the same normaliser as the knowledge base (diacritics or none,
teencode, regional words), and the everyday words a villager uses gain the portal's official ones
(`bot/catalog/terms.py`).

BM25 alone prefers whatever name repeats the question's words; rules of the field come on top:
- what a citizen does at the commune comes before the same thing done by the province, and that
  before a ministry;
- a variant ("có yếu tố nước ngoài", "lưu động", "khu vực biên giới", "cho tổ chức") comes only when
  the question says so: "đăng ký khai tử" is not "đăng ký khai tử lưu động";
- so does a procedure only organisations do (a hospital signing health-insurance contracts): the
  person asking is a citizen unless the question speaks of a company, a cooperative or an office.

`decide()` then says how sure it is: one answer, two to four to choose from, or nothing close (a
question about something the portal does not have must never get a confident wrong procedure).
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.catalog.terms import official_words
from bot.nlu.diacritics import fold
from bot.nlu.normalize import normalize_folded

# Words every question and many names have: they rank (BM25 weighs them down) but do not show that
# a name is about what was asked.
STOP = frozenset(normalize_folded(
    "xin cho của tôi em mình anh chị con cháu làm thủ tục thế nào như nào sao gì đâu ở tại được không có "
    "cần phải muốn và với thì là để khi nào bao nhiêu lâu một các những người nay giờ đã bị "
    "đi đến về nữa rồi vậy ạ ơi ai cũng trong ra lại mới hay hoặc theo việc"
).split())
# Variants a question has to name to get: (words in the procedure name, words in the question).
_VARIANTS: tuple[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]], ...] = tuple(
    (tuple(normalize_folded(name).split()), tuple(tuple(normalize_folded(a).split()) for a in asked))
    for name, asked in (
        ("yếu tố nước ngoài", ("nước ngoài", "người nước", "quốc tịch", "việt kiều", "lào", "trung quốc",
                               "campuchia", "hàn quốc", "nhật", "đài loan")),
        ("lưu động", ("lưu động", "tại nhà", "đến nhà", "bản xa", "không đi được")),
        ("khu vực biên giới", ("biên giới",)),
        ("cho tổ chức", ("tổ chức", "công ty", "doanh nghiệp", "hợp tác xã")),
        ("doanh nghiệp", ("doanh nghiệp", "công ty")),
        ("hợp tác xã", ("hợp tác xã",)),
        ("cơ quan đại diện", ("đại sứ quán", "lãnh sự", "nước ngoài")),
        ("ở nước ngoài", ("nước ngoài",)),
        ("không xác định được", ("không xác định", "không có nơi", "không rõ")),
        ("theo yêu cầu của cơ quan", ("cơ quan", "tòa án", "công an")),
        ("theo yêu cầu của tổ chức", ("tổ chức", "công ty")),
    )
)
# Who may apply, as the portal lists it: these are people; the rest (companies, cooperatives, offices,
# party organisations) are not who asks this assistant, unless the question says so.
PEOPLE = frozenset(fold(a).lower() for a in (
    "Công dân Việt Nam", "Người nước ngoài", "Người Việt Nam định cư ở nước ngoài",
    "Người nước ngoài cư trú tại Việt Nam", "Cán bộ, công chức, viên chức", "Đảng viên",
))
_FOR_ORGANISATIONS = tuple(tuple(normalize_folded(a).split()) for a in (
    "tổ chức", "công ty", "doanh nghiệp", "hợp tác xã", "htx", "cơ sở", "bệnh viện", "trường học", "đơn vị",
    "cơ quan", "nhà máy", "xí nghiệp", "chi nhánh", "ngân hàng",
))
ORGANISATION_PENALTY = 0.6
_LONGEST_VARIANT = max(len(variant) for variant, _ in _VARIANTS)
_LONGEST_CUE = max(len(c) for cues in [*(cues for _, cues in _VARIANTS), _FOR_ORGANISATIONS] for c in cues)
# Where the citizen goes is not what the procedure is called ("chứng thực hợp đồng ở ủy ban xã"), nor
# is the way a question opens. "hỏi" is dropped only in these: folded, it is also "hội" (association).
PLACES = tuple(tuple(normalize_folded(p).split()) for p in (
    "ở ủy ban nhân dân xã", "ở ủy ban xã", "ở ubnd xã", "tại ủy ban xã", "ở xã", "tại xã", "lên xã", "ra xã",
    "ở phường", "ra phường", "ở huyện", "lên huyện", "ở tỉnh", "lên tỉnh",
    "cho tôi hỏi", "cho em hỏi", "cho mình hỏi", "cho hỏi", "xin hỏi", "muốn hỏi", "tôi hỏi", "em hỏi",
))
# Nearest to the citizen first: the commune, then the province, then a ministry.
LEVEL_BONUS = {"cap xa": 1.15, "cap tinh": 1.05}
VARIANT_PENALTY = 0.55
PHRASE_BONUS = 0.15  # per pair of words the name has in the question's order ("giấy phép lái xe")
NAME_WEIGHT, FIELD_WEIGHT, BODY_WEIGHT = 10.0, 2.0, 1.0
MAX_TERMS = 16  # the rarest words of a question find its candidates; all of them count in the coverage
# BM25's best records that the rules below read again (each costs about 40 µs): a name that BM25 ranks
# lower than this is not made best by the bonuses.
CANDIDATES = 100
COMMON_SHARE = 0.08  # a word in more names than this is not searched for, only counted
MIN_COMMON = 50
# How much of what was asked a name must hold (weighted by how rare each word is among the names):
# below NOTHING_BELOW nothing is close.
ANSWER_COVERAGE = 0.65
CHOICE_COVERAGE = 0.6
NOTHING_BELOW = 0.6
# The best is the answer when the next one scores clearly less; otherwise offer the close ones.
CLEAR_LEAD = 1.3
EXACT = 0.9
CLOSE_SHARE = 0.75
MAX_CHOICES = 4
WHOLE_NAME, NAMED_SHARE = 0.99, 0.5
SHORT_NAME = 3  # content words
SAID_IN_ORDER = 0.6  # of a name the question holds, the share of its word pairs it must say in order
BODY_CHARS = 4000  # the long tail of a long list of papers adds time, not meaning
_PUNCTUATION = re.compile(r"[^\w\s]+")
_SPACES = bytes(c if chr(c).isalnum() else 32 for c in range(256))  # every byte not a letter or digit


@dataclass(frozen=True)
class Entry:
    """What search needs of a catalog record."""

    code: str
    name: str
    levels: tuple[str, ...] = ()
    field: str = ""
    applicants: tuple[str, ...] = ()  # who may apply; none listed counts as anyone
    # What the procedure is for, in the portal's words (its conditions, papers and result): a
    # villager's story names the situation ("mồ côi", "biển số") more often than the procedure.
    body: str = ""

    @property
    def for_people(self) -> bool:
        return not self.applicants or any(fold(a).lower() in PEOPLE for a in self.applicants)


@dataclass(frozen=True)
class Match:
    code: str
    name: str
    score: float  # larger is better
    coverage: float  # the larger of the two shares below
    asked_share: float = 0.0  # of the question's words (weighted by rarity), the share the name holds
    name_share: float = 0.0  # of the name's words, the share the question holds
    variant_asked: bool = False  # the name is a variant ("lưu động", "biên giới") the question asks for
    for_people: bool = True  # a person may apply (not only companies, cooperatives or offices)
    official_share: float = 0.0  # of the official words the question's everyday ones stand for, the share held
    # Of the name's word pairs (common words left out), the share the question says in that order:
    # "Hỗ trợ chi phí" is not said by "hộ cận nghèo ... miễn phí ... nhờ hỗ trợ", whose words it holds.
    pairs_said: float = 0.0

    @property
    def names_the_thing(self) -> float:
        """How much of what the question names the name holds, the everyday words read as the official
        ones ("hợp đồng" as "giao dịch"): for a short question naming one thing, not for ranking a story."""
        return max(self.asked_share, self.official_share)

    @property
    def exact(self) -> bool:
        """The question is the name, give or take a few words ("cấp lại giấy phép lái xe")."""
        return self.asked_share >= EXACT and self.name_share >= EXACT


@dataclass(frozen=True)
class Decision:
    """`answer`: one procedure; `choose`: two to four to ask about; `none`: nothing close."""

    kind: str
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class _NameFacts:
    level_bonus: float
    variants: tuple[int, ...]  # indexes into _VARIANTS
    pairs: frozenset[tuple[str, str]]
    content_pairs: frozenset[tuple[str, str]]
    words: frozenset[str]
    content: frozenset[str]  # its words but the common ones (STOP)
    content_weight: float
    for_people: bool


@dataclass(frozen=True)
class _QueryFacts:
    pairs: frozenset[tuple[str, str]]
    content_pairs: frozenset[tuple[str, str]]
    variants: frozenset[int]  # the variants the question asks for
    own: dict[str, float]  # its own words, by weight
    official: dict[str, float]  # the official words its everyday ones stand for
    either: dict[str, float]
    for_organisation: bool  # it speaks of a company, a cooperative or an office
    totals: tuple[float, float, float]  # the weights of own, official and either


def _share(have: frozenset[str], wanted: dict[str, float], total: float) -> float:
    # The intersection is taken in C: a long question has forty words, and a hundred names are scored.
    return sum(wanted[w] for w in wanted.keys() & have) / total if total else 0.0


def _grams(words: list[str], longest: int) -> frozenset[tuple[str, ...]]:
    """Every run of 1..`longest` words: phrase lookups in one set instead of a scan per phrase."""
    return frozenset(tuple(words[i : i + n]) for n in range(1, longest + 1) for i in range(len(words) - n + 1))


def _content_pairs(words: list[str]) -> frozenset[tuple[str, str]]:
    content = [w for w in words if w not in STOP]
    return frozenset(zip(content, content[1:], strict=False))


def _variants_of(words: list[str]) -> tuple[int, ...]:
    """The variants ("lưu động", "biên giới") a name is, as indexes into _VARIANTS."""
    grams = _grams(words, _LONGEST_VARIANT)
    return tuple(i for i, (variant, _) in enumerate(_VARIANTS) if variant in grams)


@lru_cache(maxsize=16)
def _by_first_word(phrases: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The phrases grouped by their first word, in their order: a word looks up only its own."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        if phrase:
            index.setdefault(phrase[0], []).append(phrase)
    return {word: tuple(group) for word, group in index.items()}


def without_phrases(words: list[str], phrases: Sequence[tuple[str, ...]]) -> list[str]:
    """The words with every occurrence of the phrases taken out (the first listed wins at a place)."""
    index = _by_first_word(tuple(phrases))
    out, i = [], 0
    while i < len(words):
        phrase = next((p for p in index.get(words[i], ()) if tuple(words[i : i + len(p)]) == p), None)
        if phrase:
            i += len(phrase)
        else:
            out.append(words[i])
            i += 1
    return out


def _body_words(text: str) -> list[str]:
    """The words of a record's body, folded. Official text needs no teencode or phrase rewriting, so
    this is all done in C: decomposed, the marks dropped with everything else that is not ASCII (a
    million words in a fraction of the time `normalize_folded` would take)."""
    text = _PUNCTUATION.sub(" ", text[:BODY_CHARS])  # "—", "“" and the like part words before they are dropped
    ascii_text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")).encode("ascii", "ignore")
    return ascii_text.lower().translate(_SPACES).decode().split()


def _proper_names(text: str) -> set[str]:
    """Capitalised words after the first ("tiếng Lào", "ở Gia Lai"): a place, a people or a language is
    what the case is about, not what the procedure is called, so a name need not hold it."""
    words = text.split()[1:]
    return {normalize_folded(w) for w in words if w[:1].isupper() and not w.isupper()}


class CatalogSearch:
    def __init__(self, entries: Iterable[Entry]) -> None:
        # numpy comes with the index, built in a background thread: not on the action server's start.
        from bot.catalog.ranking import FieldedBM25

        self._entries: dict[str, Entry] = {}
        self._words: dict[str, list[str]] = {}
        fields: dict[str, list[str]] = {}  # a few hundred fields shared by 2,600 names: fold each once
        for entry in entries:
            if entry.code in self._entries:
                continue
            self._entries[entry.code] = entry
            self._words[entry.code] = normalize_folded(entry.name).split()
            if entry.field not in fields:
                fields[entry.field] = normalize_folded(entry.field).split()
        self._codes = list(self._entries)
        # Each body is read once, as it is indexed (a few megabytes of text are not kept twice).
        self._rank = FieldedBM25(
            (list(self._words.values()), [fields[e.field] for e in self._entries.values()],
             (_body_words(e.body) for e in self._entries.values())),
            (NAME_WEIGHT, FIELD_WEIGHT, BODY_WEIGHT))
        self._entries = {code: dataclasses.replace(e, body="") for code, e in self._entries.items()}
        documents: Counter[str] = Counter(w for words in self._words.values() for w in set(words))
        total = len(self._words) + 1
        self._idf = {w: math.log(total / (n + 1)) + 1.0 for w, n in documents.items()}
        self._unseen = math.log(total) + 1.0  # a word no name has weighs most: it must be there
        # The weight of a word in COMMON_SHARE of the names (and in at least MIN_COMMON of them).
        self._common = math.log(total / max(COMMON_SHARE * total, MIN_COMMON)) + 1.0
        # What ranking needs of each name, worked out once: its level bonus, the variants it is, its
        # word pairs and its own (content) words.
        self._facts = {code: _NameFacts(
            max((LEVEL_BONUS.get(fold(level).lower(), 1.0) for level in self._entries[code].levels), default=1.0),
            _variants_of(words),
            frozenset(zip(words, words[1:], strict=False)), _content_pairs(words), frozenset(words),
            frozenset(w for w in words if w not in STOP),
            sum(self._weight(w) for w in set(words) if w not in STOP),
            self._entries[code].for_people,
        ) for code, words in self._words.items()}

    def __len__(self) -> int:
        return len(self._entries)

    def _weight(self, word: str) -> float:
        return self._idf.get(word, self._unseen)

    def search(self, text: str, limit: int = 10) -> list[Match]:
        """The best procedures for a question, best first."""
        asked = without_phrases(normalize_folded(text).split(), PLACES)
        named = _proper_names(text)
        own = [w for w in dict.fromkeys(asked) if w not in STOP and w not in named]
        official = [w for w in official_words(asked) if w not in STOP]
        words = list(dict.fromkeys(own + official))
        if not words:
            return []
        # Words in a large share of the names ("đăng ký", "cấp") make SQLite score most of the table
        # for nothing: they are left to the coverage below, unless nothing rarer was asked.
        rare = [w for w in words if self._weight(w) >= self._common] or sorted(words, key=self._weight)[-3:]
        # A long story has thirty such words; the rarest find its candidates, the rest only cost time
        # (every term's postings are read). All of them still count in the coverage below.
        rare = sorted(rare, key=self._weight, reverse=True)[:MAX_TERMS]
        rows = [(self._codes[i], score) for i, score in self._rank.top(rare, max(limit, CANDIDATES))]
        grams = _grams(asked, _LONGEST_CUE)
        own_w = {w: self._weight(w) for w in own}
        official_w = {w: self._weight(w) for w in official}
        either_w = {w: self._weight(w) for w in set(own) | set(official)}
        query_facts = _QueryFacts(
            frozenset(zip(asked, asked[1:], strict=False)), _content_pairs(asked),
            frozenset(i for i, (_, cues) in enumerate(_VARIANTS) if any(c in grams for c in cues)),
            own_w, official_w, either_w,
            any(cue in grams for cue in _FOR_ORGANISATIONS),
            (sum(own_w.values()), sum(official_w.values()), sum(either_w.values())),
        )
        matches = [self._match(code, score, query_facts) for code, score in rows]
        matches.sort(key=lambda m: -m.score)
        return matches[:limit]

    def _match(self, code: str, score: float, query: _QueryFacts) -> Match:
        facts = self._facts[code]
        score *= facts.level_bonus
        if not facts.for_people and not query.for_organisation:
            score *= ORGANISATION_PENALTY
        score *= VARIANT_PENALTY ** sum(v not in query.variants for v in facts.variants)
        score *= 1.0 + PHRASE_BONUS * len(facts.pairs & query.pairs)
        # The question's words the name holds, or the official words its everyday ones stand for;
        # and the name's words the question holds ("Thông báo lưu trú" is all in a long question).
        # The official words an everyday phrase stands for count with the question's own, not on their own:
        # in a long story one "hộ khẩu" (→ "thường trú") must not make any "thường trú" name hold it all.
        own_total, official_total, either_total = query.totals
        asked_share = max(_share(facts.words, query.own, own_total), _share(facts.words, query.either, either_total))
        official_share = _share(facts.words, query.official, official_total)
        held = sum(query.either[w] for w in query.either.keys() & facts.content)
        name_share = held / facts.content_weight if facts.content_weight else 0.0
        pairs = facts.content_pairs
        pairs_said = len(pairs & query.content_pairs) / len(pairs) if pairs else 1.0
        if len(facts.content) <= SHORT_NAME and pairs_said < SAID_IN_ORDER:
            # A short name's few words turn up anywhere in a long story ("hỗ trợ", "phí"): it is held
            # only as far as it is said.
            name_share *= pairs_said
        coverage = max(asked_share, name_share)
        return Match(code, self._entries[code].name, score * (0.5 + coverage), coverage, asked_share, name_share,
                     any(v in query.variants for v in facts.variants), facts.for_people, official_share, pairs_said)

    def decide(self, text: str) -> Decision:
        """One answer, a few to choose from, or nothing close."""
        # A name that holds little of the question is not close, however BM25 ranks it.
        matches = [m for m in self.search(text) if m.coverage >= NOTHING_BELOW]
        if not matches:
            return Decision("none", ())
        best = matches[0]
        # Close: nearly as good, or a name the question says whole ("Tách hộ" in a long story about
        # parents) that BM25 ranks lower only because the story repeats another name's words.
        close = [m for m in matches if m.coverage >= CHOICE_COVERAGE and (
            m.score >= CLOSE_SHARE * best.score
            or (m.name_share >= WHOLE_NAME and m.score >= NAMED_SHARE * best.score))]
        runner_up = close[1].score if len(close) > 1 else 0.0
        only_exact = best.exact and not any(m.exact for m in close[1:])
        if best.coverage >= ANSWER_COVERAGE and (len(close) == 1 or best.score >= CLEAR_LEAD * runner_up
                                                 or only_exact):
            return Decision("answer", (best,))
        return Decision("choose", tuple(close[:MAX_CHOICES]))
