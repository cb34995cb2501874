"""Normalise real-world Vietnamese chat text so that all the ways people type one question
look alike to the classifier: Unicode form, tone-mark placement, case, stretched letters,
teencode and abbreviations. `fold` then removes diacritics, so text typed without them is
understood exactly as well as text with them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import groupby

from bot.nlu.diacritics import fold
from bot.nlu.teencode import TEENCODE
from bot.nlu.vocabulary import WORDS, rewrite_phrases

# Combining tone marks (NFD): grave, acute, hook above, tilde, dot below.
_TONES = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
# Shape marks that make a vowel "marked" (â, ê, ô, ơ, ư, ă): circumflex, horn, breve.
_SHAPES = {"\u0302", "\u031b", "\u0306"}
_VOWELS = set("aeiouy")
# Only words spelled with Vietnamese letters get their tone moved; anything else is left alone.
_VIETNAMESE_NFD = set("abcdefghijklmnopqrstuvwxyzđ") | _TONES | _SHAPES

# Application codes ("H12.22-251103-0042") and numbers stay one token; words are runs of letters.
_TOKEN = re.compile(r"[^\W_]+(?:[.\-/][^\W_]+)*")


def _letters(word_nfd: str) -> list[list[str]]:
    """Split an NFD word into letters, each a base char followed by its combining marks."""
    letters: list[list[str]] = []
    for ch in word_nfd:
        if unicodedata.combining(ch) and letters:
            letters[-1].append(ch)
        else:
            letters.append([ch])
    return letters


def _tone_index(letters: list[list[str]]) -> int | None:
    """Where the tone mark belongs, following the traditional rule (hòa, thủy, khỏe, quả, giữ)."""
    bases = [letter[0] for letter in letters]
    start = 0
    word = "".join(bases)
    if word.startswith("qu"):
        start = 2
    elif word.startswith("gi") and len(bases) > 2 and bases[2] in _VOWELS:
        start = 2
    cluster: list[int] = []
    for i in range(start, len(bases)):
        if bases[i] in _VOWELS:
            cluster.append(i)
        elif cluster:
            break
    if not cluster:
        return None
    if len(cluster) == 1:
        return cluster[0]
    marked = [i for i in cluster if _SHAPES.intersection(letters[i][1:])]
    if marked:
        return marked[-1]
    if cluster[-1] < len(bases) - 1:  # closed syllable: tone on the last vowel ("hoàn")
        return cluster[-1]
    if len(cluster) >= 3:
        return cluster[1]
    return cluster[0]


def fix_tone_placement(word: str) -> str:
    """Move a misplaced tone mark to its canonical vowel: "hoà" -> "hòa", "thuỷ" -> "thủy"."""
    nfd = unicodedata.normalize("NFD", word)
    tones = [ch for ch in nfd if ch in _TONES]
    if len(tones) != 1 or not all(ch in _VIETNAMESE_NFD for ch in nfd):
        return word
    letters = _letters("".join(ch for ch in nfd if ch not in _TONES))
    index = _tone_index(letters)
    if index is None:
        return word
    letters[index].append(tones[0])
    fixed = unicodedata.normalize("NFC", "".join("".join(letter) for letter in letters))
    # Not a Vietnamese letter combination (e.g. "û" + tone): leave the word as typed.
    return word if any(unicodedata.combining(ch) for ch in fixed) else fixed


def _without_tone(ch: str) -> str:
    return unicodedata.normalize(
        "NFC", "".join(c for c in unicodedata.normalize("NFD", ch) if c not in _TONES)
    )


def _collapse_repeats(token: str) -> str:
    """"nhiềuuuu" -> "nhiều", "quáaaa" -> "quá", "kooo" -> "ko"; "xoong" and "cứu" stay.

    Letters that repeat up to their tone ("áa") are one run; Vietnamese doubles only "oo".
    """
    out: list[str] = []
    for key, run in groupby(token, key=_without_tone):
        letters = list(run)
        if len(letters) >= 3 or (len(letters) == 2 and key != "o" and letters[0].isalpha()):
            toned = [ch for ch in letters if ch != _without_tone(ch)]
            out.append(toned[0] if toned else letters[0])
        else:
            out.extend(letters)
    return "".join(out)


@lru_cache(maxsize=16384)  # words repeat: the catalog's 2,600 names hold a few thousand distinct ones
def _normalize_token(token: str) -> str:
    if any(ch.isdigit() for ch in token) and token not in WORDS:
        return token
    for table in (TEENCODE, WORDS):
        if token in table:
            return table[token]
    token = _collapse_repeats(token)
    if token in TEENCODE:
        return TEENCODE[token]
    token = fix_tone_placement(token)
    return WORDS.get(token, token)


@lru_cache(maxsize=2048)  # one message is normalised by several components (and sentence by sentence)
def normalize(text: str) -> str:
    """Canonical Vietnamese text: NFC, lower case, teencode expanded, tones placed, no punctuation."""
    text = unicodedata.normalize("NFC", text).lower()
    words = (_normalize_token(token) for token in _TOKEN.findall(text))
    return " ".join(word for word in words if word)


def normalize_folded(text: str) -> str:
    """What the classifier sees: normalised, without diacritics, everyday phrases in standard words
    (bot/nlu/vocabulary.py)."""
    return fold(" ".join(rewrite_phrases(normalize(text).split())))
