"""/console/report: what people asked, with charts, a CSV, and the gap list with "draft an entry"."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import StaffSession
from bot.console.pages import report
from bot.console.web import HEADERS, Console, Refused, blocking, page, staff_only
from bot.report.collect import LOCAL_TZ


def _period(since: str | None, until: str | None, asked: bool = True) -> report.Period:
    if not asked:
        # The last 30 days unless asked: a whole year is seconds of CPU in the assistant's own process.
        today = datetime.now(LOCAL_TZ).date()
        return report.Period(today - timedelta(days=29), today)
    try:
        return report.parse_period((since or "")[:40], (until or "")[:40])
    except report.PeriodError as exc:
        raise Refused(400, str(exc)) from None


_kb_cache: dict[tuple, Any] = {}


def _current_kb(kb_dir: Path) -> Any:
    """The KB as its files are now (a draft written a moment ago shows as drafted), read again only when a
    file changed: parsing the YAML is most of a report page's CPU, in the assistant's own process."""
    from bot.kb import load_kb

    files = sorted(kb_dir.glob("*.yml"))
    signature = tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    if signature not in _kb_cache:
        _kb_cache.clear()
        _kb_cache[signature] = load_kb(kb_dir, log_drafts=False)
    return _kb_cache[signature]


def _sources() -> tuple[str, Any]:
    from bot.runtime.scale_config import tracker_db_url
    from bot.settings import load_settings

    settings = load_settings()
    return tracker_db_url(settings), _current_kb(settings.kb_dir)


def _page(period: report.Period) -> dict[str, Any]:
    from bot.catalog.store import catalog_path

    db_url, kb = _sources()
    return report.report_page(db_url, period, kb, catalog_path())


def _csv(period: report.Period) -> str:
    from bot.catalog.store import catalog_path

    db_url, kb = _sources()
    return report.report_csv(db_url, period, kb, catalog_path())


def _draft(code: str) -> str:
    from bot.catalog.store import catalog_path
    from bot.settings import load_settings

    return report.draft_entry(code, load_settings().kb_dir, catalog_path())


def register(bp: Blueprint, console: Console) -> None:
    @bp.get("/report")
    @staff_only(console, "report")
    async def show(request: Request, session: StaffSession) -> HTTPResponse:
        period = _period(request.args.get("since"), request.args.get("until"), bool(request.query_string))
        return await page(session, "report.html", section="report", **await blocking(_page, period))

    @bp.get("/report.csv")
    @staff_only(console, "report")
    async def download(request: Request, session: StaffSession) -> HTTPResponse:
        period = _period(request.args.get("since"), request.args.get("until"), bool(request.query_string))
        try:
            text = await blocking(_csv, period)
        except report.ReportActionError as exc:
            raise Refused(503, str(exc)) from None
        await console.log(session, "report_downloaded", report.csv_filename(period))
        disposition = f'attachment; filename="{report.csv_filename(period)}"'
        return response.raw(text.encode("utf-8"), content_type="text/csv; charset=utf-8",
                            headers={**HEADERS, "Content-Disposition": disposition})

    @bp.post("/report/draft")
    @staff_only(console, "report", form=True)
    async def draft(request: Request, session: StaffSession, fields: dict, files: dict) -> HTTPResponse:
        period = _period(fields.get("since"), fields.get("until"))
        code = fields.get("code", "")
        try:
            message, kind, status = await blocking(_draft, code), "ok", 200
            await console.log(session, "kb_draft_written", code[:40])
        except report.ReportActionError as exc:
            message, kind, status = str(exc), "error", 409
        context = await blocking(_page, period)
        return await page(session, "report.html", status=status, section="report",
                          flash={"kind": kind, "text": message}, **context)
