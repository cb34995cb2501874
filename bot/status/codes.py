"""Application codes (mã hồ sơ), as the one-stop system prints them on the appointment slip.

Canonical form: ``AGENCY-YYMMDD-SEQ``, e.g. ``H12.22-251103-0042`` or ``000.00.21.H12-251104-0007``:

    code    := agency DASH date DASH seq
    agency  := segment (DOT segment){1,3}      2 to 4 segments; the first or the last holds letters
    segment := [A-Z]{0,2} [0-9]{1,3}           "H12", "22", "000", "G01"
    date    := YYMMDD                          the day the file was received (month 01-12, day 01-31)
    seq     := [0-9]{4,6}                      the number of the file that day

What people type is looser, and all of it is accepted: any case; spaces around the dots and dashes;
spaces instead of the dots or instead of the dashes; en/em dashes. So "ma ho so h12.22 - 251103 - 0042"
and "h12 22 251103 0042" both give ``H12.22-251103-0042``.

Not codes: phone numbers, dates and 12-digit ID numbers. They have no lettered agency segment, and a
segment has at most 3 digits, so "0912 345 678", "03-11-2025" and "001234567890" never match. Numbers
typed just before a code ("2 h12.22-...") are dropped when the agency would not start or end with its
lettered segment, or would have more than 4 segments.
"""

from __future__ import annotations

import re

_SEGMENT = r"[A-Z]{0,2}[0-9]{1,3}"
_DOT = r"(?:[ \t]*\.[ \t]*|[ \t]+)"
_DASH = r"(?:[ \t]*[-–—][ \t]*|[ \t]+)"
# Up to 8 agency segments are taken, then trimmed from the left: a sentence's numbers may precede the code.
_CODE = re.compile(
    rf"(?<![\w.])(?P<agency>{_SEGMENT}(?:{_DOT}{_SEGMENT}){{1,7}})"
    rf"{_DASH}(?P<date>[0-9]{{6}}){_DASH}(?P<seq>[0-9]{{4,6}})(?![\w])",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"[ \t]*\.[ \t]*|[ \t]+")
_MAX_SEGMENTS = 4


def _has_letter(segment: str) -> bool:
    return not segment.isdigit()


def _agency(text: str) -> str | None:
    segments = [s.upper() for s in _SPLIT.split(text.strip()) if s]
    while len(segments) >= 2:
        if len(segments) <= _MAX_SEGMENTS and (_has_letter(segments[0]) or _has_letter(segments[-1])):
            return ".".join(segments)
        segments = segments[1:]
    return None


def _valid_date(yymmdd: str) -> bool:
    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    return 1 <= month <= 12 and 1 <= day <= 31


def _canonical(match: re.Match[str]) -> str | None:
    agency = _agency(match.group("agency"))
    if agency is None or not _valid_date(match.group("date")):
        return None
    return f"{agency}-{match.group('date')}-{match.group('seq')}"


def find_codes(text: str) -> list[str]:
    """Every application code in a free sentence, canonical and in order, without repeats."""
    if not isinstance(text, str):
        return []
    found: list[str] = []
    for match in _CODE.finditer(text):
        code = _canonical(match)
        if code is not None and code not in found:
            found.append(code)
    return found


def normalize_code(value: str) -> str | None:
    """The canonical form of a value that is one code and nothing else; None otherwise."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    match = _CODE.fullmatch(value)
    if match is None:
        return None
    code = _canonical(match)
    # A trimmed agency means the value held more than the code ("12 H12.22-..."): not one code.
    if code is None or len(code.split("-")[0].split(".")) != len(_SPLIT.split(match.group("agency").strip())):
        return None
    return code
