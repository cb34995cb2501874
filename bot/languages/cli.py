"""`caunoi lang export|import|status|record-import`: the workflow of a commune's bilingual team.

    caunoi lang export ede --xlsx ede.xlsx [--vi-name "tiếng Ê Đê" --script highlands_latin]
    caunoi lang import ede.xlsx
    caunoi lang record-import DIR [--lang ede]
    caunoi lang status
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from bot.kb import KnowledgeBase
    from bot.languages.pack import LanguagePack
    from bot.settings import Settings


@dataclass
class _Context:
    kb: KnowledgeBase
    settings: Settings
    folder: Path


def _context() -> _Context:
    from bot.kb import load_kb
    from bot.settings import load_settings

    settings = load_settings()
    return _Context(load_kb(settings.kb_dir, log_drafts=False), settings, settings.languages_dir)


def _pack(ctx: _Context, code: str) -> LanguagePack:
    from bot.languages.pack import load_pack

    return load_pack(ctx.folder / code)


def _texts(ctx: _Context, pack: LanguagePack) -> dict[str, str]:
    from bot.languages.pack import translatable

    return translatable(ctx.kb, ctx.settings.commune, pack.vi_name)


def _export(args: argparse.Namespace) -> int:
    from bot.languages.pack import core_keys
    from bot.languages.sheet import export_sheet

    ctx = _context()
    folder = ctx.folder / args.code
    if not (folder / "language.yml").exists():
        if not args.vi_name:
            print(f"error: {folder} does not exist yet: give --vi-name (what Vietnamese speakers call the "
                  "language, e.g. \"tiếng Ê Đê\") and --script to start it", file=sys.stderr)
            return 2
        folder.mkdir(parents=True, exist_ok=True)
        meta = {"code": args.code, "vi_name": args.vi_name, "script": args.script or "latin"}
        (folder / "language.yml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    pack = _pack(ctx, args.code)
    rows = export_sheet(pack, _texts(ctx, pack), core_keys(ctx.kb, ctx.settings.top_procedures), Path(args.xlsx))
    print(f"Wrote {args.xlsx}: {rows} texts to translate into {pack.vi_name} ({args.code}). Fill in `text`, "
          "`translator`; a second person who reads both languages checks each row and writes their name "
          "in `reviewer` and `approved` in `status`. Then: caunoi lang import " + args.xlsx)
    return 0


def _import(args: argparse.Namespace) -> int:
    from bot.languages.sheet import SheetError, import_sheet, read_rows

    ctx = _context()
    try:
        code, _ = read_rows(Path(args.file))
    except SheetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    code = args.lang or code
    if not (ctx.folder / code / "language.yml").exists():
        print(f"error: no language {code!r} in {ctx.folder} (the sheet's tab names it; start one with "
              "`caunoi lang export CODE --xlsx FILE --vi-name ...`)", file=sys.stderr)
        return 2
    pack = _pack(ctx, code)
    result = import_sheet(Path(args.file), pack, _texts(ctx, pack))
    for line in result.errors:
        print(f"refused: {line}", file=sys.stderr)
    for line in result.stale:
        print(f"stale: {line}")
    print(f"{result.saved} texts saved for {code}, {len(result.errors)} rows refused.")
    _gate_line(ctx, code)
    return 1 if result.errors else 0


def _gate_line(ctx: _Context, code: str) -> None:
    from bot.languages.registry import load_languages

    found = load_languages(ctx.folder, ctx.kb, ctx.settings.commune, ctx.settings.top_procedures)
    missing = found.missing.get(code, [])
    if not missing:
        print(f"{code} is offered to people: every core text is approved.")
    else:
        print(f"{code} is not offered yet: {len(missing)} core texts not approved "
              f"(first: {', '.join(missing[:5])}).")


def _record_import(args: argparse.Namespace) -> int:
    from bot.languages.recorded import hasher
    from bot.languages.recordings import RecordingsError, import_recordings

    ctx = _context()
    source = Path(args.dir)
    code = args.lang or source.name
    if not (ctx.folder / code / "language.yml").exists():
        print(f"error: no language {code!r} in {ctx.folder}: name it with --lang", file=sys.stderr)
        return 2
    try:
        report = import_recordings(source, ctx.folder / code, hasher(ctx.kb, ctx.settings.commune))
    except RecordingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for refused in report.refused:
        print(f"refused: {refused}", file=sys.stderr)
    print(report)
    return 0 if report.ok else 1


def _status(args: argparse.Namespace) -> int:
    from bot.languages.status import coverage_table

    ctx = _context()
    print(coverage_table(ctx.folder, ctx.kb, ctx.settings.commune, ctx.settings.top_procedures))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    lang = sub.add_parser("lang", help="language packs: translations and recordings by the commune's team"
                          ).add_subparsers(dest="lang", required=True)
    p = lang.add_parser("export", help="write the translation sheet of one language (XLSX)")
    p.add_argument("code", help="the language's code (ISO 639-3, e.g. ede, jra, bdq; qaa for tests)")
    p.add_argument("--xlsx", required=True, help="the sheet to write")
    p.add_argument("--vi-name", help="a new language: what Vietnamese speakers call it")
    p.add_argument("--script", choices=("latin", "highlands_latin", "khmer", "tai_viet"),
                   help="a new language: how it is written")
    p.set_defaults(func=_export)
    p = lang.add_parser("import", help="read a filled translation sheet back")
    p.add_argument("file")
    p.add_argument("--lang", help="the language (default: the sheet's tab name)")
    p.set_defaults(func=_import)
    p = lang.add_parser("record-import", help="import recorded answers (files named <procedure>.<topic>.ogg)")
    p.add_argument("dir", help="folder of audio files and consent.yml")
    p.add_argument("--lang", help="the language (default: the folder's name)")
    p.set_defaults(func=_record_import)
    p = lang.add_parser("status", help="what each language has: texts, recordings, stale entries")
    p.set_defaults(func=_status)
