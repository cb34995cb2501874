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


# A citation inside a paper's name or a step ("ban hành kèm theo Thông tư số 17/2024/TT-BCA của Bộ Công an"):
# the form's number is what the desk asks for; the law behind it is for staff, and is never read aloud.
_LAW = r"(?:Thông tư liên tịch|Thông tư|Nghị định|Quyết định|Nghị quyết|Luật|Pháp lệnh)"
_LAW_NUMBER = r"(?:\s+số)?\s*\d+(?:/\d{4})?/[\wĐđ]+(?:\s?-\s?[\wĐđ]+)*"
_LAW_DATE = r"(?:\s+ngày\s+\d{1,2}(?:/|\s+tháng\s+)\d{1,2}(?:/|\s+năm\s+)\d{4})?"
# "của Chính phủ quy định chi tiết…": who issued it and what about, up to a bracket, a semicolon or the end.
_LAW_OF = r"(?:\s+của\s+[^();]*?(?=\s*(?:[();]|\.\s|\.?$)))?"
_LAW_PLACE = (r"(?:(?:điểm\s+[a-zđ],?\s+)*(?:khoản\s+\d+,?\s+)?(?:Điều\s+\d+\s+)?(?:của\s+)?"
              r"(?:Phụ\s+lục\s+[IVXLC\d.]+[A-Z]?,?\s+)?(?:của\s+)?)")
_LAW_LEAD = (r"(?:\s*,?\s*(?:được\s+)?(?:ban\s+hành\s+)?"
             r"(?:kèm\s+theo|tại|theo\s+quy\s+định\s+tại|quy\s+định\s+tại|theo)?\s*)")
CITATION = re.compile(
    _LAW_LEAD + _LAW_PLACE + r"(?:ban\s+hành\s+)?(?:kèm\s+theo\s+)?" + _LAW + _LAW_NUMBER + _LAW_DATE + _LAW_OF
    + r"(?:\s*\((?:đã\s+)?được\s+sửa\s+đổi[^()]*\)?)?",
    re.IGNORECASE,
)


def without_citations(text: str) -> str:
    """"Phiếu thu nhận thông tin căn cước (Mẫu CC01 ban hành kèm theo Thông tư số 17/2024/TT-BCA của Bộ
    Công an)" → "Phiếu thu nhận thông tin căn cước (Mẫu CC01)"; the text as it was if nothing is left."""
    out = CITATION.sub("", text)
    out = re.sub(r"\s+([,;.)])", r"\1", out)
    out = re.sub(r"\(\s*\)", "", out)
    return " ".join(out.split()).strip(" ,;") or text
