"""Import a commune's export of application files (CSV or XLSX) into the status store.

Default columns (any case, any order; others are ignored):

    ma_ho_so, thu_tuc, ho_ten, so_dien_thoai, ngay_nhan, ngay_hen_tra, trang_thai, ghi_chu

Other exports name them differently: a mapping {our name: the file's header} says which is which. The
header may sit below a title: the first row holding every required column is the header.

A bad row is skipped with its line number and a plain reason; good rows still load. A missing column
stops the import (`StatusImportError`): every row would be wrong. `RowChecker` is the one validation of
a row, also used by the HTTP API.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.status.codes import normalize_code
from bot.status.phone import phone_digits
from bot.status.stages import fold, parse_stage
from bot.status.store import ApplicationRecord, StatusStore

COLUMNS = ("ma_ho_so", "thu_tuc", "ho_ten", "so_dien_thoai", "ngay_nhan", "ngay_hen_tra", "trang_thai", "ghi_chu")
REQUIRED = ("ma_ho_so", "thu_tuc", "so_dien_thoai", "ngay_nhan", "trang_thai")
HEADER_SEARCH_ROWS = 20  # title lines above the header in some exports
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


class StatusImportError(ValueError):
    """The file cannot be imported at all (unreadable, a column missing)."""


@dataclass(frozen=True)
class Rejection:
    line: int  # 1-based line (row) of the file, the header being line 1; a list index for the API
    reason: str


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)


# -- one row --------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text: numbers without a trailing ".0", None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def parse_date(value: Any) -> date | None:
    """A date cell or dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd, dd-mm-yyyy, dd.mm.yyyy (a time after it is ignored)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = re.split(r"[ T]", value.strip(), maxsplit=1)[0]
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _phone(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        # A phone stored as a number has lost its leading 0 (phone_digits puts it back).
        if isinstance(value, float) and not value.is_integer():
            return None
        value = str(int(value))
    return phone_digits(value) if isinstance(value, str) else None


def procedure_names(kb: Any) -> dict[str, str]:
    """Other names of each knowledge-base procedure in exports: national codes, full and short names."""
    names: dict[str, str] = {}
    for pid, p in kb.procedures.items():
        for name in (p.code, *p.related_codes, p.name, p.short_name):
            if name:
                names.setdefault(str(name), pid)
    return names


class RowChecker:
    """Turns rows (dicts keyed by our column names) into records, or the reason they are refused.

    `kb_ids` are the procedures we know; `names` maps other ways of naming them (national code, name;
    compared without case or diacritics) to an id. Remembers codes seen, to refuse a repeated one.
    """

    def __init__(self, kb_ids: Collection[str], names: Mapping[str, str] | None = None) -> None:
        self._ids = {pid.lower(): pid for pid in kb_ids}
        self._names = {fold(k): v for k, v in (names or {}).items() if v in kb_ids}
        self._seen: dict[str, str] = {}

    def procedure(self, value: Any) -> str | None:
        text = _text(value)
        return self._ids.get(text.lower()) or self._names.get(fold(text))

    def check(self, row: Mapping[str, Any], where: str) -> ApplicationRecord | str:
        """`where` names the row for the duplicate message ("line 4", "index 2")."""
        raw_code = _text(row.get("ma_ho_so"))
        if not raw_code:
            return "missing application code (ma_ho_so)"
        code = normalize_code(raw_code)
        if code is None:
            return f"bad application code {raw_code!r}"
        if code in self._seen:
            return f"duplicate code {code} (first on {self._seen[code]})"
        procedure = _text(row.get("thu_tuc"))
        procedure_id = self.procedure(procedure)
        if procedure_id is None:
            return f"unknown procedure {procedure!r}" if procedure else "missing procedure (thu_tuc)"
        phone_raw = row.get("so_dien_thoai")
        phone = _phone(phone_raw)
        if phone is None:
            shown = _text(phone_raw)
            # The count, not the number: a mistyped phone is still someone's, and the console shows this.
            digits = len(re.sub(r"\D", "", shown))
            return f"bad phone number ({digits} digits)" if shown else "missing phone number (so_dien_thoai)"
        received_raw = row.get("ngay_nhan")
        received = parse_date(received_raw)
        if received is None:
            shown = _text(received_raw)
            return f"bad received date {shown!r} (use dd/mm/yyyy)" if shown else "missing received date (ngay_nhan)"
        due_raw = row.get("ngay_hen_tra")
        due = parse_date(due_raw) if _text(due_raw) else None
        if _text(due_raw) and due is None:
            return f"bad due date {_text(due_raw)!r} (use dd/mm/yyyy)"
        if due is not None and due < received:
            return f"due date {due:%d/%m/%Y} is before the received date {received:%d/%m/%Y}"
        stage_raw = _text(row.get("trang_thai"))
        stage = parse_stage(stage_raw)
        if stage is None:
            return f"unknown stage {stage_raw!r}" if stage_raw else "missing stage (trang_thai)"
        name = _text(row.get("ho_ten")) or None
        note = _text(row.get("ghi_chu")) or None
        self._seen[code] = where
        return ApplicationRecord(code, procedure_id, name, phone, received, due, stage, note)


# -- reading files --------------------------------------------------------------------------------------


def _header_key(value: Any) -> str:
    return " ".join(_text(value).casefold().split())


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StatusImportError(f"{path.name}: not UTF-8 text; save it as 'CSV UTF-8'") from exc
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        line = reader.line_num + 1  # where this record starts (a quoted cell may span lines)
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise StatusImportError(f"{path.name}: line {line}: {exc}") from exc
        yield line, cells


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    with path.open("rb") as stream:  # a file object: openpyxl would refuse a name not ending in .xlsx
        try:
            book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
            raise StatusImportError(f"{path.name}: not a readable .xlsx file ({exc})") from exc
        line = 0
        try:
            for line, cells in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
                yield line, list(cells)
        except (SyntaxError, zipfile.BadZipFile, zlib.error, EOFError, LookupError, ValueError, TypeError) as exc:
            # Damaged partway (cut XML, a cell openpyxl cannot read): refused whole, like an unreadable CSV.
            # Only the kind of error is named: its text may quote a cell.
            raise StatusImportError(f"{path.name}: not a readable .xlsx file (damaged after line {line}: "
                                    f"{type(exc).__name__})") from exc
        finally:
            book.close()


def read_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(line, cells) of a CSV or XLSX file, chosen by content, not only by name."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise StatusImportError(f"{path.name}: old .xls format; save it as .xlsx or CSV UTF-8")
    with path.open("rb") as head:
        is_zip = head.read(4) == b"PK\x03\x04"
    return _xlsx_rows(path) if is_zip or suffix in (".xlsx", ".xlsm") else _csv_rows(path)


def _blank(cells: Iterable[Any]) -> bool:
    return all(_text(c) == "" for c in cells)


def _columns(header: list[Any], mapping: Mapping[str, str]) -> dict[str, int] | None:
    """Our column name → its index in this header; None when a required one is missing."""
    index = {}
    for position, cell in enumerate(header):
        index.setdefault(_header_key(cell), position)
    found = {col: index[_header_key(mapping.get(col, col))] for col in COLUMNS
             if _header_key(mapping.get(col, col)) in index}
    return found if all(col in found for col in REQUIRED) else None


def _known(cells: list[Any], mapping: Mapping[str, str]) -> int:
    keys = {_header_key(c) for c in cells}
    return sum(_header_key(mapping.get(col, col)) in keys for col in COLUMNS)


def _missing_message(path: Path, header: list[Any] | None, mapping: Mapping[str, str]) -> str:
    if header is None:
        return f"{path.name}: the file is empty"
    keys = {_header_key(c) for c in header}
    missing = [mapping.get(c, c) for c in REQUIRED if _header_key(mapping.get(c, c)) not in keys]
    return f"{path.name}: missing column(s): {', '.join(missing)} (header: {', '.join(_text(c) for c in header)})"


def check_mapping(mapping: Mapping[str, Any] | None) -> dict[str, str]:
    mapping = dict(mapping or {})
    unknown = [k for k in mapping if k not in COLUMNS]
    if unknown:
        raise StatusImportError(f"column mapping: unknown column(s) {', '.join(map(str, unknown))}; "
                                f"ours are {', '.join(COLUMNS)}")
    return {k: str(v) for k, v in mapping.items()}


def import_file(path: Path | str, store: StatusStore, kb_ids: Collection[str], mapping: dict[str, str] | None = None,
                source: str | None = None, names: Mapping[str, str] | None = None) -> ImportSummary:
    path = Path(path)
    mapping = check_mapping(mapping)
    source = source or f"import:{path.name}"
    rows = read_rows(path)
    columns, likeliest = None, None  # the header, or the row most like one (for the error message)
    for line, cells in rows:
        if _blank(cells):
            continue
        if likeliest is None or _known(cells, mapping) > _known(likeliest, mapping):
            likeliest = cells
        columns = _columns(cells, mapping)
        if columns is not None or line >= HEADER_SEARCH_ROWS:
            break
    if columns is None:
        raise StatusImportError(_missing_message(path, likeliest, mapping))

    cells_by_line = ((line, cells) for line, cells in rows if not _blank(cells))
    keyed = ((line, f"line {line}", {col: cells[i] if i < len(cells) else None for col, i in columns.items()})
             for line, cells in cells_by_line)
    return store_rows(store, RowChecker(kb_ids, names), keyed, source)


def store_rows(store: StatusStore, checker: RowChecker, rows: Iterable[tuple[int, str, Mapping[str, Any]]],
               source: str) -> ImportSummary:
    """Check every (key, where, row), then store the good ones in one transaction: a file that fails to read
    halfway, or a store that fails, leaves nothing half-imported. A refused row is reported by its key."""
    summary = ImportSummary()
    records = []
    for key, where, row in rows:
        result = checker.check(row, where)
        if isinstance(result, str):
            summary.rejected.append(Rejection(key, result))
        else:
            records.append(result)
    for outcome in store.upsert_many(records, source, rejected=len(summary.rejected)):
        setattr(summary, outcome.outcome, getattr(summary, outcome.outcome) + 1)
    return summary


def format_summary(summary: ImportSummary) -> str:
    lines = [f"added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}, "
             f"rejected {len(summary.rejected)}"]
    lines += [f"  line {r.line}: {r.reason}" for r in summary.rejected]
    return "\n".join(lines)
