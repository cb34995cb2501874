"""The portal's "Cách thức thực hiện" table: per channel, the processing time, the fee and a note.

The page flattens it into one string: the header "Hình thức nộpThời gianPhí, lệ phíMô tả", then
rows glued together, each `<kind><time><fee>[(<fee note>)]<description>`:

    Trực tiếp5 Ngày làm việcLệ phí : 8.000 Đồng…Dịch vụ bưu chính5 Ngày làm việcMiễn phí…

Quirks handled (counts over the June 2026 crawl):
- A time without a unit ("1", 861 of 7,090 rows): the portal does not say days or hours, so the time is None,
  unless the row's own description states the same number with a unit ("05 ngày làm việc, kể từ…").
- A unitless time glued to an amount ("1100,000 VNĐ" is "1" and "100,000 VNĐ"): split where the
  rest is a well-formed amount.
- Amounts under 1.000 đồng ("20 VNĐ" with the note "20.000 vnđ/tờ khai"): entered in thousands by
  mistake; the amount is dropped and the note's own amount used when it has one.
"""

from __future__ import annotations

import re

from bot.catalog.model import IN_PERSON, ONLINE, POST, Channel
from bot.catalog.sections import CHANNEL_ROW, CHANNELS_HEADER
from bot.catalog.text import DURATION, amount_value, balanced_end, duration, money, one_line, strip_outer_parens

KINDS = {"Trực tiếp": IN_PERSON, "Trực tuyến": ONLINE, "Dịch vụ bưu chính": POST}

_NO_INFO = re.compile(r"Không có thông tin|Không quy định")
_TIMED = re.compile(r"(\d+(?:[.,]\d+)?)\s*(Ngày làm việc|Ngày|Giờ làm việc|Giờ|Tháng|Năm|Tuần)(?![a-zà-ỹ])")
_CURRENCY = r"(?:Việt Nam Đồng|VNĐ|VND|Đồng|đồng|USD)"
_AMOUNT = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(" + _CURRENCY + r")")
_FREE = re.compile(r"Miễn phí|Miễn lệ phí|Không thu(?: phí| lệ phí)?")
# "Lệ phí : 8.000 Đồng", "Phí : Đồng" (no amount), several joined by "; - ".
_LABELLED = re.compile(r"(Lệ phí|Phí)\s*:\s*(\d{1,3}(?:[.,]\d{3})+|\d+)?\s*(?:Đồng|đồng|VNĐ)?")
# An amount written inside a note: "20.000 vnđ /tờ khai", "100.000 đồng/lần".
_NOTE_AMOUNT = re.compile(r"(\d{1,3}(?:\.\d{3})+)\s*(?:đồng|đ|vnđ|VNĐ|Đ)\b(\s*/\s*[^.;,()]{1,30})?", re.IGNORECASE)
_FREE_TIME = re.compile(r"[A-ZĐ][^0-9]{3,200}?(?=Miễn phí|Không có thông tin|\d)")
_SMALLEST_REAL_FEE = 1000  # no Vietnamese fee is under 1.000 đồng: smaller amounts are in thousands


def parse_channels(text: str) -> tuple[Channel, ...] | None:
    """Every channel row of the table; None when the table has no row we can read."""
    body = text.strip()
    if body.startswith(CHANNELS_HEADER):
        body = body[len(CHANNELS_HEADER):]
    starts = list(CHANNEL_ROW.finditer(body))
    channels = []
    for i, start in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
        channel = _row(KINDS[start.group(1)], body[start.end():end])
        if channel is not None:
            channels.append(channel)
    return tuple(channels) or None


def _row(kind: str, row: str) -> Channel | None:
    time, bare, rest = _time(row)
    if rest is None:
        return None
    fee, fee_note, rest, unreliable = _fee(rest)
    note = one_line(rest)
    if bare and note:
        time = _time_from_note(bare, note)
    if unreliable and fee_note:
        found = _NOTE_AMOUNT.search(fee_note)
        fee = f"{money(found.group(1))} đồng{_per(found.group(2))}" if found else None
    return Channel(kind=kind, time=time, fee=fee, fee_note=fee_note, note=note)


def _time(row: str) -> tuple[str | None, str | None, str | None]:
    """(readable time, the number when it has no unit, the rest of the row); the rest is None when
    the row does not start like one."""
    if m := _NO_INFO.match(row):
        return None, None, row[m.end():]
    if m := _TIMED.match(row):
        return duration(m.group(1), m.group(2)), None, row[m.end():]
    if m := re.match(r"\d[\d.,]*", row):  # a number without a unit: days or hours, the portal does not say
        if re.match(r"\s*" + _CURRENCY, row[m.end():]):
            cut = _glued_amount_start(m.group())
            return None, row[:cut], row[cut:]
        return None, m.group(), row[m.end():]
    if m := _FREE_TIME.match(row):  # "Không phải trả kết quả cho người nộp thuế"
        return one_line(m.group()), None, row[m.end():]
    return None, None, None


def _glued_amount_start(number: str) -> int:
    """Where the amount starts in "1100,000 VNĐ" (a unitless time "1" glued to "100,000 VNĐ"): after
    the shortest prefix that leaves a well-formed amount (no leading zero, groups of three)."""
    for cut in range(1, len(number)):
        rest = number[cut:]
        if rest[0] != "0" and re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+|\d+", rest):
            return cut
    return len(number)


def _fee(rest: str) -> tuple[str | None, str | None, str, bool]:
    """(fee, fee note, what follows, amount unreliable)."""
    fee: str | None = None
    unreliable = False
    if m := _FREE.match(rest):
        fee, rest = "Miễn phí", rest[m.end():]
    elif m := _NO_INFO.match(rest):
        rest = rest[m.end():]
    elif m := _AMOUNT.match(rest):
        value = amount_value(m.group(1))
        currency = "USD" if m.group(2) == "USD" else "đồng"
        unreliable = currency == "đồng" and (value or 0) < _SMALLEST_REAL_FEE and value != 0
        fee = None if unreliable else ("Miễn phí" if value == 0 else f"{money(m.group(1))} {currency}")
        rest = rest[m.end():]
    elif _LABELLED.match(rest):
        return _labelled(rest)
    else:
        return None, None, rest, False
    fee_note, rest = _note(rest)
    return fee, fee_note, rest, unreliable


def _note(rest: str) -> tuple[str | None, str]:
    """The parenthesised note right after a fee, and what follows it."""
    stripped = rest.lstrip()
    if not stripped.startswith("("):
        return None, rest
    end = balanced_end(stripped, 0)
    return _clean_note(stripped[:end]), stripped[end:]


def _labelled(rest: str) -> tuple[str | None, str | None, str, bool]:
    """"Lệ phí : 20.000 Đồng (…); - Lệ phí : 50.000 Đồng (…)" → "Lệ phí 20.000 đồng; Lệ phí 50.000
    đồng", the notes joined."""
    parts, notes = [], []
    while m := _LABELLED.match(rest):
        if m.group(2):
            parts.append(f"{m.group(1)} {money(m.group(2))} đồng")
        note, rest = _note(rest[m.end():])
        if note:
            notes.append(note)
        sep = re.match(r"\s*[;,]?\s*-?\s*", rest)
        if sep and _LABELLED.match(rest[sep.end():]):
            rest = rest[sep.end():]
    return ("; ".join(parts) or None), ("; ".join(notes) or None), rest, False


def _clean_note(note: str) -> str | None:
    text = strip_outer_parens(note)
    text = re.sub(r"(?:Lệ phí|Phí)\s*:\s*(?:Đồng|đồng)\s*", "", text)  # "Phí : Đồng (…)": an empty amount
    text = re.sub(r"(Lệ phí|Phí)\s*:\s*(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:Đồng|đồng)",
                  lambda m: f"{m.group(1)} {money(m.group(2))} đồng", text)
    return one_line(strip_outer_parens(text))


def _per(unit: str | None) -> str:
    return "/" + unit.strip(" /").strip() if unit and unit.strip(" /") else ""


def _time_from_note(bare: str, note: str) -> str | None:
    """A unitless "5" confirmed by the row's own description: "05 ngày làm việc, kể từ…"."""
    for m in DURATION.finditer(note):
        if m.group("n") == bare or (m.group("n").isdigit() and bare.isdigit() and int(m.group("n")) == int(bare)):
            return duration(m.group("n"), m.group("unit"))
    return None
