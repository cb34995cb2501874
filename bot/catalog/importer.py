"""Import a crawl of the national portal (`<dir>/<ministry>/<code>.json`) into the data file.

All or nothing: every file is read and parsed first; any unreadable file, broken JSON or record
without a code or a name stops the import with the file and the problem named, and the data file is
left untouched. Only then are duplicates merged, the result compared with the current data file
(added, changed, removed) and written.

Duplicates, measured on the June 2026 crawl: the same page saved under several codes (17 files, 2
pages: the crawler asked for code X and the portal answered with another procedure's page, whose
own code the page shows) and the same name under several ministry folders. Each becomes one record.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from bot.catalog.model import CatalogRecord
from bot.catalog.parse import RecordError, parse_record
from bot.catalog.stats import FieldStat, field_stats
from bot.catalog.store import CatalogFileError, read_catalog, record_to_dict, write_catalog


class CatalogImportError(ValueError):
    """The crawl cannot be imported; `problems` names every bad file and what is wrong with it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Merge:
    code: str  # the record kept
    files: tuple[str, ...]  # every file that became it, "ministry/file.json"
    reason: str


@dataclass(frozen=True)
class Diff:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    files: int
    records: tuple[CatalogRecord, ...]
    merges: tuple[Merge, ...]
    diff: Diff
    stats: list[FieldStat] = field(default_factory=list)
    crawled: str = ""
    bytes_written: int = 0
    previous_unreadable: str | None = None  # why the old data file could not be compared, if so


def crawl_date(value: str) -> str:
    """"2026-06" or "2026-06-15", checked; ValueError with the expected form otherwise."""
    for form in ("%Y-%m-%d", "%Y-%m"):
        try:
            datetime.strptime(value, form)
            return value
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a crawl date: use YYYY-MM or YYYY-MM-DD, e.g. 2026-06")


def newest_file_date(files: list[Path]) -> str:
    """The crawl carries no date of its own: the newest file's day stands in (the CLI says so)."""
    return date.fromtimestamp(max(p.stat().st_mtime for p in files)).isoformat()


def crawl_files(folder: Path) -> list[Path]:
    if not folder.exists():
        raise CatalogImportError([f"{folder}: no such folder"])
    if not folder.is_dir():
        raise CatalogImportError([f"{folder}: not a folder (give the crawl's folder, holding <ministry>/<code>.json)"])
    files = sorted(p for p in folder.rglob("*.json") if p.is_file())
    if not files:
        raise CatalogImportError([f"{folder}: no portal records (*.json) in it"])
    return files


def read_crawl(folder: Path, crawled: str, files: list[Path] | None = None) -> list[tuple[str, CatalogRecord]]:
    """[(file relative to the folder, record)] for every file; CatalogImportError listing every
    file that cannot be used."""
    parsed: list[tuple[str, CatalogRecord]] = []
    problems: list[str] = []
    for path in files if files is not None else crawl_files(folder):
        relative = path.relative_to(folder)
        ministry = relative.parts[0] if len(relative.parts) > 1 else ""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            parsed.append((relative.as_posix(), parse_record(raw, ministry, crawled)))
        except json.JSONDecodeError as exc:
            problems.append(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
        except UnicodeDecodeError:
            problems.append(f"{path}: not UTF-8 text")
        except OSError as exc:
            problems.append(f"{path}: cannot read it ({exc.strerror or exc})")
        except RecordError as exc:
            problems.append(f"{path}: {exc}")
    if problems:
        raise CatalogImportError(problems)
    return parsed


def _richness(record: CatalogRecord) -> int:
    """How much of a record was parsed: the fuller copy of a duplicate is the one kept."""
    return sum(1 for value in record_to_dict(record).values() if value)


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split()).rstrip(" .")


def dedupe(parsed: list[tuple[str, CatalogRecord]]) -> tuple[list[CatalogRecord], list[Merge]]:
    """One record per code, then one per name across ministry folders (the others' codes kept as
    aliases, so a lookup by any of them finds it)."""
    merges: list[Merge] = []
    by_code: dict[str, list[tuple[str, CatalogRecord]]] = defaultdict(list)
    for item in parsed:
        by_code[item[1].code].append(item)
    records: list[tuple[tuple[str, ...], CatalogRecord]] = []
    for code, items in by_code.items():
        kept = _merged([r for _, r in items])
        files = tuple(f for f, _ in items)
        if len(items) > 1:
            merges.append(Merge(code, files, "one page saved under several codes; the code the page shows is kept"))
        records.append((files, kept))

    by_name: dict[str, list[tuple[tuple[str, ...], CatalogRecord]]] = defaultdict(list)
    for item in records:
        by_name[_name_key(item[1].name)].append(item)
    result: list[CatalogRecord] = []
    for items in by_name.values():
        folders = {m for _, r in items for m in r.ministries}
        if len(items) == 1 or len(folders) < 2:
            result.extend(r for _, r in items)  # same name in one ministry: distinct procedures (levels)
            continue
        kept = _merged([r for _, r in items])
        aliases = tuple(sorted({r.code for _, r in items} - {kept.code}))
        result.append(replace(kept, aliases=tuple(sorted({*kept.aliases, *aliases}))))
        merges.append(Merge(kept.code, tuple(f for files, _ in items for f in files),
                            "the same name in several ministry folders"))
    result.sort(key=lambda r: r.code)
    merges.sort(key=lambda m: m.code)
    return result, merges


def _merged(records: list[CatalogRecord]) -> CatalogRecord:
    best = max(records, key=lambda r: (_richness(r), [-ord(c) for c in r.code]))
    ministries = tuple(sorted({m for r in records for m in r.ministries}))
    return replace(best, ministries=ministries)


def compare(old: tuple[CatalogRecord, ...] | list[CatalogRecord], new: list[CatalogRecord]) -> Diff:
    before = {r.code: record_to_dict(r) for r in old}
    after = {r.code: record_to_dict(r) for r in new}
    return Diff(
        added=tuple(sorted(after.keys() - before.keys())),
        changed=tuple(sorted(c for c in after.keys() & before.keys() if after[c] != before[c])),
        removed=tuple(sorted(before.keys() - after.keys())),
    )


def import_crawl(folder: Path, data_file: Path, crawled: str | None = None) -> ImportReport:
    """Read, merge, compare and write; nothing is written unless every file could be read."""
    files = crawl_files(folder)
    when = crawl_date(crawled) if crawled else newest_file_date(files)
    records, merges = dedupe(read_crawl(folder, when, files))
    previous: tuple[CatalogRecord, ...] = ()
    unreadable = None
    if data_file.exists():
        try:
            previous = read_catalog(data_file).records
        except CatalogFileError as exc:
            unreadable = str(exc)  # replaced below; every record then counts as added
    size = write_catalog(data_file, records, when)
    return ImportReport(len(files), tuple(records), tuple(merges), compare(previous, records),
                        field_stats(records), when, size, unreadable)
