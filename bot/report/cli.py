"""`caunoi report`: what people asked and what the assistant could not answer, for the commune's
digital team (to see which procedures matter and what the knowledge base is missing)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.kb import KnowledgeBase


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2025-11-01") from None


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _default_db() -> str:
    from bot.runtime.scale_config import embedded_tracker_db
    from bot.settings import load_settings

    return embedded_tracker_db(load_settings().data_dir)


def _knowledge_base() -> KnowledgeBase | None:
    """The KB for procedure titles and what is curated or drafted; None (ids alone) if it cannot be read here."""
    from bot.kb import load_kb
    from bot.settings import load_settings

    try:
        return load_kb(load_settings().kb_dir, log_drafts=False)  # drafts are shown in the portal list
    except (OSError, ValueError):
        return None


def _report(args: argparse.Namespace) -> int:
    from bot.report.collect import Period, ReportError, collect
    from bot.report.curation import candidates, portal_names
    from bot.report.format import render_json, render_text, write_chart

    if args.since and args.until and args.since > args.until:
        print("error: --since is after --until", file=sys.stderr)
        return 2
    try:
        report = collect(args.db or _default_db(), Period(args.since, args.until))
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    kb = _knowledge_base()
    names = {pid: p.name for pid, p in kb.procedures.items()} if kb else {}
    shown = [pid for pid, _ in report.portal.most_common(args.top)]
    portal, problem = portal_names(shown)
    if problem:  # stderr: --json output stays pure JSON
        print(f"note: national catalog not read, portal procedures shown by code only: {problem}", file=sys.stderr)
    names.update(portal)
    gone = set() if problem else set(shown) - set(portal)
    portal_list = candidates(report.portal, args.top, names, kb, gone)
    if args.json:
        sys.stdout.write(render_json(report, args.top, names, portal_list))
    else:
        sys.stdout.write(render_text(report, args.top, names, portal_list))
    if args.chart:
        path = write_chart(report, Path(args.chart), args.top, names)
        if not args.json:  # keep --json output pure JSON
            print(f"Biểu đồ: {path}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="what people asked, what to curate next and what went unanswered (from the stored conversations)",
        description="Most asked procedures and topics, the national-portal procedures answered from the catalog "
        "(candidates to curate with `caunoi kb draft`), questions the assistant could not answer "
        "(personal data redacted), channels, voice/text. Dates are local days in Vietnam (Asia/Ho_Chi_Minh).",
    )
    p.add_argument("--since", type=_day, help="first day included, YYYY-MM-DD (Vietnam time)")
    p.add_argument("--until", type=_day, help="last day included, YYYY-MM-DD (Vietnam time)")
    p.add_argument("--top", type=_positive, default=10, help="rows per list (default 10)")
    p.add_argument("--chart", metavar="FILE.png", help="also draw the main lists as a PNG chart")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--db", metavar="URL",
                   help="SQLAlchemy URL of the tracker store (default sqlite:///<data_dir>/trackers.db)")
    p.set_defaults(func=_report)
