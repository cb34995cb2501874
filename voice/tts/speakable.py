"""Answers are written for a phone screen; `speakable` rewrites one for the ear.

What a screen needs and a listener does not: emoji (👉), arrows (↳), bullets, list numbers, URLs,
dashes used as separators, "đồng/lần". What a listener needs and a screen does not: pauses where
the screen had line breaks, dates and ranges said in words ("từ ngày 1 tháng 7 năm 2025",
"7 giờ 30 đến 11 giờ 30"), phone numbers digit by digit, and abbreviations said in full (espeak-ng
reads "UBND" as one English word). Letters and the digits of fees and dates are never dropped.

The result is part of the speech cache key, so it is deterministic, and idempotent
(`speakable(speakable(t)) == speakable(t)`): callers may pass raw or already speakable text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Said in full: shorter to read, but heard as noise ("u-bê-en-đê", or an English word for espeak-ng).
ABBREVIATIONS = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "CCCD": "căn cước công dân",
}
# Sites a listener can be told by name; any other address is just "trang web".
KNOWN_SITES = {"dichvucong.gov.vn": "trang web Dịch vụ công quốc gia"}
ORDINALS = ("nhất", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười")

_URL = re.compile(
    r"(?:https?://|www\.)[^\s()<>]+"  # with a scheme or www.
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:vn|com|net|org|gov|edu|info)\b(?:/[^\s()<>]*)?",  # bare domain
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[•◦▪▫●○■□►▸‣⁃∙·*↳→⇒➜➤>-]+\s*)+")
_LIST_NUMBER = re.compile(r"^(\d{1,2})[.)]\s+(?=\S)")
_DATE = re.compile(r"(?<![\d/])(ngày\s+)?(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)(?![\d/])", re.IGNORECASE)
# m/yyyy, but not a legal document's number ("Nghị định 63/2024", "Thông tư 01/2024/TT-BTC").
_MONTH = re.compile(r"(?<![\d/])(tháng\s+)?(\d{1,2})/((?:19|20)\d\d)(?![\d/])", re.IGNORECASE)
_LEGAL_BEFORE = re.compile(r"(?:thông tư|nghị định|quyết định|nghị quyết|luật|công văn|số)\s*$", re.IGNORECASE)
_PER_UNIT = re.compile(r"(?<![^\W\d_])(đồng|đ|VNĐ|VND)((?:/[^\W\d_]+)+)", re.IGNORECASE)
_WORD_SLASH_WORD = re.compile(r"(?<=[^\W\d_])/(?=[^\W\d_])")
# A range between numbers ("7 giờ 30 – 11 giờ 30"), but not "(mẫu số 01) – 1 bản chính".
_RANGE = re.compile(r"(?<=\d)\s*[–—]\s*(?=\d+\b(?!\s*(?:bản|bộ|tờ|cái|quyển)\b))")
_DASH = re.compile(r"\s+[-–—]\s+|[–—]")
_PHONE = re.compile(r"(?<![\d.,])0\d{2,3}(?:[ .]\d{3}){2}(?![\d.,]\d)|(?<![\d.,])0\d{9,10}(?![\d.,]\d)")
_KEEP_PUNCT = set(".,;:!?()%/'-–—…&")
_VARIATION = re.compile(r"[\ufe0e\ufe0f\u200b-\u200f\u2060]")


def _ordinal(match: re.Match[str]) -> str:
    n = int(match.group(1))
    return f"Thứ {ORDINALS[n - 1]}, " if 1 <= n <= len(ORDINALS) else f"Thứ {n}, "


def _url(match: re.Match[str]) -> str:
    address = match.group(0).rstrip(".,;:")
    trailing = match.group(0)[len(address):]
    bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", address, flags=re.IGNORECASE).rstrip("/").lower()
    host = bare.split("/", 1)[0]  # a page of a known site is said as the site: its path means nothing aloud
    return KNOWN_SITES.get(bare, KNOWN_SITES.get(host, "trang web")) + trailing


def _date(match: re.Match[str]) -> str:
    day, month, year = int(match.group(2)), int(match.group(3)), match.group(4)
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return match.group(0)
    return f"{match.group(1) or 'ngày '}{day} tháng {month} năm {year}"


def _month(match: re.Match[str]) -> str:
    month, year = int(match.group(2)), match.group(3)
    if not 1 <= month <= 12 or _LEGAL_BEFORE.search(match.string, 0, match.start()):
        return match.group(0)
    return f"{match.group(1) or 'tháng '}{month} năm {year}"


def _phone(match: re.Match[str]) -> str:
    groups = re.split(r"[ .]", match.group(0)) if re.search(r"[ .]", match.group(0)) else [match.group(0)]
    return ", ".join(" ".join(group) for group in groups)


def _keep(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in "LNMZ" or ch in _KEEP_PUNCT or ch == "\n"


def _line(line: str) -> str:
    line = _BULLET.sub("", line)
    line = _LIST_NUMBER.sub(_ordinal, line)
    line = line.strip().rstrip(",;").rstrip()
    if line and line[-1] not in ".!?:":
        line += "."  # a line break on screen is a pause for the ear
    return line


def _abbreviations(text: str) -> str:
    for short, full in ABBREVIATIONS.items():
        # "bảo hiểm y tế (BHYT)" must not become "bảo hiểm y tế (bảo hiểm y tế)".
        text = re.sub(rf"({re.escape(full)})\s*\(\s*{short}\s*\)", r"\1", text, flags=re.IGNORECASE)
        text = re.sub(rf"(?<![\w-]){short}(?![\w-])", full, text)
    return text


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\(\s*[,.;:]*\s*\)", "", text)  # brackets emptied by a dropped URL or emoji
    text = re.sub(r"\(\s*[,;:]+\s*", "(", text)
    text = re.sub(r"\s*[,;:]+\s*\)", ")", text)
    text = re.sub(r"\s+([.,;:!?)])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)  # ", ," → ","
    text = re.sub(r"[,;:]+\s*([.!?])", r"\1", text)  # ",." → "."
    text = re.sub(r"([.!?])(?:\s*[.,;:])+", r"\1", text)  # ".," → "."
    text = re.sub(r"([.,;:!?)])(?=[^\W\d_])", r"\1 ", text)
    text = re.sub(r"\s+", " ", text).lstrip(" ,;:.!?").rstrip(" ,;:")
    return text + "." if text and text[-1] not in ".!?" else text


@lru_cache(maxsize=2048)  # pure, and asked again for every cache lookup of the same answer
def speakable(text: str) -> str:
    said = _once(text)
    for _ in range(3):  # idempotent by construction: a clean-up can leave text another pass would change
        again = _once(said)
        if again == said:
            break
        said = again
    return said


def _once(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _VARIATION.sub("", text)
    text = re.sub(r"\(\s*(?:" + _URL.pattern + r")\s*\)", "", text, flags=re.IGNORECASE)  # "(dichvucong.gov.vn)"
    text = _URL.sub(_url, text)
    text = "".join(ch if _keep(ch) else " " for ch in text)  # emoji, arrows, quotes, decorative symbols
    text = " ".join(_line(line) for line in text.splitlines())
    text = _DATE.sub(_date, text)
    text = _MONTH.sub(_month, text)
    text = _PER_UNIT.sub(lambda m: m.group(1) + m.group(2).replace("/", " mỗi "), text)
    text = _WORD_SLASH_WORD.sub(" hoặc ", text)  # "vợ/chồng"
    text = _RANGE.sub(" đến ", text)
    text = _DASH.sub(", ", text)
    text = re.sub(r"…|\.{3,}", ", ", text)
    text = text.replace("&", " và ")
    text = _PHONE.sub(_phone, text)
    text = _abbreviations(text)
    # A bare number ending the first line would read as a list number next time: keep it idempotent.
    return re.sub(r"^(\d{1,2})[.)](?=\s)", r"\1,", _tidy(text))
