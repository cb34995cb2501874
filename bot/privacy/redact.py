"""Take personal data out of free Vietnamese text before it reaches a log line or a report.

Decree 13/2023/NĐ-CP treats phone numbers, ID numbers and names as personal data: logs and the
staff report must not keep them. `redact` replaces them with a placeholder and leaves the rest of
the message readable, so staff still see what was asked.

It runs on every log line and stored message, so cheap pre-checks skip the scans a text cannot
need (most need none). Emails go first (their digits are not a phone), names last. Numbers are one
compiled alternation scanned left to right; its order matters where two kinds could start at the
same place: application code, then dates (matched only to be kept, so "03-12-2025 14" is never read
as a phone), BHYT card, phone, ID number. Only ASCII digits count ([0-9], not \\d), so exotic
Unicode digits change nothing.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

PHONE = "[SĐT]"
ID_NUMBER = "[SỐ GIẤY TỜ]"
CASE_CODE = "[MÃ HỒ SƠ]"
EMAIL = "[EMAIL]"
NAME = "[TÊN]"
PLACEHOLDERS = (PHONE, ID_NUMBER, CASE_CODE, EMAIL, NAME)


def _upper_letters() -> str:
    """Every capital Latin letter Vietnamese and minority-language names use (A–Z, Đ, Ư, Ạ…Ỹ…)."""
    chars = (chr(c) for r in ((0x41, 0x5A), (0xC0, 0x24F), (0x1E00, 0x1EFF)) for c in range(r[0], r[1] + 1))
    return "".join(ch for ch in chars if ch.isupper())


_UP = "[" + re.escape(_upper_letters()) + "]"
_SEP = r"[ .\-]?"  # one optional separator between phone digits: 0912 345 678, 0912.345.678, 0912-345-678

_EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
# Mã hồ sơ: agency code (dotted, letters and digits), then -YYMMDD-sequence, e.g. H12.22-251103-0042,
# 000.00.21.H12-251104-0007; people type spaces around the dashes (up to two, which the
# _HAS_LONG_NUMBER pre-check below allows for).
_CASE_CODE = (
    r"(?<![A-Za-z0-9.])[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*"  # agency
    r"\s{0,2}-\s{0,2}[0-9]{6}\s{0,2}-\s{0,2}[0-9]{3,6}(?![0-9])"  # -YYMMDD-sequence
)
# Dates stay: 12/03/2025, 1.3.25, 2025-03-12 (real days, months and years only, so a phone written
# "09.12.34 56 78" is not taken for a date). A 2-digit year followed by more digits is no date.
_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:19|20)[0-9]{2}"
_DATE = (
    r"(?<![0-9])(?:"
    + _DAY + r"(?P<dsep>[/.\-])" + _MONTH + r"(?P=dsep)" + _YEAR + r"(?![0-9]|[/.\-][0-9])"
    + r"|" + _DAY + r"(?P<ssep>[/.\-])" + _MONTH + r"(?P=ssep)[0-9]{2}(?![0-9]|[\s/.\-]{1,2}[0-9])"
    + r"|" + _YEAR + r"(?P<isep>[/.\-])" + _MONTH + r"(?P=isep)" + _DAY + r"(?![0-9]|[/.\-][0-9])"
    + r")"
)
# Thẻ BHYT: 2 letters (object code), benefit level, province, 10 digits: DN4010123456789, GD 4 01 0123456789.
_BHYT = r"\b[A-Za-z]{2} ?[0-9] ?[0-9]{2} ?[0-9]{10}(?![0-9])"
_PHONE = (
    r"(?<![0-9])(?:"
    r"\+?84" + _SEP + r"(?:\(0\)" + _SEP + r")?[1-9](?:" + _SEP + r"[0-9]){8,9}"  # +84 912 345 678
    r"|\(?02[0-9]\)?" + _SEP + r"[0-9](?:" + _SEP + r"[0-9]){7}"  # landline: (024) 3825 1234
    r"|\(?0[0-9](?:" + _SEP + r"[0-9]){8}"  # any 10-digit number starting with 0
    r")(?![0-9])"
)
# CCCD (12 digits) and CMND (9 digits), whole or in groups of 3 or 4 separated by spaces; never an
# amount of money ("500 000 000 đồng").
_MONEY_AFTER = r"(?!\s*(?:đồng|dong|vnđ|vnd|đ|d|k|nghìn|ngàn|ngan|nghin|triệu|trieu|tỷ|ty)(?!\w))"
_ID = (
    r"(?<![0-9])(?:[0-9]{12}|[0-9]{3}(?: [0-9]{3}){3}|[0-9]{4}(?: [0-9]{4}){2}|[0-9]{9}|[0-9]{3}(?: [0-9]{3}){2})"
    r"(?![0-9])" + _MONEY_AFTER
)
# A name right after an introduction, with or without diacritics: "tên tôi là", "tôi tên (là)",
# "con tôi tên", "họ và tên:", "tôi là". Only capitalised words are taken ("H'Hen Niê", "Y'Bih"),
# so "tôi tên là gì" or "tôi là người dân" stay as they are.
_WHO = (
    r"(?:t[oô]i|em|m[iì]nh|ch[aá]u|con(?: t[oô]i| em| m[iì]nh)?"
    r"|b[oố] t[oô]i|m[eẹ] t[oô]i|v[oợ] t[oô]i|ch[oồ]ng t[oô]i)"
)
_INTRO = (
    r"(?i:\b(?:"
    r"t[eê]n(?: " + _WHO + r")?(?: l[aà]|(?=\s*:))"  # tên tôi là, tên là, tên:
    r"|h[oọ](?: v[aà])? t[eê]n(?: l[aà])?"  # họ tên, họ và tên
    r"|" + _WHO + r" t[eê]n(?: l[aà])?"  # tôi tên là, con tôi tên
    r"|t[oô]i l[aà]"  # tôi là
    r"))"
)
_NAME_WORD = _UP + r"\w*(?:['’]\w+)*"
_NAME = _INTRO + r"(?:\s*:\s*|\s+)(?P<name>" + _NAME_WORD + r"(?:[ \t]+" + _NAME_WORD + r"){0,5})"

_DIGITS = re.compile(
    "|".join(
        f"(?P<{group}>{pattern})"
        for group, pattern in (
            ("code", _CASE_CODE), ("date", _DATE), ("bhyt", _BHYT), ("phone", _PHONE), ("id", _ID),
        )
    )
)
_EMAILS = re.compile(_EMAIL)
_NAMES = re.compile(_NAME)
_REPLACEMENT = {"code": CASE_CODE, "bhyt": ID_NUMBER, "phone": PHONE, "id": ID_NUMBER}

# Cheap checks (their patterns start with a character class, which the regex engine skips to
# quickly) decide which scans a text needs; most messages need none. Every phone, ID, BHYT number
# and application code has 9 or more digits with at most a few separators between them, while
# money, dates and counts have fewer.
_HAS_LONG_NUMBER = re.compile(r"[0-9](?:[\s.\-()]{0,5}[0-9]){8}")
_HAS_INTRO = re.compile(r"(?i:t[eê]n|t[oô]i l[aà])")


def _replace_number(match: re.Match[str]) -> str:
    kind = match.lastgroup
    return match.group() if kind == "date" else _REPLACEMENT[kind]  # type: ignore[index]


def _sub_numbers(text: str, first: int) -> str:
    """Scan from the word a little before the first long number: nothing earlier can match (a
    match is one word, or a few short ones, around its digits: "+84 (0) 912…", "GD 4 01 …",
    "H12.22 - 251103 - 0042"). Cutting right after a space changes no lookbehind: to each of
    them a space and the start of the text look the same."""
    cut = text.rfind(" ", 0, max(0, first - 8)) + 1
    return text[:cut] + _DIGITS.sub(_replace_number, text[cut:]) if cut else _DIGITS.sub(_replace_number, text)


def _replace_name(match: re.Match[str]) -> str:  # keep the introduction, replace only the name
    return match.group()[: match.start("name") - match.start()] + NAME


def _pass(text: str) -> str:
    # Emails first: their digits are not a phone. Names last: a name word may hold a phone.
    if "@" in text:
        text = _EMAILS.sub(EMAIL, text)
    if long_number := _HAS_LONG_NUMBER.search(text):
        text = _sub_numbers(text, long_number.start())
    if _HAS_INTRO.search(text):
        text = _NAMES.sub(_replace_name, text)
    return text


def redact(text: str) -> str:
    """`text` with phones, ID/BHYT numbers, application codes, emails and introduced names replaced."""
    if not text:
        return text
    if not unicodedata.is_normalized("NFC", text):  # decomposed input (some keyboards) would slip past
        text = unicodedata.normalize("NFC", text)
    # Again until nothing changes: a placeholder can free a neighbour a lookbehind had blocked
    # ("0912345678H12.22-251103-0042"). Placeholders match nothing and each pass removes digits or
    # names, so this ends; usually the second pass finds nothing.
    while (redacted := _pass(text)) != text:
        text = redacted
    return text


class RedactingFilter(logging.Filter):
    """Redacts a record's final message once (msg % args), so every handler writes the same text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_caunoi_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let logging report it as usual
            return True
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:  # exception messages can quote user text too
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._caunoi_redacted = True
        return True


def install_log_redaction(
    logger_names: Iterable[str] = ("", "rasa", "bot", "sanic", "aiohttp"),
) -> RedactingFilter:
    """Add one shared RedactingFilter to these loggers and all their handlers (call it after logging
    is configured: a handler added later has no filter). Safe to call twice."""
    existing = [
        f
        for name in logger_names
        for holder in (logging.getLogger(name), *logging.getLogger(name).handlers)
        for f in holder.filters
        if isinstance(f, RedactingFilter)
    ]
    flt = existing[0] if existing else RedactingFilter()
    for name in logger_names:
        logger = logging.getLogger(name)
        for holder in (logger, *logger.handlers):
            if not any(isinstance(f, RedactingFilter) for f in holder.filters):
                holder.addFilter(flt)
    return flt


def redact_every_log_record() -> None:
    """Redact each log record as it is made, whatever logger or handler it goes to (also handlers that
    libraries add later, which `install_log_redaction` cannot see). Safe to call twice."""
    make = logging.getLogRecordFactory()
    if getattr(make, "_caunoi_redacting", False):
        return
    redactor = RedactingFilter()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        redactor.filter(record)
        return record

    factory._caunoi_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
