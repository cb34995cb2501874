"""`caunoi catalog import DIR` and `caunoi catalog stats`: the national catalog's data file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SHOWN = 10  # codes listed per added / changed / removed line; the counts are always whole


def _data_file(args: argparse.Namespace) -> Path:
    from bot.catalog.store import catalog_path

    return Path(args.data) if args.data else catalog_path()


def _codes(codes: tuple[str, ...]) -> str:
    if not codes:
        return ""
    more = f", … (+{len(codes) - SHOWN})" if len(codes) > SHOWN else ""
    return ": " + ", ".join(codes[:SHOWN]) + more


def _import(args: argparse.Namespace) -> int:
    from bot.catalog.importer import CatalogImportError, import_crawl
    from bot.catalog.stats import format_stats

    data_file = _data_file(args)
    try:
        report = import_crawl(Path(args.dir), data_file, args.crawled)
    except CatalogImportError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"Nothing imported: {data_file} is unchanged.", file=sys.stderr)
        return 2
    except OSError as exc:  # the data file's folder cannot be written
        print(f"error: cannot write {data_file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if report.previous_unreadable:
        print(f"note: the previous data file could not be read, so everything counts as added "
              f"({report.previous_unreadable})")
    if not args.crawled:
        print(f"note: crawl date {report.crawled} is the newest file's date; pass --crawled YYYY-MM to set it")
    diff = report.diff
    print(f"Imported {len(report.records)} procedures from {report.files} files (crawl {report.crawled}) "
          f"into {data_file} ({report.bytes_written / 1e6:.2f} MB).")
    print(f"added {len(diff.added)}, changed {len(diff.changed)}, removed {len(diff.removed)}")
    for label, codes in (("added", diff.added), ("changed", diff.changed), ("removed", diff.removed)):
        if codes and (len(codes) < len(report.records) or label != "added"):
            print(f"  {label}{_codes(codes)}")
    merged = sum(len(m.files) for m in report.merges) - len(report.merges)
    print(f"merged {merged} duplicates into {len(report.merges)} records:" if report.merges else "no duplicates")
    for merge in report.merges:
        print(f"  {merge.code} ({merge.reason}): {', '.join(merge.files)}")
    print(format_stats(report.stats))
    return 0


def _stats(args: argparse.Namespace) -> int:
    from bot.catalog.stats import field_stats, format_stats
    from bot.catalog.store import CatalogFileError, read_catalog

    try:
        catalog = read_catalog(_data_file(args))
    except CatalogFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{len(catalog)} procedures, crawl {catalog.crawled}")
    print(format_stats(field_stats(catalog)))
    return 0


def _crawl_date(value: str) -> str:
    from bot.catalog.importer import crawl_date

    try:
        return crawl_date(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_parser(sub: argparse._SubParsersAction) -> None:
    catalog = sub.add_parser("catalog", help="the national portal's catalog (import a crawl, field stats)")
    commands = catalog.add_subparsers(dest="catalog", required=True)
    data_help = "the data file (default catalog/portal_catalog.jsonl.gz, or $CAUNOI_CATALOG)"

    p = commands.add_parser(
        "import", help="import a crawl folder (<ministry>/<code>.json) into the data file",
        description="Parse every record, merge duplicates, compare with the current data file and "
        "write it. Any bad file stops the import, names the file and changes nothing.",
    )
    p.add_argument("dir", help="the crawl's folder, e.g. ../shared/portal_catalog")
    p.add_argument("--crawled", type=_crawl_date, metavar="YYYY-MM[-DD]",
                   help="when the crawl was made (default: the newest file's date)")
    p.add_argument("--data", metavar="FILE", help=data_help)
    p.set_defaults(func=_import)

    p = commands.add_parser("stats", help="per field: how many records have it parsed")
    p.add_argument("--data", metavar="FILE", help=data_help)
    p.set_defaults(func=_stats)
