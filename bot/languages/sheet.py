"""The translation spreadsheet a digital team fills in: `caunoi lang export` and `caunoi lang import`.

One row per translatable text, columns `key`, `vi` (the Vietnamese it translates), `text`, `status`
(draft / approved / rejected), `translator`, `reviewer`, and a `note` the export writes for the team (a stale
translation, a core text). On import each row is checked alone: a row approved without a reviewer,
or reviewed by its own translator, is refused with its row number, the others are saved. The hash
kept is that of the `vi` the translator saw: a row whose Vietnamese changed since the export is saved
but stays stale, so it is not served until it is looked at again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from bot.languages.pack import LanguagePack, entry_data, is_served, parse_entry, read_pack_file
from bot.languages.texts import source_hash
from bot.runtime.files import write_atomically

COLUMNS = ("key", "vi", "text", "status", "translator", "reviewer", "note")
REQUIRED = COLUMNS[:6]
WIDTHS = {"key": 28, "vi": 60, "text": 60, "status": 10, "translator": 18, "reviewer": 18, "note": 30}
STALE_NOTE = "tiếng Việt đã đổi: dịch lại rồi duyệt lại"
CORE_NOTE = "bắt buộc trước khi mở ngôn ngữ"


def export_sheet(pack: LanguagePack, texts: dict[str, str], core: Iterable[str], path: Path) -> int:
    """Write every text of `texts` (sheet key → Vietnamese), with what the pack already has. Returns rows."""
    core = set(core)
    book = Workbook()
    sheet = book.active
    sheet.title = pack.code
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for key, vi in texts.items():
        entry = pack.entry(key)
        notes = []
        if entry is not None and entry.source_hash != source_hash(vi):
            notes.append(STALE_NOTE)
        if key in core and not is_served(pack, key, vi):
            notes.append(CORE_NOTE)
        sheet.append([key, vi, entry.text if entry else None, entry.status if entry else None,
                      entry.translator if entry else None, entry.reviewer if entry else None,
                      "; ".join(notes) or None])
    for i, name in enumerate(COLUMNS, 1):
        sheet.column_dimensions[chr(64 + i)].width = WIDTHS[name]
    for row in sheet.iter_rows(min_row=2):
        for cell in row[1:3]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    book.save(path)
    return len(texts)


@dataclass
class ImportResult:
    code: str
    saved: int = 0
    stale: list[str] = field(default_factory=list)  # rows saved whose Vietnamese changed since export
    errors: list[str] = field(default_factory=list)  # "row 12 (greet): what is wrong"


class SheetError(ValueError):
    """The file is no translation sheet (not XLSX, no header): nothing is imported."""


def read_rows(path: Path) -> tuple[str, list[tuple[int, dict[str, Any]]]]:
    """The sheet's language code (its title) and its rows by number, as {column: value}."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise SheetError(f"{path}: not an XLSX file ({exc})") from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip().lower() if c is not None else "" for c in next(rows, ())]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SheetError(f"{path}: row 1 must name the columns {', '.join(REQUIRED)} (missing: {', '.join(missing)})")
    found = []
    for number, values in enumerate(rows, 2):
        row = {name: values[i] if i < len(values) else None for i, name in enumerate(header) if name}
        if any(v not in (None, "") for v in row.values()):
            found.append((number, row))
    book.close()
    return sheet.title.strip(), found


def import_sheet(path: Path, pack: LanguagePack, texts: dict[str, str]) -> ImportResult:
    """Save the sheet's translated rows into the pack's files; each bad row is refused alone."""
    _, rows = read_rows(path)
    result = ImportResult(pack.code)
    phrases = _read(pack.folder / "phrases.yml")
    procedures: dict[str, dict[str, Any]] = {}
    for number, row in rows:
        key = _cell(row.get("key"))
        where = f"row {number}" + (f" ({key})" if key else "")
        if not key:
            result.errors.append(f"{where}: key: empty")
            continue
        if key not in texts:
            result.errors.append(f"{where}: key: unknown (the export lists every key; was it renamed?)")
            continue
        if not _cell(row.get("text")):
            continue  # not translated yet
        seen_vi = _cell(row.get("vi")) or texts[key]
        raw = {"text": _cell(row.get("text")), "status": (_cell(row.get("status")) or "draft").lower(),
               "translator": _cell(row.get("translator")), "reviewer": _cell(row.get("reviewer")),
               "source_hash": source_hash(seen_vi)}
        try:
            entry = parse_entry(key.partition(":")[2] if ":" in key else key, raw, check_placeholders=":" not in key)
        except ValueError as exc:
            field_name, _, message = str(exc).partition(": ")
            result.errors.append(f"{where}: {field_name.rsplit('.', 1)[-1]}: {message}")
            continue
        if source_hash(seen_vi) != source_hash(texts[key]):
            result.stale.append(f"{where}: the Vietnamese changed since the export; saved, not served until "
                                "translated again from the new text")
        if ":" in key:
            pid, _, field_key = key.partition(":")
            if pid not in procedures:
                procedures[pid] = _read(pack.folder / "procedures" / f"{pid}.yml")
            procedures[pid][field_key] = entry_data(entry)
        else:
            phrases[key] = entry_data(entry)
        result.saved += 1
    order = {key: i for i, key in enumerate(texts)}
    _write(pack.folder / "phrases.yml", phrases, lambda k: order.get(k, len(order)))
    for pid, entries in procedures.items():
        _write(pack.folder / "procedures" / f"{pid}.yml", entries, lambda k, p=pid: order.get(f"{p}:{k}", len(order)))
    return result


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _read(path: Path) -> dict[str, Any]:
    """What a pack file holds, to add the sheet's rows to; ValueError naming a file that cannot be read,
    before anything is written (a broken file is never overwritten with only the sheet's rows)."""
    return read_pack_file(path) if path.exists() else {}


def _write(path: Path, entries: dict[str, Any], rank: Any) -> None:
    ordered = {key: entries[key] for key in sorted(entries, key=rank)}
    write_atomically(path, yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100).encode("utf-8"))
