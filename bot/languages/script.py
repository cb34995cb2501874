"""Which writing a message is in, to *suggest* a language: never to switch by itself.

Vietnamese and the Central Highlands languages share the Latin alphabet, so a script tells only a
little: Khmer and Tai Viet have their own blocks; Ê Đê, Jrai, Bahnar and Xơ Đăng add letters that
Vietnamese never writes (a breve on e, o, u, ơ and ư; č; ƀ). "ă" is Vietnamese and tells nothing.
Phones send these letters precomposed (ĕ, U+0115) or as a letter and a combining breve (e + U+0306);
both count. Which languages a script suggests is each language's own setting, not decided here.
"""

from __future__ import annotations

import unicodedata
from enum import Enum


class Script(str, Enum):
    KHMER = "khmer"
    TAI_VIET = "tai_viet"
    HIGHLANDS_LATIN = "highlands_latin"  # Latin with the Central Highlands letters


_BLOCKS = (
    (0x1780, 0x17FF, Script.KHMER),  # Khmer
    (0x19E0, 0x19FF, Script.KHMER),  # Khmer symbols
    (0xAA80, 0xAADF, Script.TAI_VIET),
)
_BREVE, _CARON = "\u0306", "\u030c"
_BREVE_BASES = frozenset("eouEOU")  # ĕ ŏ ŭ, and ơ̆ ư̆ (o, u with a horn): "ă" is Vietnamese
_OWN_LETTERS = frozenset("ƀɃ")  # letters with no decomposition
# A letter or two in a Vietnamese message is a typo or a name; a language shows in a few.
MIN_LETTERS = 2


def _clusters(text: str) -> list[str]:
    """Each letter with the marks after it, decomposed: "ơ̆" and "ơ" + U+0306 give the same cluster."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if out and unicodedata.combining(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _script_of(cluster: str) -> Script | None:
    code = ord(cluster[0])
    for low, high, script in _BLOCKS:
        if low <= code <= high:
            return script
    base, marks = cluster[0], cluster[1:]
    if (_BREVE in marks and base in _BREVE_BASES) or (_CARON in marks and base in "cC") or base in _OWN_LETTERS:
        return Script.HIGHLANDS_LATIN
    return None


def suggest(text: str) -> Script | None:
    """The script whose letters the message holds at least MIN_LETTERS of, or None (plain Vietnamese,
    Latin, digits, emoji). The most frequent one wins."""
    counts: dict[Script, int] = {}
    for cluster in _clusters(text):
        if (script := _script_of(cluster)) is not None:
            counts[script] = counts.get(script, 0) + 1
    best = max(counts, key=counts.__getitem__, default=None)
    return best if best is not None and counts[best] >= MIN_LETTERS else None
