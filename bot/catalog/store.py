"""The catalog's data file: `catalog/portal_catalog.jsonl.gz` (why this format: docs/catalog.md).

Gzipped JSON Lines: a header line {"catalog", "format", "crawled", "records"}, then one record per
line, sorted by code, keys in a fixed order and empty fields left out. The same records always give
the same bytes (no timestamp in the gzip header), so an unchanged re-import changes nothing in git.

`write_catalog` writes a temporary file beside the target and renames it, so a failed import leaves
the old file as it was. `load_catalog` is what the assistant calls at start-up: a missing or
corrupt file gives an empty catalog and one log line, never a failed start.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import zlib
from pathlib import Path
from sys import intern
from typing import Any

from bot.catalog.model import Catalog, CatalogRecord, Channel, Document, LegalDoc
from bot.runtime.files import write_atomically

logger = logging.getLogger(__name__)

FORMAT = 1
KIND = "Cổng Dịch vụ công quốc gia"
DEFAULT_FILE = Path("catalog") / "portal_catalog.jsonl.gz"


class CatalogFileError(ValueError):
    """The data file cannot be used: missing, not gzip, not our format, a bad line."""


def catalog_path() -> Path:
    """`CAUNOI_CATALOG` when set, else catalog/portal_catalog.jsonl.gz in the project."""
    from bot.settings import project_root

    override = os.environ.get("CAUNOI_CATALOG")
    return Path(override) if override else project_root() / DEFAULT_FILE


# -- records ⇄ plain data ---------------------------------------------------------------------------


def _pruned(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", (), [])}


def record_to_dict(record: CatalogRecord) -> dict[str, Any]:
    """Plain data for one line; the crawl date is the file's, not repeated per record."""
    return _pruned({
        "code": record.code, "name": record.name, "url": record.url, "levels": list(record.levels),
        "field": record.field, "applicants": list(record.applicants), "authority": record.authority,
        "competent": record.competent, "where": record.where,
        "documents": None if record.documents is None else [
            _pruned({"name": d.name, "copies": d.copies, "forms": list(d.forms), "case": d.case})
            for d in record.documents],
        "channels": None if record.channels is None else [
            _pruned({"kind": c.kind, "time": c.time, "fee": c.fee, "fee_note": c.fee_note, "note": c.note})
            for c in record.channels],
        "steps": None if record.steps is None else list(record.steps),
        "conditions": record.conditions,
        "results": None if record.results is None else list(record.results),
        "legal_basis": None if record.legal_basis is None else [
            _pruned({"title": d.title, "number": d.number}) for d in record.legal_basis],
        "ministries": list(record.ministries), "aliases": list(record.aliases),
    })


def record_from_dict(data: dict[str, Any], crawled: str = "") -> CatalogRecord:
    """The record of one line. Its texts are interned: many repeat (a channel's note for every
    channel, a fee decree in hundreds of records, a case for every paper under it), and one copy of
    each halves the catalog's memory (measured: 35 → 19 MB of text). `sys.intern` inline, not a
    helper function: this runs 150,000 times at start-up."""
    get = data.get
    documents, channels, legal = get("documents"), get("channels"), get("legal_basis")
    return CatalogRecord(
        code=data["code"], name=data["name"], url=get("url", ""),
        levels=tuple(map(intern, get("levels", ()))), field=(f := get("field")) and intern(f),
        applicants=tuple(map(intern, get("applicants", ()))), authority=(a := get("authority")) and intern(a),
        competent=(c := get("competent")) and intern(c), where=get("where"),
        documents=None if documents is None else tuple(
            Document(intern(d["name"]), (n := d.get("copies")) and intern(n), tuple(map(intern, d.get("forms", ()))),
                     (k := d.get("case")) and intern(k))
            for d in documents),
        channels=None if channels is None else tuple(
            Channel(intern(ch["kind"]), (t := ch.get("time")) and intern(t), (e := ch.get("fee")) and intern(e),
                    (o := ch.get("fee_note")) and intern(o), (n := ch.get("note")) and intern(n))
            for ch in channels),
        steps=None if (steps := get("steps")) is None else tuple(map(intern, steps)),
        conditions=get("conditions"),
        results=None if (results := get("results")) is None else tuple(map(intern, results)),
        legal_basis=None if legal is None else tuple(
            LegalDoc(intern(d["title"]), (n := d.get("number")) and intern(n)) for d in legal),
        ministries=tuple(map(intern, get("ministries", ()))), aliases=tuple(get("aliases", ())),
        crawled=crawled,
    )


# -- the file -----------------------------------------------------------------------------------------


def encode(records: list[CatalogRecord] | tuple[CatalogRecord, ...], crawled: str) -> bytes:
    ordered = sorted(records, key=lambda r: r.code)
    header = {"catalog": KIND, "format": FORMAT, "crawled": crawled, "records": len(ordered)}
    lines = [json.dumps(header, ensure_ascii=False)]
    lines += [json.dumps(record_to_dict(r), ensure_ascii=False, separators=(",", ":")) for r in ordered]
    text = "\n".join(lines) + "\n"
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def write_catalog(path: Path, records: list[CatalogRecord] | tuple[CatalogRecord, ...], crawled: str) -> int:
    """Write the file all at once (a temporary file renamed over it); its size in bytes."""
    data = encode(records, crawled)
    write_atomically(path, data)
    return len(data)


def catalog_header(path: Path) -> dict[str, Any] | None:
    """The catalog file's first line ({"crawled", "records"}), without reading its 2,600 records: for the
    console's health page. None when it cannot be read."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            header = json.loads(f.readline())
    except (OSError, EOFError, ValueError):
        return None
    return header if isinstance(header, dict) else None


def read_catalog(path: Path) -> Catalog:
    """The catalog in the file; CatalogFileError naming the file (and line) when it cannot be used."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CatalogFileError(f"{path}: no such file (create it with `caunoi catalog import DIR`)") from None
    except OSError as exc:
        raise CatalogFileError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    try:
        lines = gzip.decompress(raw).splitlines()
    except (OSError, EOFError, zlib.error) as exc:
        raise CatalogFileError(f"{path}: not a readable gzip file ({exc})") from None
    del raw
    header = _line(path, lines, 0)
    if not (isinstance(header, dict) and header.get("format") == FORMAT and "records" in header):
        raise CatalogFileError(f"{path}: line 1: not a catalog header of format {FORMAT}")
    crawled = str(header.get("crawled") or "")
    records = []
    for number in range(1, len(lines)):
        if not lines[number].strip():
            continue
        data = _line(path, lines, number)
        lines[number] = b""  # let the text go as soon as it is read
        try:
            records.append(record_from_dict(data, crawled))
        except (KeyError, TypeError, AttributeError) as exc:
            raise CatalogFileError(f"{path}: line {number + 1}: not a catalog record ({exc!r})") from None
    if len(records) != header["records"]:
        raise CatalogFileError(f"{path}: header says {header['records']} records, the file has {len(records)}")
    return Catalog(tuple(records), crawled)


def _line(path: Path, lines: list[bytes], index: int) -> Any:
    if index >= len(lines):
        raise CatalogFileError(f"{path}: empty file")
    try:
        return json.loads(lines[index])
    except UnicodeDecodeError:
        raise CatalogFileError(f"{path}: line {index + 1}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise CatalogFileError(f"{path}: line {index + 1}: not valid JSON ({exc.msg})") from None


def load_catalog(path: Path | None = None) -> Catalog:
    """The catalog for the running assistant: an empty one, after one clear log line, when the file
    is missing or cannot be read, so the assistant still starts and answers from the curated KB."""
    path = path or catalog_path()
    try:
        catalog = read_catalog(path)
    except CatalogFileError as exc:
        logger.warning("national catalog not loaded, answering from the curated knowledge base only: %s", exc)
        return Catalog()
    logger.info("national catalog: %d procedures (crawl %s) from %s", len(catalog), catalog.crawled, path)
    return catalog
