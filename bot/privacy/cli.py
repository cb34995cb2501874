"""`caunoi purge [--older-than DAYS] [--dry-run] [--db URL]`: delete old conversations and records."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _purge(args: argparse.Namespace) -> int:
    import sqlalchemy as sa

    from bot.privacy.purge import positive_days, purge, retention_days, session_expiry_minutes
    from bot.report.collect import ReportError, open_engine
    from bot.runtime.scale_config import embedded_tracker_db
    from bot.settings import load_settings
    from bot.status.config import status_db_url
    from bot.status.store import open_status_store

    settings = load_settings()
    days = positive_days(args.older_than) if args.older_than is not None else retention_days(settings)
    db = args.db or embedded_tracker_db(settings.data_dir)
    engine = status = None
    try:
        engine = open_engine(db, readonly=False)
    except ReportError as exc:
        if args.db:  # asked for this one: say why it cannot be purged
            print(f"error: {exc}", file=sys.stderr)
            return 2
    status_url = status_db_url(settings)
    status_file = sa.engine.make_url(status_url).database if status_url.startswith("sqlite") else None
    if status_file is None or Path(status_file).is_file():  # never create an empty store just to purge it
        status = open_status_store(settings)
    try:
        summary = purge(engine, status, days, session_expiry_minutes(settings.root), dry_run=args.dry_run)
    except sa.exc.DBAPIError as exc:
        first_line = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        print(f"error: {first_line}", file=sys.stderr)
        return 2
    finally:
        if engine is not None:
            engine.dispose()
        if status is not None:
            status.close()
    print("\n".join(summary.lines()))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "purge",
        help="delete conversations and records older than the retention period (personal data)",
        description="Deletes conversations whose newest message is older than the retention period, blanks the "
        "application codes kept for a session once it is over, and deletes old failed verifications, "
        "notification records and notice subscriptions that are done with. Safe while the assistant runs.",
    )
    p.add_argument("--older-than", metavar="DAYS",
                   help="retention in days (default CAUNOI_RETENTION_DAYS, else privacy.retention_days, else 90)")
    p.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    p.add_argument("--db", metavar="URL",
                   help="SQLAlchemy URL of the tracker store (default sqlite:///<data_dir>/trackers.db)")
    p.set_defaults(func=_purge)
