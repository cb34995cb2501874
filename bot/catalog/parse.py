"""One national-portal record (the crawl's JSON) → a CatalogRecord of citizen-facing fields.

Each flattened table has its own parser (channels, documents, legal); the free-text sections are
cleaned here. Whatever cannot be read becomes None, never the portal's raw table text.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from bot.catalog.channels import parse_channels
from bot.catalog.documents import parse_documents
from bot.catalog.legal import parse_legal
from bot.catalog.model import CatalogRecord
from bot.catalog.sections import page_code, split_sections
from bot.catalog.text import is_empty, one_line, paragraphs


class RecordError(ValueError):
    """A record that cannot be imported at all (no code or no name)."""


def parse_record(raw: dict[str, Any], ministry: str = "", crawled: str = "") -> CatalogRecord:
    if not isinstance(raw, dict):
        raise RecordError("not a JSON object")
    # Some pages are in decomposed Unicode (NFD): compared as typed, "Trường hợp" would not match.
    raw = {key: unicodedata.normalize("NFC", value) if isinstance(value, str) else value for key, value in raw.items()}
    code = page_code(raw) or one_line(_text(raw, "ma_thu_tuc"))
    name = one_line(_text(raw, "ten_thu_tuc"))
    if not code:
        raise RecordError("no code (ma_thu_tuc)")
    if not name:
        raise RecordError("no name (ten_thu_tuc)")
    sections = split_sections(raw)
    return CatalogRecord(
        code=code,
        name=name,
        url=one_line(_text(raw, "detail_url")) or "",
        levels=_list(_text(raw, "cap_thuc_hien")),
        field=one_line(_text(raw, "linh_vuc")),
        applicants=applicants(_text(raw, "doi_tuong_thuc_hien")),
        authority=one_line(sections.authority),
        competent=one_line(_text(raw, "co_quan_co_tham_quyen")),
        where=paragraphs(_text(raw, "dia_chi_tiep_nhan")),
        documents=parse_documents(sections.documents),
        channels=parse_channels(sections.channels),
        steps=steps(sections.steps),
        conditions=conditions(sections.conditions),
        results=results(sections.result),
        legal_basis=parse_legal(sections.legal),
        ministries=(ministry,) if ministry else (),
        crawled=crawled,
    )


def _text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    return value if isinstance(value, str) else ""


def _list(text: str) -> tuple[str, ...]:
    return tuple(part for part in (one_line(p) for p in text.split(",")) if part)


def applicants(text: str) -> tuple[str, ...]:
    """"Tổ chức (không bao gồm doanh nghiệp, HTX), Cán bộ, công chức, viên chức" → two groups: commas
    inside parentheses do not split, and a part in lower case goes on the one before."""
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    groups: list[str] = []
    for part in (one_line(p) for p in parts):
        if not part:
            continue
        if groups and part[0].islower():
            groups[-1] = f"{groups[-1]}, {part}"
        else:
            groups.append(part)
    return tuple(groups)


_STEP = re.compile(r"(?:Bước|bước|BƯỚC)\s*(\d{1,2})\s*[:.)\-–]?\s*")
_BULLET_BEFORE = re.compile(r"(?:[-+*•]|\(?[a-zđ]\))\s*$")


def steps(text: str) -> tuple[str, ...] | None:
    """The steps, one per item: split at "Bước 1", "Bước 2", … when the text numbers them in order,
    else one item per paragraph."""
    body = paragraphs(text)
    if body is None:
        return None
    marks = []
    for m in _STEP.finditer(body):
        start = m.start()
        if start and not body[start - 1].isspace() and body[start - 1] not in ".;:":
            continue  # "…theo bước 2" inside a sentence does not start a step
        if marks and int(m.group(1)) != int(marks[-1][2]) + 1:
            continue
        if not marks and m.group(1) != "1":
            continue
        bullet = _BULLET_BEFORE.search(body, max(0, start - 4), start)
        marks.append((bullet.start() if bullet else start, m.end(), m.group(1)))
    if len(marks) >= 2:
        preface = one_line(body[:marks[0][0]])
        ends = [start for start, _, _ in marks[1:]] + [len(body)]
        items = [body[end:stop] for (_, end, _), stop in zip(marks, ends, strict=True)]
        found = [f"Bước {i + 1}: {s}" for i, s in enumerate(_clean_items(items))]
        return tuple(([preface] if preface else []) + found) or None
    return tuple(_clean_items(body.split("\n"))) or None


def _clean_items(items: list[str]) -> list[str]:
    cleaned = []
    for item in items:
        text = paragraphs(item)
        if text:
            cleaned.append(text.replace("\n", " ").strip(" -+*•;"))
    return [c for c in cleaned if c]


_RESULT_CODE = re.compile(r"\s*Mã\s*:\s*[A-Z0-9]+(?:[.\-][A-Z0-9]*\d)*")  # "Mã: KQ.G01.000075"
_RESULT_END = re.compile(r"Từ khóa|Chọn cơ quan thực hiện")


def results(text: str) -> tuple[str, ...] | None:
    """"Giấy phép…Mã: KQ.G01.000075Biển số…Mã: KQ.G01.000013Từ khóa…" → ("Giấy phép…", "Biển số…")."""
    end = _RESULT_END.search(text)
    body = text[:end.start()] if end else text
    names = [one_line(part) for part in _RESULT_CODE.split(body)]
    found = tuple(dict.fromkeys(n.strip(" ;.") for n in names if n and not is_empty(n)))
    return found or None


def conditions(text: str) -> str | None:
    body = re.sub(r"\s*Từ khóa\s*:?\s*$", "", text.strip())
    return paragraphs(body)
