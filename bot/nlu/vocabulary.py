"""Everyday, regional and abbreviated words people use for the procedures, mapped to the standard
words the knowledge base and the classifier know. A reviewed table, not guesses: each entry says
what kind it is, and an entry goes in only when the word has that meaning in a question about a
procedure (ambiguous words are rewritten only in the phrases where they are unambiguous).

`WORDS` applies to single words as typed (with their diacritics, so "đẻ" → "sinh" but never "để").
`PHRASES` applies to phrases, for words that are ambiguous alone when typed without marks: "cuoi" is
"cưới" or "cuối", "de" is "đẻ" or "để"; in these phrases, typed with these marks or none, it is one.
"""

from __future__ import annotations

from bot.nlu.diacritics import fold

# word as typed (lower case, diacritics kept) → standard word(s)
WORDS: dict[str, str] = {
    # regional spellings and words (S = Southern, C = Central)
    "sanh": "sinh",  # S: "khai sanh", "sanh con"
    "bịnh": "bệnh",  # S
    "nhứt": "nhất",  # S
    "dìa": "về",  # S: "dìa quê làm giấy"
    "hổng": "không",  # S
    "giề": "gì",  # C/N colloquial
    "mần": "làm",  # C: "mần giấy khai sinh"
    "mô": "đâu",  # C: "ở mô", "đi mô"
    "chừ": "giờ",  # C: "bây chừ"
    "rứa": "vậy",  # C
    # everyday words for the events a procedure records
    "đẻ": "sinh",  # "con mới đẻ"
    "cưới": "kết hôn",  # "sắp cưới", "cưới vợ"
    # abbreviations typed in chat and on forms
    "cc": "căn cước",
    "ks": "khai sinh",
    "gks": "giấy khai sinh",
    "dkks": "đăng ký khai sinh",
    "đkks": "đăng ký khai sinh",
    "dkkh": "đăng ký kết hôn",
    "đkkh": "đăng ký kết hôn",
    "tcxh": "trợ cấp xã hội",
    "nct": "người cao tuổi",
    "nkt": "người khuyết tật",
    "hcn": "hộ cận nghèo",
    "hktt": "hộ khẩu thường trú",
    "kt3": "tạm trú",  # the old long-term temporary-residence book
    "tthc": "thủ tục hành chính",
    "gplx": "giấy phép lái xe",
    "tp": "thành phố",  # "tại TP Hồ Chí Minh"
    "tp.hcm": "thành phố hồ chí minh",  # a code-like token: dots inside a word are kept
    "tphcm": "thành phố hồ chí minh",
    "tx": "thị xã",
    "cax": "công an xã",
}

# phrase → standard words, written with diacritics. A phrase matches words typed with exactly these
# marks or with none ("ở mô", "o mo"); "để con" never matches "đẻ con".
PHRASES: dict[str, str] = {
    # C: "mô" = đâu, "chi" = gì, only after the words that ask
    "ở mô": "ở đâu",
    "đi mô": "đi đâu",
    "đến mô": "đến đâu",
    "làm mô": "làm đâu",
    "cần chi": "cần gì",
    "giấy chi": "giấy gì",
    "mang chi": "mang gì",
    "làm chi": "làm gì",
    # colloquial "how": "làm như nào", "ra như nào"
    "như nào": "như thế nào",
    # "cưới" typed without marks ("cuoi" is also "cuối")
    "sắp cưới": "sắp kết hôn",
    "muốn cưới": "muốn kết hôn",
    "cưới vợ": "kết hôn",
    "cưới chồng": "kết hôn",
    "cưới nhau": "kết hôn",
    "đám cưới": "kết hôn",
    "lấy vợ": "kết hôn",
    "lấy chồng": "kết hôn",
    # "đẻ" typed without marks ("de" is also "để")
    "mới đẻ": "mới sinh",
    "vừa đẻ": "vừa sinh",
    "đẻ em bé": "sinh em bé",
    # one word, so no procedure name is read inside it ("theo dõi hồ sơ" is not "đổi họ")
    "theo dõi": "theodõi",
    # "ca" = công an before the level of government
    "ca xã": "công an xã",
    "ca phường": "công an phường",
    "ca huyện": "công an huyện",
    "ca tỉnh": "công an tỉnh",
}


_MATCH: dict[tuple[str, ...], tuple[tuple[frozenset[str], ...], list[str]]] = {}
for _phrase, _standard in PHRASES.items():
    _words = _phrase.split()
    _MATCH[tuple(fold(w) for w in _words)] = (
        tuple(frozenset({w, fold(w)}) for w in _words), _standard.split())
_FIRST = {key[0] for key in _MATCH}
_SIZES = sorted({len(key) for key in _MATCH}, reverse=True)


def _replacement(words: list[str], i: int) -> tuple[int, list[str]] | None:
    for size in _SIZES:
        window = words[i : i + size]
        entry = _MATCH.get(tuple(fold(w) for w in window))
        if entry is not None and all(w in allowed for w, allowed in zip(window, entry[0], strict=True)):
            return size, entry[1]
    return None


def rewrite_phrases(words: list[str]) -> list[str]:
    """Normalised words (diacritics kept) with every PHRASES entry replaced, left to right."""
    out: list[str] = []
    i = 0
    while i < len(words):
        found = _replacement(words, i) if fold(words[i]) in _FIRST else None
        if found is None:
            out.append(words[i])
            i += 1
        else:
            out.extend(found[1])
            i += found[0]
    return out
