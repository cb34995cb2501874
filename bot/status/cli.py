"""`caunoi status import FILE [--map MAPPING.yml]` and `caunoi status show CODE`, for commune staff."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml


def load_mapping(path: Path) -> dict[str, str]:
    """A YAML mapping {our column: the export's header}, alone or under `columns:`."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the column mapping ({exc})") from exc
    if isinstance(data, dict) and isinstance(data.get("columns"), dict):
        data = data["columns"]
    if not isinstance(data, dict):
        raise ValueError(f"{path}: must map our column names to the export's headers")
    return {str(k): str(v) for k, v in data.items()}


def _import(args: argparse.Namespace) -> int:
    from bot.kb.shared import knowledge_base
    from bot.settings import load_settings
    from bot.status.config import status_columns
    from bot.status.importer import StatusImportError, format_summary, import_file, procedure_names
    from bot.status.store import open_status_store

    path = Path(args.file)
    try:
        settings = load_settings()
        mapping = load_mapping(Path(args.map)) if args.map else status_columns(settings)
        kb = knowledge_base()
        store = open_status_store(settings)
        try:
            summary = import_file(path, store, kb.ids, mapping, names=procedure_names(kb))
        finally:
            store.close()
    except (StatusImportError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(format_summary(summary))
    return 0


def _show(args: argparse.Namespace) -> int:
    from bot.status.stages import STAGES
    from bot.status.store import open_status_store

    store = open_status_store()
    try:
        application = store.get(args.code)
    finally:
        store.close()
    if application is None:
        print(f"No application {args.code!r}.", file=sys.stderr)
        return 1
    a = application

    def label(stage: str) -> str:
        return STAGES[stage].label if stage in STAGES else stage

    print(f"Code:       {a.code}")
    print(f"Procedure:  {a.procedure_id}")
    print(f"Stage:      {label(a.stage)} ({a.stage})")
    print(f"Received:   {a.received:%d/%m/%Y}")
    print(f"Due:        {a.due:%d/%m/%Y}" if a.due else "Due:        -")
    print(f"Note:       {a.note or '-'}")
    print(f"Initials:   {a.name_initials or '-'}")
    print(f"Phone:      ******{a.phone_last4}")
    print(f"Updated:    {a.updated_at:%d/%m/%Y %H:%M} UTC")
    print("History:")
    for h in a.history:
        note = f"  ({h.note})" if h.note else ""
        print(f"  {h.at:%d/%m/%Y %H:%M} UTC  {label(h.stage)}{note}  [{h.source}]")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    status = sub.add_parser("status", help="application status: import exports, look up a file")
    commands = status.add_subparsers(dest="status", required=True)
    p = commands.add_parser("import", help="load a CSV or XLSX export of application files")
    p.add_argument("file", help="the export (.csv or .xlsx)")
    p.add_argument("--map", metavar="MAPPING.yml", help="YAML {our column: the file's header} for other exports")
    p.set_defaults(func=_import)
    p = commands.add_parser("show", help="one file's stage, dates and history (no personal data)")
    p.add_argument("code", help="the application code, e.g. H12.22-251103-0042")
    p.set_defaults(func=_show)
