"""Find procedure mentions in normalised, folded text by longest alias match.

Pure logic, no Rasa: the Rasa component in `bot.nlu.components` wraps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.nlu.normalize import normalize_folded

MAX_GAP = 1  # extra words allowed inside a multi-word alias: "trợ cấp (cho) người khuyết tật"
MIN_FUZZY_LENGTH = 4  # shorter words have too many neighbours one letter away ("tu", "tru", "ho")
# Initial consonants people write for one another (regional pronunciation): "tạm chú", "khai xinh",
# "nàm căn cước". Both sides are reduced to one spelling before comparing.
_SOUNDS_ALIKE = (("tr", "ch"), ("gi", "d"), ("r", "d"), ("s", "x"), ("l", "n"))


def sound_key(word: str) -> str:
    """A folded word with its initial consonant reduced to one of each pair that sounds alike."""
    for spelled, heard in _SOUNDS_ALIKE:
        if word.startswith(spelled):
            return heard + word[len(spelled):]
    return word


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


@dataclass(frozen=True)
class Mention:
    procedure_id: str
    start: int  # token index
    length: int  # tokens covered in the text, gaps included
    matched: int = 0  # alias tokens matched; exact matches rank above gapped ones

    @property
    def score(self) -> int:
        return self.matched or self.length


class ProcedureIndex:
    """Alias token sequences -> procedure id.

    `priority` lists procedures that act on another procedure's paper (correcting, copying,
    certifying a birth certificate): when both are named, they win ("sửa tên trong giấy khai sinh").
    """

    def __init__(self, aliases: dict[str, str], priority: list[str] | None = None) -> None:
        self.exact: dict[tuple[str, ...], str] = {}
        self.joined: dict[str, str] = {}
        for alias, procedure_id in aliases.items():
            tokens = tuple(normalize_folded(alias).split())
            if not tokens:
                continue
            self.exact.setdefault(tokens, procedure_id)
            if len(tokens) > 1:  # "khaisinh" typed without the space
                self.joined.setdefault("".join(tokens), procedure_id)
        self.max_len = max((len(k) for k in self.exact), default=0)
        self.priority = {pid: len(priority or []) - i for i, pid in enumerate(priority or [])}
        # Spelling slips are forgiven only inside multi-word aliases, where the other words confirm them.
        self._words = {w for k in self.exact if len(k) > 1 for w in k}
        self._by_sound = {sound_key(w): w for w in sorted(self._words)}
        self._by_deletion: dict[str, str] = {}
        for word in sorted(self._words):
            if len(word) >= MIN_FUZZY_LENGTH:
                for variant in _deletions(word) | {word}:
                    self._by_deletion.setdefault(variant, word)

    def to_dict(self) -> dict:
        return {
            "aliases": {" ".join(k): v for k, v in self.exact.items()},
            "priority": sorted(self.priority, key=lambda p: -self.priority[p]),
        }

    @classmethod
    def from_dict(cls, data: dict) -> ProcedureIndex:
        return cls(data["aliases"], data.get("priority"))

    def _gapped(self, tokens: list[str], i: int) -> list[Mention]:
        """Multi-word aliases starting at token i with one extra word inside."""
        found = []
        window = tokens[i : i + self.max_len + MAX_GAP]
        for gap_at in range(1, len(window) - 1):
            candidate = window[:gap_at] + window[gap_at + 1 :]
            for length in range(len(candidate), gap_at, -1):
                pid = self.exact.get(tuple(candidate[:length]))
                if pid and length > 1:
                    found.append(Mention(pid, i, length + 1, matched=length))
                    break
        return found

    def _corrected(self, token: str) -> str:
        """The alias word a slip of spelling or pronunciation stands for, or the token itself."""
        if token in self._words or any(ch.isdigit() for ch in token):
            return token
        heard = self._by_sound.get(sound_key(token))
        if heard is not None:
            return heard
        if len(token) >= MIN_FUZZY_LENGTH:
            for variant in (token, *_deletions(token)):
                word = self._by_deletion.get(variant)
                if word is not None:
                    return word
        return token

    def find(self, tokens: list[str]) -> list[Mention]:
        """Non-overlapping mentions, best first (priority, then longest, then leftmost). When no
        alias is found as typed, one-letter slips inside multi-word aliases are forgiven."""
        found = self._find(tokens)
        if found:
            return found
        corrected = [self._corrected(t) for t in tokens]
        changed = [i for i, (a, b) in enumerate(zip(tokens, corrected, strict=True)) if a != b]
        return self._choose(self._fuzzy(corrected, changed)) if changed else []

    def _fuzzy(self, corrected: list[str], changed: list[int]) -> list[Mention]:
        """Multi-word aliases, exactly as written, that cover a corrected word."""
        found: list[Mention] = []
        for i in changed:
            for start in range(max(0, i - self.max_len + 1), i + 1):
                for end in range(max(i + 1, start + 2), min(len(corrected), start + self.max_len) + 1):
                    pid = self.exact.get(tuple(corrected[start:end]))
                    if pid:
                        found.append(Mention(pid, start, end - start))
        return found

    def _find(self, tokens: list[str]) -> list[Mention]:
        found: list[Mention] = []
        for i in range(len(tokens)):
            for length in range(min(self.max_len, len(tokens) - i), 0, -1):
                pid = self.exact.get(tuple(tokens[i : i + length]))
                if pid:
                    found.append(Mention(pid, i, length))
                    break
            found.extend(self._gapped(tokens, i))
            joined = self.joined.get(tokens[i])
            if joined:
                found.append(Mention(joined, i, 1))
        return self._choose(found)

    def _choose(self, found: list[Mention]) -> list[Mention]:
        # Exact matches outrank gapped ones of the same size (score ties broken by fewer gaps).
        found.sort(
            key=lambda m: (-self.priority.get(m.procedure_id, 0), -m.score, m.length, m.start)
        )
        chosen: list[Mention] = []
        taken: set[int] = set()
        for mention in found:
            span = set(range(mention.start, mention.start + mention.length))
            if not span & taken:
                chosen.append(mention)
                taken |= span
        return chosen
