"""The Report page, "Người dân hỏi gì" (issue 16): the `caunoi report` figures with charts, a CSV, and
the gap list the digital team works from. Pure Python; the console's routes call these:

    GET  /console/report?since=YYYY-MM-DD&until=YYYY-MM-DD   parse_period, report_page → report.html
    GET  /console/report.csv?since=…&until=…                 parse_period, report_csv, csv_filename
    POST /console/report/draft   code=1.010038 (since, until: the view to go back to)   draft_entry

The figures are `bot.report.format.to_dict`'s, the same as `caunoi report --json`. Reading the
conversations takes seconds for a long period of a busy store (about 5 s for a year of 200 messages a
day), the first catalog read about 2 s: call these in a worker thread, not on the event loop. Both
are remembered (`_collect` here, `CatalogLookup` in bot/report/curation.py), so the page shown again,
its CSV and the page after a draft are instant.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa

from bot.catalog.tier import PORTAL, kb_codes
from bot.console.charts import Item, bar_chart, column_chart, number
from bot.kb import KnowledgeBase
from bot.kb.draft import DraftError, write_draft
from bot.report.collect import LOCAL_TZ, Period, Report, ReportError, collect, open_engine
from bot.report.curation import Candidate, CatalogLookup, candidates, catalog_lookup
from bot.report.format import EMPTY_QUESTION, INPUT_LABELS, TOPIC_LABELS, period_line, to_dict

URL = "/console/report"
CSV_URL = "/console/report.csv"
DRAFT_URL = "/console/report/draft"
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)  # beyond: a typo, and past Period.bounds' reach
FRESH_SECONDS = 120.0  # figures this old are shown again without reading the store
CACHED_REPORTS = 8  # periods remembered
DAILY_MAX = 92  # a longer view is drawn by month: 92 columns still read on a phone
CSV_HEADER = ("section", "key", "label", "count")
CHANNEL_LABELS = {"telegram": "Telegram", "zalo": "Zalo", "kiosk": "Máy ki-ốt ở xã", "rest": "Web / ứng dụng (REST)"}
_DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")  # the date picker's, and what staff type
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a cell Excel would run as a formula


class PeriodError(ValueError):
    """Dates that cannot be used; the message is for staff, in Vietnamese."""


class ReportActionError(Exception):
    """A download or a draft that could not be made; the message is for staff, in Vietnamese."""


# -- the period -----------------------------------------------------------------------------------


def _day(value: str | None, which: str) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    for form in _DAY_FORMATS if len(text) <= 10 else ():
        try:
            day = datetime.strptime(text, form).date()
        except ValueError:
            continue
        if not FIRST_DAY <= day <= LAST_DAY:
            raise PeriodError(f"{which} phải trong khoảng năm {FIRST_DAY.year} đến {LAST_DAY.year}.")
        return day
    raise PeriodError(f"{which} không đúng: dùng dạng 2025-11-01 (năm-tháng-ngày).")


def parse_period(since: str | None, until: str | None) -> Period:
    """The query's `since` and `until` (YYYY-MM-DD, or DD/MM/YYYY); empty: no bound (all time)."""
    first, last = _day(since, "Ngày bắt đầu"), _day(until, "Ngày kết thúc")
    if first and last and first > last:
        raise PeriodError("Ngày bắt đầu ở sau ngày kết thúc: đổi lại cho đúng.")
    return Period(first, last)


def _query(period: Period) -> dict[str, str]:
    return {k: v.isoformat() for k, v in (("since", period.since), ("until", period.until)) if v}


def _href(base: str, period: Period) -> str:
    query = urlencode(_query(period))
    # Without any query the route shows the last 30 days; an empty `since` asks for all time.
    return f"{base}?{query}" if query else f"{base}?since="


def _quick_links(period: Period, today: date) -> list[dict[str, Any]]:
    month = today.replace(day=1)
    last_month = (month - timedelta(days=1)).replace(day=1)
    links = [("7 ngày qua", Period(today - timedelta(days=6), today)),
             ("30 ngày qua", Period(today - timedelta(days=29), today)),
             ("Tháng này", Period(month, today)),
             ("Tháng trước", Period(last_month, month - timedelta(days=1))),
             ("Toàn bộ", Period())]
    return [{"label": label, "href": _href(URL, p), "current": p == period} for label, p in links]


def _problem(exc: ReportError, db_url: str) -> str:
    text = str(exc)
    try:  # the store's URL may hold its password: never on a page
        text = text.replace(db_url, sa.engine.make_url(db_url).render_as_string(hide_password=True))
    except (sa.exc.ArgumentError, ValueError):
        text = text.replace(db_url, "(địa chỉ cơ sở dữ liệu)")
    if text.startswith("no conversation database"):
        return "Chưa có dữ liệu trò chuyện: trợ lý chưa chạy lần nào trên máy này."
    return f"Không đọc được dữ liệu trò chuyện: {text}"


@dataclass
class _Cached:
    at: float
    stamp: tuple[int | None, int]
    report: Report


_REPORTS: dict[tuple[str, Period], _Cached] = {}
_REPORTS_LOCK = threading.Lock()


def _store_stamp(db_url: str) -> tuple[int | None, int] | None:
    """The store's last event id and its number of events: both change when the assistant writes or
    `caunoi purge` deletes. None when the store cannot be read (collect then says why)."""
    try:
        engine = open_engine(db_url)
        try:
            with engine.connect() as conn:
                newest, count = conn.execute(sa.text("SELECT max(id), count(*) FROM events")).one()
                return newest, count
        finally:
            engine.dispose()
    except (ReportError, sa.exc.SQLAlchemyError):
        return None


def _collect(db_url: str, period: Period) -> Report:
    """collect(), remembered: a year of a busy commune takes seconds to read, and the page is shown
    again after every draft, the CSV right after the page. Figures under FRESH_SECONDS old are shown
    as they are; older ones are read again if the store has changed since."""
    key, now = (db_url, period), time.monotonic()
    with _REPORTS_LOCK:
        cached = _REPORTS.get(key)
    if cached and now - cached.at < FRESH_SECONDS:
        return cached.report
    stamp = _store_stamp(db_url)
    if cached and stamp is not None and stamp == cached.stamp:
        cached.at = now
        return cached.report
    report = collect(db_url, period)
    if stamp is not None:
        with _REPORTS_LOCK:
            _REPORTS[key] = _Cached(now, stamp, report)
            while len(_REPORTS) > CACHED_REPORTS:
                del _REPORTS[min(_REPORTS, key=lambda k: _REPORTS[k].at)]
    return report


def _read(db_url: str, period: Period) -> Report:
    try:
        return _collect(db_url, period)
    except ReportError as exc:
        raise ReportActionError(_problem(exc, db_url)) from None


# -- the portal procedures and the unanswered questions ------------------------------------------


@dataclass(frozen=True)
class GapRow:
    """One line of the gap list: a question or a portal procedure, how often, and what the KB has."""

    text: str  # the question, or the procedure's name (its id when the catalog has no name)
    count: int
    code: str | None = None  # the national code it matches; None: no sure match
    name: str | None = None  # the catalog's name of that code
    curated: str | None = None  # the KB entry that answers the code now
    curated_name: str | None = None
    draft: str | None = None  # the draft file already written for it
    gone: bool = False  # the catalog no longer has the code
    catalog_read: bool = True  # False: drafting would fail, so no button

    @property
    def can_draft(self) -> bool:
        return bool(self.code and self.catalog_read and not (self.curated or self.draft or self.gone))


@dataclass(frozen=True)
class _Known:
    """What the KB has: the entry answering each code, the draft written for each, the names."""

    owners: dict[str, str]
    drafts: dict[str, str]
    names: dict[str, str]

    @classmethod
    def of(cls, kb: KnowledgeBase | None) -> _Known:
        if kb is None:
            return cls({}, {}, {})
        return cls(kb_codes(kb), {d.code: d.file for d in kb.drafts if d.code},
                   {pid: p.name for pid, p in kb.procedures.items()})


def _portal(report: Report, limit: int, kb: KnowledgeBase | None, known: _Known,
            lookup: CatalogLookup) -> tuple[dict[str, str], list[Candidate], str | None]:
    """Names (curated ids and "portal:<code>" ids) and the portal candidates, as `caunoi report` makes them;
    why the catalog could not be read, if it could not."""
    shown = [pid for pid, _ in report.portal.most_common(limit)]
    found, problem = lookup.names(pid[len(PORTAL):] for pid in shown)
    names = dict(known.names)
    names.update({PORTAL + code: name for code, name in found.items() if name})
    gone = {PORTAL + code for code, name in found.items() if name is None}
    return names, candidates(report.portal, limit, names, kb, gone), problem


def _portal_rows(portal: list[Candidate], known: _Known, catalog_read: bool) -> list[GapRow]:
    return [GapRow(c.name or c.procedure_id, c.count, c.code, c.name, c.curated, known.names.get(c.curated or ""),
                   c.draft, c.gone, catalog_read) for c in portal]


def _question_rows(counts: list[tuple[str, int]], known: _Known, lookup: CatalogLookup,
                   catalog_read: bool) -> list[GapRow]:
    matches = lookup.matches(q for q, _ in counts) if catalog_read else {}
    names, _ = lookup.names(c for c in matches.values() if c) if any(matches.values()) else ({}, None)
    rows = []
    for question, count in counts:
        code = matches.get(question)
        curated = known.owners.get(code) if code else None
        rows.append(GapRow(question or EMPTY_QUESTION, count, code, names.get(code) if code else None, curated,
                           known.names.get(curated or ""), known.drafts.get(code) if code else None,
                           catalog_read=catalog_read))
    return rows


# -- charts ---------------------------------------------------------------------------------------


def _timeline(report: Report, today: date) -> tuple[str, list[tuple[date, str, int]]]:
    """("day" or "month", [(first day, label, messages)]): every day of the period, none left out,
    no further than the data when the period is open or longer than a year, nor past today."""
    if report.first_message is None or report.last_message is None:
        return "day", []
    first, last = report.first_message.date(), report.last_message.date()
    start, end = report.period.since or first, report.period.until or last
    end = max(min(end, today), last)
    if (end - start).days > 366:
        start, end = max(start, first), min(end, last)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    if len(days) <= DAILY_MAX:
        return "day", [(d, d.strftime("%d/%m/%Y"), report.days[d]) for d in days]
    months: Counter[date] = Counter()
    for d in days:
        months[d.replace(day=1)] += report.days[d]
    return "month", [(m, m.strftime("%m/%Y"), n) for m, n in sorted(months.items())]


def _chart(key: str, title: str, rows: list[tuple[str, int]], unit: str, columns: bool = False) -> dict[str, Any]:
    items = [Item(label, n, f"{label}: {number(n)} {unit}") for label, n in rows]
    svg = column_chart(items, title) if columns else bar_chart(items, title)
    return {"key": key, "title": title, "svg": svg, "rows": rows, "unit": unit}


def _charts(figures: dict[str, Any], report: Report, today: date) -> list[dict[str, Any]]:
    unit, timeline = _timeline(report, today)
    return [
        _chart("procedures", "Thủ tục được hỏi nhiều nhất",
               [(r["label"] or r["procedure_id"], r["count"]) for r in figures["procedures"]], "lượt hỏi"),
        _chart("topics", "Người dân hỏi về điều gì",
               [(TOPIC_LABELS.get(r["topic"], r["topic"]), r["count"]) for r in figures["topics"]], "lượt hỏi"),
        _chart("channels", "Hỏi qua kênh nào",
               [(CHANNEL_LABELS.get(r["channel"], r["channel"]), r["count"]) for r in figures["channels"]],
               "tin nhắn"),
        _chart("inputs", "Gõ chữ hay nói", [(INPUT_LABELS[k], figures["inputs"][k]) for k in ("text", "voice")],
               "tin nhắn"),
        _chart("timeline", "Số tin nhắn theo ngày" if unit == "day" else "Số tin nhắn theo tháng",
               [(label, n) for _, label, n in timeline], "tin nhắn", columns=True),
    ]


# -- the page -------------------------------------------------------------------------------------


def _today() -> date:
    return datetime.now(LOCAL_TZ).date()


def _bare_period_line(period: Period) -> str:
    if not (period.since or period.until):
        return "Khoảng thời gian: toàn bộ dữ liệu"
    since = period.since.strftime("%d/%m/%Y") if period.since else "…"
    until = period.until.strftime("%d/%m/%Y") if period.until else "…"
    return f"Khoảng thời gian: {since} – {until}, giờ Việt Nam (UTC+7)"


def report_page(db_url: str, period: Period, kb: KnowledgeBase | None, catalog_file: Path | None = None,
                top: int = 10) -> dict[str, Any]:
    """The context of report.html. A store that cannot be read is the page's `problem`, not an error;
    `message` (None) is there for the route to set. `kb` as it is now: a KB loaded again after a draft is
    written shows it drafted. `figures` is what `caunoi report --json --top <top>` prints."""
    today = _today()
    context: dict[str, Any] = {
        "since": period.since.isoformat() if period.since else "",
        "until": period.until.isoformat() if period.until else "",
        "quick": _quick_links(period, today), "today": today.isoformat(),
        "csv_href": _href(CSV_URL, period), "draft_action": DRAFT_URL, "top": top,
        "message": None, "problem": None, "period_line": _bare_period_line(period), "totals": None, "charts": [],
        "portal": [], "unanswered": [], "unclear": [], "catalog_note": None, "figures": None,
    }
    try:
        report = _collect(db_url, period)
    except ReportError as exc:
        context["problem"] = _problem(exc, db_url)
        return context
    lookup, known = catalog_lookup(catalog_file), _Known.of(kb)
    names, portal, problem = _portal(report, top, kb, known, lookup)
    figures = to_dict(report, top, names, portal)
    catalog_read = problem is None
    context.update(
        period_line=period_line(report),
        totals={"conversations": report.conversations, "user_messages": report.user_messages,
                "text": report.inputs["text"], "voice": report.inputs["voice"], "no_reply": report.no_reply},
        charts=_charts(figures, report, today),
        portal=_portal_rows(portal, known, catalog_read),
        unanswered=_question_rows(report.unanswered.most_common(top), known, lookup, catalog_read),
        unclear=[(q or EMPTY_QUESTION, n) for q, n in report.unclear.most_common(top)],
        catalog_note=None if catalog_read else "Chưa đọc được danh mục Cổng Dịch vụ công: thủ tục chỉ hiện mã, "
        "chưa soạn được bản nháp.",
        figures=figures,
    )
    return context


# -- the CSV --------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    # People's questions go in the file: one that starts like a formula must stay text in Excel.
    return "'" + text if text.startswith(_FORMULA_START) else text


def report_csv(db_url: str, period: Period, kb: KnowledgeBase | None, catalog_file: Path | None = None) -> str:
    """Every figure of the period, in long form: `section,key,label,count`, one row a figure, whole
    lists (not the page's top 10). Sections: period (since/until, count empty), totals
    (conversations, user_messages, no_reply), inputs, channels, days (every day, ISO date), procedures,
    portal_procedures, topics, unanswered, unclear. UTF-8 with a BOM, so Excel shows the Vietnamese
    letters. ReportActionError when the store cannot be read."""
    report = _read(db_url, period)
    everything = max(len(report.portal), 1)
    names, _, _ = _portal(report, everything, kb, _Known.of(kb), catalog_lookup(catalog_file))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)

    def rows(section: str, items: list[tuple[str, str, int | str]]) -> None:
        writer.writerows((section, _cell(key), _cell(label), count) for key, label, count in items)

    rows("period", [("since", report.period.since.isoformat() if report.period.since else "", ""),
                    ("until", report.period.until.isoformat() if report.period.until else "", "")])
    rows("totals", [("conversations", "Số cuộc trò chuyện", report.conversations),
                    ("user_messages", "Số tin nhắn của người dân", report.user_messages),
                    ("no_reply", "Tin nhắn trợ lý không trả lời (lỗi)", report.no_reply)])
    rows("inputs", [(k, INPUT_LABELS[k], report.inputs[k]) for k in ("text", "voice")])
    rows("channels", [(c, CHANNEL_LABELS.get(c, c), n) for c, n in report.channels.most_common()])
    rows("days", [(d.isoformat(), d.strftime("%d/%m/%Y"), n) for d, n in _every_day(report)])
    rows("procedures", [(p, names.get(p, p), n) for p, n in report.procedures.most_common()])
    rows("portal_procedures", [(p, names.get(p, p), n) for p, n in report.portal.most_common()])
    rows("topics", [(t, TOPIC_LABELS.get(t, t), n) for t, n in report.topics.most_common()])
    rows("unanswered", [(q, q or EMPTY_QUESTION, n) for q, n in report.unanswered.most_common()])
    rows("unclear", [(q, q or EMPTY_QUESTION, n) for q, n in report.unclear.most_common()])
    return "\ufeff" + out.getvalue()


def _every_day(report: Report) -> list[tuple[date, int]]:
    """Every day from the first to the last counted message, none left out (the CSV: by day, however long)."""
    if report.first_message is None or report.last_message is None:
        return []
    first, last = report.first_message.date(), report.last_message.date()
    days = (first + timedelta(days=i) for i in range((last - first).days + 1))
    return [(d, report.days[d]) for d in days]


def csv_filename(period: Period) -> str:
    """bao-cao-cau-noi_2025-11-01_2025-11-30.csv (ASCII: safe in a Content-Disposition header)."""
    since = period.since.isoformat() if period.since else "dau"
    until = period.until.isoformat() if period.until else "nay"
    return f"bao-cao-cau-noi_{since}_{until}.csv"


# -- the draft action -----------------------------------------------------------------------------

_REF = re.compile(r"^(?:portal:)?([0-9]\.[0-9]{6})$")  # ASCII digits: \d would take "１.０１００３８" too
_MESSAGES = (  # DraftError's English, as staff read it
    (re.compile(r"is already curated: (?P<path>.+) answers it$"),
     "Thủ tục {code} đã có trong kho ({file}): không cần soạn bản nháp."),
    (re.compile(r"^(?P<path>.+) already exists \(a draft\)"), "Đã có bản nháp {file}: mở tệp đó để sửa tiếp."),
    (re.compile(r"^(?P<path>.+) exists and is not a draft"),
     "Đã có tệp {file} và đó không phải bản nháp: không ghi đè. "
     "Soạn bằng lệnh `caunoi kb draft portal:{code} --id …`."),
    (re.compile(r"^no procedure "), "Danh mục Cổng Dịch vụ công hiện có không có thủ tục mã {code}."),
    (re.compile(r"^cannot read the national catalog"), "Chưa đọc được danh mục Cổng Dịch vụ công: chưa soạn được."),
    (re.compile(r"no such knowledge-base folder$"), "Không thấy thư mục kho thủ tục trên máy chủ."),
)


def _staff_message(exc: DraftError, code: str) -> str:
    text = str(exc)
    for pattern, message in _MESSAGES:
        found = pattern.search(text)
        if found:
            path = found.groupdict().get("path")
            return message.format(code=code, file=Path(path).name if path else "")
    return f"Không soạn được bản nháp cho thủ tục {code}."


def draft_entry(portal_code: str, kb_dir: Path, catalog_file: Path | None = None) -> str:
    """Write a draft KB entry for the portal procedure `portal_code` ("1.010038" or "portal:1.010038"),
    never over an existing file; the message for staff. ReportActionError says why not."""
    found = _REF.match((portal_code or "").strip()[:40])
    if not found:
        raise ReportActionError("Mã thủ tục không đúng: dạng 1.010038.")
    code = found.group(1)
    try:
        written = write_draft(PORTAL + code, kb_dir, catalog_file=catalog_file)
    except DraftError as exc:
        raise ReportActionError(_staff_message(exc, code)) from None
    except OSError as exc:  # a read-only or full disk: the route must not fail with a 500
        raise ReportActionError(f"Không ghi được bản nháp vào kho thủ tục ({exc.strerror or exc}).") from None
    shown = f"{kb_dir.name}/{written.path.name}"
    return (f"Đã soạn bản nháp {shown} cho thủ tục {code} {written.record.name}. Trợ lý chưa dùng bản nháp này: "
            "cán bộ viết lại cho dễ hiểu, kiểm tra, rồi xóa dòng draft: true.")
