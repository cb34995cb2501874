"""The portal's "Căn cứ pháp lý" table: each legal document's title and number.

Flattened: "Tên văn bản pháp lýMã văn bản" then rows `<title><number>` glued together:

    Luật Khiếu nại  năm 201102/2011/QH13Nghị định 05/2012/NĐ-CP05/2012/NĐ-CPQuy định …11/2015/TT-BCA

A number ("05/2012/NĐ-CP", "02/2011/QH13", "66.7/2025/NQ-CP") ends a row where the next title starts
glued to it (a letter, or a space and a capital); a number followed by the same number again is the
title's own mention of it. Titles that also spell the number out are kept as they are. Rows whose
boundary cannot be seen (the number column holding only "24/2024", a date glued to a number) may
stay joined; no row keeps the table header.
"""

from __future__ import annotations

import re
import unicodedata

from bot.catalog.model import LegalDoc
from bot.catalog.sections import LEGAL_HEADER
from bot.catalog.text import is_empty, one_line

_UPPER = "A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
# n/yyyy/AGENCY. A law's agency ends in QH and a two-digit term ("QH13"), so "QH1451/2019" is "QH14"
# and "51/2019"; a number never starts inside another number, except after a year ("năm 201102/2011").
_NUMBER = re.compile(
    r"(?:(?<!\d)|(?<=(?<!\d)\d{4})|(?<=QH\d{2}))"
    r"\d{1,4}(?:\.\d{1,2})?/\d{4}/(?:[A-ZĐ]+-)*(?:TTg|[A-ZĐ]*QH\d{2}|(?P<run>[A-ZĐ]+))"
)
# The agencies' last codes seen in the crawl: where a title glued on in capitals begins
# ("NĐ-CPQUY ĐỊNH…" is "NĐ-CP" + "QUY ĐỊNH…", "TT-BTCThông tư…" is "TT-BTC" + "Thông tư…").
AGENCIES = sorted((
    "CP", "BTC", "BNNMT", "BCA", "BTP", "NHNN", "BGTVT", "BNNPTNT", "BXD", "BTNMT", "UBTVQH", "BLĐTBXH",
    "BKHĐT", "UBND", "TT", "BYT", "NĐ", "BNG", "BVHTTDL", "BKHCN", "TTLT", "HĐND", "BNV", "VPCP", "BQP",
    "BCT", "QĐ", "NNMT", "BNN", "VKSNDTC", "CTN", "HĐTP", "BTTTT", "BCT", "BGDĐT", "BNV", "TANDTC",
), key=len, reverse=True)
# A number ending the table written loosely: no year, or a space after the hyphen.
_LOOSE_END = re.compile(r"(?<![\d/])\d{1,4}(?:/\d{4})?/(?:[A-ZĐ]+-\s?)+[A-ZĐ]+$")
_ONSETS = ("ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr")
_PREFIX = re.compile(r"(?:(?:Luật|Nghị định|Thông tư(?: liên tịch)?|Nghị quyết|Quyết định|Pháp lệnh|Lệnh|"
                     r"NĐ|TT)\s*)?(?:\b[Ss]ố:?\s*)?$")


def _numbers(body: str) -> list[tuple[int, int]]:
    """(start, end) of every document number, its agency code cut where a glued title begins."""
    spans = []
    for m in _NUMBER.finditer(body):
        end = m.end()
        run = m.group("run")
        if run:
            known = next((a for a in AGENCIES if run.startswith(a)), None)
            if known is not None:
                end = m.start("run") + len(known)
            elif len(run) > 1 and _starts_word(body[end - 1:end + 1]):
                end -= 1  # "…/NĐ-CXLuật": the L belongs to "Luật"
            elif len(run) == 1 and body[end:end + 1].islower() and body[m.start("run") - 1] == "-":
                end = m.start("run") - 1  # "166/2016/NĐ-CP-Quy định": the title goes on after a hyphen
        spans.append((m.start(), end))
    return spans


def _starts_word(pair: str) -> bool:
    """A capital then a small letter that can open a Vietnamese word ("Lu", "Th", "Ng", not "Ps")."""
    if len(pair) < 2 or not pair[1].islower():
        return False
    base = unicodedata.normalize("NFD", pair[1])[0]
    return base in "aeiouy" or pair.lower() in _ONSETS


def parse_legal(text: str) -> tuple[LegalDoc, ...] | None:
    body = text.strip()
    if body.startswith(LEGAL_HEADER):
        body = body[len(LEGAL_HEADER):]
    if is_empty(body):
        return None
    docs: list[LegalDoc] = []
    start = 0
    for begin, end in _numbers(body):
        number, after = body[begin:end], body[end:]
        if after.startswith(number) or not _row_ends(after):
            continue
        docs.append(_doc(body[start:begin], number))
        start = end
    tail = one_line(body[start:])
    if tail and (loose := _LOOSE_END.search(tail)):  # "…Luật Lâm nghiệp227/NĐ-CP", "…165/2024/NĐ- CP"
        docs.append(_doc(tail[:loose.start()], loose.group().replace(" ", "")))
    elif tail and (docs or _NUMBER.search(tail) is None):
        docs.append(LegalDoc(title=tail))  # a last title without a number we could find
    kept: list[LegalDoc] = []
    for doc in docs:  # a number column repeated as its own row ("50/2025/TT-NHNNsố 50/2025/TT-NHNN")
        if kept and doc.number == kept[-1].number and doc.title.endswith(doc.number or "\0"):
            continue
        kept.append(doc)
    return tuple(dict.fromkeys(kept)) or None  # the portal repeats some rows


def _row_ends(after: str) -> bool:
    """After a number: the end, or the next title glued on (a letter or digit), or after a space a
    capital letter; not a title's own "05/2012/NĐ-CP ngày …", "-Quy định" or ")."."""
    if not after.strip():
        return True
    first = after[0]
    if first.isalnum():
        return True
    return first in " \t\n" and bool(re.match(rf"\s+[{_UPPER}]", after))


def _doc(title: str, number: str) -> LegalDoc:
    cleaned = one_line(title) or ""
    trimmed = _PREFIX.sub("", cleaned).strip(" -–:;,")
    if not trimmed:  # the row was only "Luật số" + the number: let the number name it
        return LegalDoc(title=f"{cleaned} {number}".strip() if cleaned else number, number=number)
    return LegalDoc(title=trimmed, number=number)
