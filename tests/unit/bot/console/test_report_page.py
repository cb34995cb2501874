"""The Report page from real tracker databases (Rasa trackers saved through the project's store), the
repository's knowledge base and its national catalog: the same figures as `caunoi report --json`."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml
from markupsafe import Markup

from bot.cli import main
from bot.console.pages.report import (
    CSV_HEADER,
    PeriodError,
    ReportActionError,
    csv_filename,
    draft_entry,
    parse_period,
    report_csv,
    report_page,
)
from bot.console.templates import render
from bot.kb import load_kb
from bot.report.collect import Period, question_key
from tests.support.report_data import PERSONAL_DATA, PORTAL_TURNS, build_tracker_db

HOSTILE = '<script>alert("x")</script> "trích dẫn"'
FORMULA = "=HYPERLINK(\"http://x\";\"bấm\")"
# Unanswered questions: one a national record surely matches (not curated), one the curated tach_ho
# answers (the assistant did not understand it), and two nothing matches; a status turn in between.
GAP_TURNS = [
    ("telegram:20", "telegram", (2026, 8, 1, 9, 0, 0), "khai báo tạm vắng", "nlu_fallback", False,
     [("fallback", None)]),
    ("telegram:20", "telegram", (2026, 8, 1, 9, 1, 0), "Khai báo tạm vắng!", "nlu_fallback", False,
     [("fallback", None)]),
    ("zalo:21", "zalo", (2026, 8, 2, 9, 0, 0), "tách hộ", "out_of_scope", True, [("out_of_scope", None)]),
    ("zalo:21", "zalo", (2026, 8, 2, 9, 1, 0), HOSTILE, "nlu_fallback", False, [("fallback", None)]),
    ("rest-22", "rest", (2026, 8, 3, 9, 0, 0), FORMULA, "nlu_fallback", False, [("fallback", None)]),
    ("rest-22", "rest", (2026, 8, 3, 9, 1, 0), "hồ sơ của tôi đến đâu rồi", "ask_status", False, [("status", None)]),
]


@pytest.fixture(scope="module")
def dbs(root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("console-report")
    return {name: f"sqlite:///{build_tracker_db(root, folder / f'{name}.db', *turns)}"
            for name, turns in (("turns", ()), ("portal", (PORTAL_TURNS,)), ("gaps", (GAP_TURNS,)))}


@pytest.fixture(scope="module")
def kb(root: Path):
    return load_kb(root / "procedures_kb", log_drafts=False)


@pytest.fixture
def kb_dir(root: Path, tmp_path: Path) -> Path:
    """A throwaway KB: khai_sinh (its related codes hold 1.004884) and tach_ho (1.010038)."""
    folder = tmp_path / "procedures_kb"
    folder.mkdir()
    for name in ("khai_sinh.yml", "tach_ho.yml"):
        shutil.copy(root / "procedures_kb" / name, folder)
    return folder


def _cli_json(db_url: str, capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["report", "--db", db_url, "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def _chart(context: dict, key: str) -> list[tuple[str, int]]:
    return next(c["rows"] for c in context["charts"] if c["key"] == key)


# -- the figures ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["turns", "portal"])
def test_figures_are_those_of_caunoi_report_json(name: str, dbs: dict[str, str], kb,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    context = report_page(dbs[name], Period(), kb)
    cli = _cli_json(dbs[name], capsys)
    assert context["problem"] is None
    assert context["figures"] == cli
    totals = context["totals"]
    assert (totals["conversations"], totals["user_messages"], totals["no_reply"]) == (
        cli["conversations"], cli["user_messages"], cli["no_reply"])
    assert (totals["text"], totals["voice"]) == (cli["inputs"]["text"], cli["inputs"]["voice"])
    assert _chart(context, "procedures") == [(r["label"] or r["procedure_id"], r["count"]) for r in cli["procedures"]]
    assert [n for _, n in _chart(context, "topics")] == [r["count"] for r in cli["topics"]]
    assert [n for _, n in _chart(context, "channels")] == [r["count"] for r in cli["channels"]]
    assert _chart(context, "inputs") == [("gõ chữ", cli["inputs"]["text"]), ("giọng nói", cli["inputs"]["voice"])]
    assert sum(n for _, n in _chart(context, "timeline")) == cli["user_messages"]
    assert [(r.text, r.count) for r in context["unanswered"]] == [(r["text"], r["count"]) for r in cli["unanswered"]]
    assert [(r.code, r.count) for r in context["portal"]] == [(r["code"], r["count"]) for r in cli["portal_procedures"]]
    assert context["unclear"] == [(r["text"], r["count"]) for r in cli["unclear"]]


def test_labels_are_vietnamese(dbs: dict[str, str], kb) -> None:
    context = report_page(dbs["turns"], Period(), kb)
    assert context["totals"] == {"conversations": 4, "user_messages": 11, "text": 9, "voice": 2, "no_reply": 1}
    assert _chart(context, "procedures") == [("Đăng ký khai sinh", 2), ("Đăng ký kết hôn", 1), ("Đăng ký tạm trú", 1)]
    assert _chart(context, "topics")[:2] == [("không hiểu câu hỏi", 3), ("ngoài phạm vi", 2)]
    assert dict(_chart(context, "channels")) == {"Web / ứng dụng (REST)": 4, "Telegram": 3, "Zalo": 3,
                                                 "Máy ki-ốt ở xã": 1}
    # every day from the first message to the last, the empty ones too
    timeline = _chart(context, "timeline")
    assert timeline[0] == ("31/10/2025", 1) and timeline[-1] == ("10/11/2025", 4) and len(timeline) == 11
    assert ("01/11/2025", 0) in timeline
    assert context["period_line"] == "Khoảng thời gian: 31/10/2025 – 10/11/2025 (toàn bộ dữ liệu), giờ Việt Nam (UTC+7)"


def test_date_filter(dbs: dict[str, str], kb, capsys: pytest.CaptureFixture[str]) -> None:
    period = parse_period("2025-11-05", "")
    context = report_page(dbs["turns"], period, kb)
    cli = _cli_json(dbs["turns"], capsys, "--since", "2025-11-05")
    assert context["figures"] == cli and context["totals"]["user_messages"] == 6
    assert [d for d, _ in _chart(context, "timeline")][0] == "05/11/2025"
    assert context["since"] == "2025-11-05" and context["until"] == ""
    assert context["csv_href"] == "/console/report.csv?since=2025-11-05"

    one_day = report_page(dbs["turns"], parse_period("04/11/2025", "2025-11-04"), kb)
    assert one_day["totals"]["user_messages"] == 1 and _chart(one_day, "timeline") == [("04/11/2025", 1)]

    # longer than three months: by month, the period's months whole
    months = report_page(dbs["turns"], parse_period("2025-10-01", "2026-01-31"), kb)
    assert _chart(months, "timeline") == [("10/2025", 1), ("11/2025", 10), ("12/2025", 0), ("01/2026", 0)]
    assert next(c["title"] for c in months["charts"] if c["key"] == "timeline") == "Số tin nhắn theo tháng"

    empty = report_page(dbs["turns"], parse_period("2024-01-01", "2024-01-31"), kb)
    assert empty["totals"]["user_messages"] == 0 and _chart(empty, "timeline") == []
    assert "Không có tin nhắn nào" in render("report.html", **empty)


def test_quick_links_name_the_period_they_show(dbs: dict[str, str], kb) -> None:
    context = report_page(dbs["turns"], Period(), kb)
    links = {link["label"]: link for link in context["quick"]}
    assert links["Toàn bộ"]["href"] == "/console/report?since=" and links["Toàn bộ"]["current"]
    since, until = links["7 ngày qua"]["href"].removeprefix("/console/report?").split("&")
    days = date.fromisoformat(until.removeprefix("until=")) - date.fromisoformat(since.removeprefix("since="))
    assert days.days == 6


@pytest.mark.parametrize(("since", "until", "message"), [
    ("hôm qua", None, "Ngày bắt đầu không đúng: dùng dạng 2025-11-01"),
    ("2025-13-01", None, "Ngày bắt đầu không đúng"),
    (None, "2025-02-30", "Ngày kết thúc không đúng"),
    ("2025-11-01' OR 1=1 --", None, "Ngày bắt đầu không đúng"),
    ("2025-11-01" * 100, None, "Ngày bắt đầu không đúng"),
    ("1899-01-01", None, "Ngày bắt đầu phải trong khoảng năm 2000 đến 2099"),
    (None, "9999-12-31", "Ngày kết thúc phải trong khoảng năm 2000 đến 2099"),
    ("2025-11-05", "2025-11-01", "Ngày bắt đầu ở sau ngày kết thúc"),
])
def test_junk_dates_are_refused_with_a_message(since: str | None, until: str | None, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        parse_period(since, until)


def test_empty_dates_are_all_time_and_both_forms_are_read() -> None:
    assert parse_period(None, None) == Period() == parse_period("", "  ")
    assert parse_period(" 2025-11-01 ", "30/11/2025") == Period(date(2025, 11, 1), date(2025, 11, 30))


# -- the gap list -----------------------------------------------------------------------------------


def test_portal_procedures_with_what_the_kb_has(dbs: dict[str, str], kb_dir: Path) -> None:
    rows = {r.code: r for r in report_page(dbs["portal"], Period(), load_kb(kb_dir, log_drafts=False))["portal"]}
    assert rows["1.004837"].can_draft and rows["1.004837"].text == "Thủ tục đăng ký giám hộ"
    assert rows["1.010038"].curated == "tach_ho" and not rows["1.010038"].can_draft
    assert rows["1.004884"].curated == "khai_sinh"
    assert rows["9.999999"].gone and rows["9.999999"].text == "portal:9.999999" and not rows["9.999999"].can_draft


def test_unanswered_questions_matched_to_the_catalog(dbs: dict[str, str], kb_dir: Path) -> None:
    context = report_page(dbs["gaps"], Period(), load_kb(kb_dir, log_drafts=False))
    rows = {r.text: r for r in context["unanswered"]}
    assert rows["khai báo tạm vắng"].count == 2  # grouped as `caunoi report` groups them
    assert (rows["khai báo tạm vắng"].code, rows["khai báo tạm vắng"].name) == ("1.003677", "Khai báo tạm vắng")
    assert rows["khai báo tạm vắng"].can_draft
    assert rows["tách hộ"].code == "1.010038" and rows["tách hộ"].curated == "tach_ho"
    assert not rows["tách hộ"].can_draft
    assert rows[question_key(HOSTILE)].code is None and not rows[question_key(HOSTILE)].can_draft
    assert "hồ sơ của tôi đến đâu rồi" not in rows  # answered (status)


def test_draft_then_the_page_shows_it_drafted(dbs: dict[str, str], kb_dir: Path) -> None:
    message = draft_entry("1.003677", kb_dir)
    assert message.startswith("Đã soạn bản nháp procedures_kb/khai_bao_tam_vang.yml cho thủ tục 1.003677 "
                              "Khai báo tạm vắng.")
    assert "chưa dùng bản nháp" in message and "draft: true" in message
    data = yaml.safe_load((kb_dir / "khai_bao_tam_vang.yml").read_text(encoding="utf-8"))
    assert data["draft"] is True and data["code"] == "1.003677"

    row = next(r for r in report_page(dbs["gaps"], Period(), load_kb(kb_dir, log_drafts=False))["unanswered"]
               if r.code == "1.003677")
    assert row.draft == "khai_bao_tam_vang.yml" and not row.can_draft

    with pytest.raises(ReportActionError, match="Đã có bản nháp khai_bao_tam_vang.yml"):
        draft_entry("portal:1.003677", kb_dir)  # never written over, even a draft


@pytest.mark.parametrize(("code", "message"), [
    ("", "Mã thủ tục không đúng"),
    ("1.01003", "Mã thủ tục không đúng"),
    ("../../etc/passwd", "Mã thủ tục không đúng"),
    ("１.０１００３８", "Mã thủ tục không đúng"),  # full-width digits
    ("1.010038\n", None),  # surrounding spaces are dropped: this one is curated
    ("1.010038", "Thủ tục 1.010038 đã có trong kho \\(tach_ho.yml\\)"),
    ("9.999999", "không có thủ tục mã 9.999999"),
])
def test_draft_refusals_are_messages(code: str, message: str | None, kb_dir: Path) -> None:
    with pytest.raises(ReportActionError, match=message or "đã có trong kho"):
        draft_entry(code, kb_dir)
    assert sorted(p.name for p in kb_dir.iterdir()) == ["khai_sinh.yml", "tach_ho.yml"]


def test_draft_refusals_without_a_kb_or_a_catalog(tmp_path: Path, kb_dir: Path) -> None:
    with pytest.raises(ReportActionError, match="Không thấy thư mục kho thủ tục"):
        draft_entry("1.004837", tmp_path / "none")
    with pytest.raises(ReportActionError, match="Chưa đọc được danh mục Cổng"):
        draft_entry("1.004837", kb_dir, catalog_file=tmp_path / "none.jsonl.gz")


def test_without_the_catalog_codes_alone_and_no_draft_buttons(dbs: dict[str, str], kb, tmp_path: Path) -> None:
    context = report_page(dbs["portal"], Period(), kb, catalog_file=tmp_path / "none.jsonl.gz")
    assert context["catalog_note"].startswith("Chưa đọc được danh mục Cổng")
    assert all(not r.can_draft for r in context["portal"] + context["unanswered"])
    assert "portal:1.004837" in [r.text for r in context["portal"]]
    assert 'action="/console/report/draft"' not in render("report.html", **context)


# -- the page as HTML ---------------------------------------------------------------------------------


def test_the_page_renders_escaped_with_draft_forms(dbs: dict[str, str], kb_dir: Path) -> None:
    context = report_page(dbs["gaps"], parse_period("2026-08-01", "2026-08-31"), load_kb(kb_dir, log_drafts=False))
    html = render("report.html", **context, csrf_input=Markup('<input type="hidden" name="csrf" value="T0K">'))
    assert "<script>" not in html and 'alert("x")' not in html
    assert "“&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &#34;trích dẫn”" in html
    # one form per row that can be drafted, each with the CSRF field, the code and the view to go back to
    forms = html.split('<form method="post" action="/console/report/draft"')[1:]
    assert len(forms) == 1
    assert '<input type="hidden" name="csrf" value="T0K">' in forms[0]
    assert 'name="code" value="1.003677"' in forms[0] and 'name="since" value="2026-08-01"' in forms[0]
    assert "Soạn bản nháp" in forms[0]
    # no procedure was answered: that chart says so; the other four are drawn, their numbers beside them
    assert html.count('<svg class="chart"') == 4 and html.count("Xem số liệu") == 4
    assert "<p>Không có số liệu.</p>" in html
    assert 'href="/console/report.csv?since=2026-08-01&amp;until=2026-08-31"' in html
    assert "Kho đã có thủ tục này: Tách hộ (tach_ho)" in html


def test_nothing_personal_on_the_page(dbs: dict[str, str], kb) -> None:
    html = render("report.html", **report_page(dbs["turns"], Period(), kb))
    for secret in PERSONAL_DATA:
        assert secret not in html
    assert "[SĐT]" in html and "[TÊN]" in html


def test_an_unreadable_store_is_a_message_on_the_page(tmp_path: Path, kb) -> None:
    context = report_page(f"sqlite:///{tmp_path / 'none.db'}", Period(), kb)
    assert context["problem"] == "Chưa có dữ liệu trò chuyện: trợ lý chưa chạy lần nào trên máy này."
    assert "Chưa có dữ liệu trò chuyện" in render("report.html", **context)
    hidden = report_page("postgresql://caunoi:s3cret@127.0.0.1:1/caunoi", Period(), kb)["problem"]
    assert hidden.startswith("Không đọc được dữ liệu trò chuyện") and "s3cret" not in hidden
    with pytest.raises(ReportActionError, match="Chưa có dữ liệu trò chuyện"):
        report_csv(f"sqlite:///{tmp_path / 'none.db'}", Period(), kb)


# -- the CSV ------------------------------------------------------------------------------------------


def _csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # the BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_HEADER
    return rows


def _section(rows: list[dict[str, str]], name: str) -> dict[str, int]:
    return {r["key"]: int(r["count"]) for r in rows if r["section"] == name}


def test_csv_parses_back_and_adds_up(dbs: dict[str, str], kb, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _csv(report_csv(dbs["turns"], Period(), kb))
    cli = _cli_json(dbs["turns"], capsys, "--top", "1000")
    totals = _section(rows, "totals")
    assert totals == {"conversations": 4, "user_messages": 11, "no_reply": 1}
    for section in ("inputs", "channels", "days"):
        assert sum(_section(rows, section).values()) == totals["user_messages"], section
    assert _section(rows, "channels") == {r["channel"]: r["count"] for r in cli["channels"]}
    assert _section(rows, "procedures") == {r["procedure_id"]: r["count"] for r in cli["procedures"]}
    assert _section(rows, "topics") == {r["topic"]: r["count"] for r in cli["topics"]}
    assert _section(rows, "unanswered") == {r["text"]: r["count"] for r in cli["unanswered"]}
    assert _section(rows, "unclear") == {r["text"]: r["count"] for r in cli["unclear"]}
    assert _section(rows, "days")["2025-11-01"] == 0 and len(_section(rows, "days")) == 11
    labels = {r["key"]: r["label"] for r in rows if r["section"] in ("procedures", "topics")}
    assert labels["khai_sinh"] == "Đăng ký khai sinh" and labels["fallback"] == "không hiểu câu hỏi"
    assert [(r["key"], r["label"], r["count"]) for r in rows if r["section"] == "period"] == [
        ("since", "", ""), ("until", "", "")]
    text = report_csv(dbs["turns"], Period(), kb)
    for secret in PERSONAL_DATA:
        assert secret not in text


def test_csv_of_a_period_and_of_portal_procedures(dbs: dict[str, str], kb) -> None:
    rows = _csv(report_csv(dbs["portal"], parse_period("2026-07-01", "2026-07-02"), kb))
    assert _section(rows, "totals")["user_messages"] == 4
    assert _section(rows, "portal_procedures") == {"portal:1.010038": 3, "portal:1.003677": 1}
    assert {r["label"] for r in rows if r["section"] == "portal_procedures"} == {"Tách hộ", "Khai báo tạm vắng"}
    assert [r["label"] for r in rows if r["section"] == "period"] == ["2026-07-01", "2026-07-02"]
    assert csv_filename(parse_period("2026-07-01", "2026-07-02")) == "bao-cao-cau-noi_2026-07-01_2026-07-02.csv"
    assert csv_filename(Period()) == "bao-cao-cau-noi_dau_nay.csv"


def test_csv_cells_are_never_formulas(dbs: dict[str, str], kb) -> None:
    rows = _csv(report_csv(dbs["gaps"], Period(), kb))
    questions = Counter({r["label"]: int(r["count"]) for r in rows if r["section"] == "unanswered"})
    assert questions["'" + question_key(FORMULA)] == 1 and not any(q.startswith("=") for q in questions)
    assert questions[question_key(HOSTILE)] == 1  # plain text in a CSV: nothing to escape



def test_a_kb_folder_that_cannot_be_written_is_a_message(kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "write_text", refuse)
    with pytest.raises(ReportActionError, match=r"Không ghi được bản nháp vào kho thủ tục \(Permission denied\)"):
        draft_entry("1.004837", kb_dir)
