"""Small text helpers shared by the portal parsers: blanks, paragraphs, money and durations."""

from __future__ import annotations

import re

# What the portal writes in an empty cell.
_EMPTY = {"", "không có thông tin", "không quy định", "không có", "không", "--", "-", "...", "…"}


def is_empty(text: str | None) -> bool:
    return text is None or text.strip(" \t\n\r.:;-–*+()").casefold() in _EMPTY


def one_line(text: str | None) -> str | None:
    """The text on one line with single spaces; None for an empty cell."""
    if text is None:
        return None
    flat = " ".join(text.replace("\u200b", "").split())
    return None if is_empty(flat) else flat


def paragraphs(text: str | None) -> str | None:
    """Lines kept, blank lines dropped, and the portal's hard wraps (a line that stops mid-sentence
    and goes on in lower case, copied from a PDF) joined back; None for an empty cell."""
    if text is None:
        return None
    lines = [" ".join(line.split()) for line in text.replace("\u200b", "").splitlines()]
    out: list[str] = []
    for line in lines:
        if not line:
            continue
        if out and line[0].islower() and not out[-1].endswith((".", ";", ":", "!", "?")):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    joined = "\n".join(out)
    return None if is_empty(joined) else joined


def strip_outer_parens(text: str) -> str:
    """"((Miễn lệ phí))" → "Miễn lệ phí": the portal wraps its notes once or twice."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and balanced_end(text, 0) == len(text):
        text = text[1:-1].strip()
    return text


def balanced_end(text: str, start: int) -> int:
    """Index just after the parenthesis group opening at `start`; the end of the text when it never
    closes (the portal sometimes cuts a note short)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def money(amount: str) -> str:
    """"200,000" or "200.000" → "200.000" (Vietnamese thousands separator)."""
    digits = re.sub(r"[.,\s]", "", amount)
    if not digits.isdigit():
        return amount.strip()
    return f"{int(digits):,}".replace(",", ".")


def amount_value(amount: str) -> int | None:
    digits = re.sub(r"[.,\s]", "", amount)
    return int(digits) if digits.isdigit() else None


UNITS = {  # the portal's units (its "Thời gian" column) → plain lower case
    "ngày làm việc": "ngày làm việc", "ngày": "ngày", "giờ làm việc": "giờ làm việc", "giờ": "giờ",
    "tháng": "tháng", "năm": "năm", "tuần": "tuần", "phút": "phút",
}
DURATION = re.compile(
    r"(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>ngày làm việc|ngày|giờ làm việc|giờ|tháng|năm|tuần|phút)(?![a-zà-ỹ])",
    re.IGNORECASE,
)


def duration(number: str, unit: str) -> str:
    """("05", "Ngày làm việc") → "5 ngày làm việc"."""
    n = number.replace(",", ".")
    if re.fullmatch(r"\d+", n):
        n = str(int(n))
    return f"{n} {UNITS.get(unit.casefold(), unit.casefold())}"
