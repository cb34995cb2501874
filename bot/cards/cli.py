"""`caunoi checklist ID [--png FILE] [--pdf FILE]`: a printable card of the papers to bring."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _checklist(args: argparse.Namespace) -> int:
    from bot.cards.checklist import write_card
    from bot.cards.fonts import FontNotFoundError
    from bot.kb.shared import procedure_or_complain
    from bot.settings import load_settings

    procedure = procedure_or_complain(args.id)
    if procedure is None:
        return 1
    targets = [(fmt, path) for fmt, path in (("png", args.png), ("pdf", args.pdf)) if path]
    if not targets:
        targets = [("png", Path(f"checklist-{procedure.id}.png"))]
    commune = load_settings().commune
    for fmt, path in targets:
        try:
            written = write_card(procedure, commune, path, fmt)
        except FontNotFoundError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"error: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(written)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "checklist", help="print a large-print card of the papers to bring (PNG and/or PDF)",
        description="Draw one procedure's document checklist as a large-print card with a picture for "
                    "each paper. Without --png or --pdf, writes checklist-ID.png in the current folder.",
    )
    p.add_argument("id", help="procedure id, e.g. khai_sinh")
    p.add_argument("--png", type=Path, metavar="FILE", help="write a PNG image (for phones)")
    p.add_argument("--pdf", type=Path, metavar="FILE", help="write a PDF with A4 pages (for printing)")
    p.set_defaults(func=_checklist)
