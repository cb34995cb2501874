"""The derived forms of the held-out set of real questions (tests/nlu_external.yml).

Each original question (as a person wrote it on a public page) also appears in two mechanical forms:
`no_diacritics` (the same text with Vietnamese diacritics removed, đ→d) and `spoken` (as speech
recognition writes it: lower case, no punctuation, numbers read out as Vietnamese words). Both are made
here, so the whole file can be regenerated and checked (tests/unit/test_external_set.py).
"""

from __future__ import annotations

import re
import unicodedata

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ((1_000_000_000, "tỷ"), (1_000_000, "triệu"), (1_000, "nghìn"))

# A run of digits standing alone (not glued to letters, as in "DC01"), with "." as thousands separator
# when every group after the first has exactly three digits ("180.000", "1.000.000").
_NUMBER = re.compile(r"(?<!\w)(\d{1,3}(?:\.\d{3})+(?!\d)|\d+)(?!\w)")
_DECIMAL = re.compile(r"(?<=\d),(?=\d)")
_NOT_WORD = re.compile(r"\W+")


def without_diacritics(text: str) -> str:
    """The text with every Vietnamese diacritic removed (đ→d, Đ→D); nothing else changes."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _tens(n: int) -> str:
    """0 < n < 100."""
    if n < 10:
        return DIGITS[n]
    tens, unit = divmod(n, 10)
    head = "mười" if tens == 1 else f"{DIGITS[tens]} mươi"
    if unit == 0:
        return head
    if unit == 5:
        tail = "lăm"
    elif unit == 1 and tens > 1:
        tail = "mốt"
    else:
        tail = DIGITS[unit]
    return f"{head} {tail}"


def _hundreds(n: int, full: bool) -> str:
    """0 < n < 1000; `full` when a higher group came before (so 5 reads "không trăm linh năm")."""
    hundreds, rest = divmod(n, 100)
    if hundreds == 0 and not full:
        return _tens(rest)
    words = [f"{DIGITS[hundreds]} trăm"]
    if rest:
        words.append(f"linh {DIGITS[rest]}" if rest < 10 else _tens(rest))
    return " ".join(words)


def read_number(n: int) -> str:
    """A whole number as Vietnamese words: 81 → "tám mươi mốt", 2015 → "hai nghìn không trăm mười lăm"."""
    if n == 0:
        return DIGITS[0]
    words: list[str] = []
    for scale, name in SCALES:
        if n >= scale:
            head, n = divmod(n, scale)
            words.append(f"{read_number(head)} {name}")
    if n:
        words.append(_hundreds(n, full=bool(words)))
    return " ".join(words)


def read_digits(run: str) -> str:
    """A digit run as said aloud: leading zeros one by one ("03" → "không ba"), then the number."""
    stripped = run.lstrip("0")
    zeros = [DIGITS[0]] * (len(run) - len(stripped))
    if not stripped:
        return " ".join(zeros)
    return " ".join([*zeros, read_number(int(stripped))])


def spoken(text: str) -> str:
    """The text as speech recognition writes it: lower case, no punctuation, numbers in words."""
    text = _DECIMAL.sub(" phẩy ", text)
    text = _NUMBER.sub(lambda m: f" {read_digits(m.group(1).replace('.', ''))} ", text)
    text = text.replace("%", " phần trăm ")
    text = _NOT_WORD.sub(" ", text.lower()).replace("_", " ")
    return " ".join(text.split())


def derived_forms(original_text: str, variant: str) -> dict[str, str]:
    """The derived forms of an original: `no_diacritics` (unless the original already has no diacritics)
    and `spoken`, keyed by variant name."""
    forms: dict[str, str] = {}
    plain = without_diacritics(original_text)
    if variant != "no_diacritics" and plain != original_text:
        forms["no_diacritics"] = plain
    forms["spoken"] = spoken(original_text)
    return forms


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _metadata(meta: dict) -> str:
    parts = []
    for key, value in meta.items():
        if isinstance(value, list):
            parts.append(f"{key}: [{', '.join(value)}]")
        elif isinstance(value, bool):
            parts.append(f"{key}: {'true' if value else 'false'}")
        elif key == "source":
            parts.append(f"{key}: {_quoted(value)}")
        else:
            parts.append(f"{key}: {value}")
    return "{" + ", ".join(parts) + "}"


def with_derived(text: str) -> str:
    """A set file (originals only, or already with derived forms) rewritten with every original followed
    by its derived forms; the header comment is kept."""
    import yaml

    header = "".join(line + "\n" for line in text.splitlines() if line.startswith(("#", "version")))
    data = yaml.safe_load(text)
    out = [header.rstrip("\n"), "nlu:"]
    for block in data["nlu"]:
        out.append(f"- intent: {block['intent']}")
        out.append("  examples:")
        for example in block["examples"]:
            meta = example["metadata"]
            if meta.get("derived"):
                continue
            out += [f"  - text: {_quoted(example['text'])}", f"    metadata: {_metadata(meta)}"]
            for variant, form in derived_forms(example["text"], meta["variant"]).items():
                derived = {**meta, "variant": variant, "derived": True}
                out += [f"  - text: {_quoted(form)}", f"    metadata: {_metadata(derived)}"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # python -m tests.support.external_set FILE: add the derived forms in place
    import sys
    from pathlib import Path

    for name in sys.argv[1:]:
        path = Path(name)
        path.write_text(with_derived(path.read_text(encoding="utf-8")), encoding="utf-8")
