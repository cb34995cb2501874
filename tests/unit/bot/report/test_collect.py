"""The report's numbers from a real tracker database (Rasa trackers saved through our SQL store)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bot.report.collect import Period, ReportError, collect, question_key
from bot.report.format import render_json, render_text
from tests.support.report_data import PERSONAL_DATA, build_tracker_db


@pytest.fixture(scope="module")
def db_url(root: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    db = build_tracker_db(root, tmp_path_factory.mktemp("report") / "trackers.db")
    return f"sqlite:///{db}"


def test_the_store_holds_what_rasa_saved(db_url: str) -> None:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        kinds = dict(conn.execute("SELECT type_name, count(*) FROM events GROUP BY type_name").fetchall())
    assert kinds["user"] == 12 and kinds["bot"] == 11  # 11 people's messages + 1 external notice


def test_whole_history(db_url: str) -> None:
    report = collect(db_url)
    assert report.conversations == 4
    assert report.user_messages == 11
    assert report.channels == {"telegram": 3, "zalo": 3, "rest": 4, "kiosk": 1}
    assert report.inputs == {"voice": 2, "text": 9}
    # only answers count: the fallback/out-of-scope replies that still carry a procedure do not
    assert report.procedures.most_common() == [("khai_sinh", 2), ("ket_hon", 1), ("tam_tru", 1)]
    assert report.topics == {
        "documents": 1, "time": 1, "out_of_scope": 2, "fallback": 3, "clarify": 1, "fee": 1, "where": 1,
    }
    assert report.unanswered.most_common() == [
        ("thời tiết hôm nay thế nào", 2),
        ("gọi lại cho tôi [SĐT] nhé", 2),
        ("tên tôi là [TÊN], hồ sơ [MÃ HỒ SƠ] sao chưa xong", 1),
    ]
    assert report.unclear == {"cần mang gì": 1}
    assert report.no_reply == 1
    assert report.first_message.date() == date(2025, 10, 31)
    assert report.last_message.date() == date(2025, 11, 10)
    # by local day: 2025-11-05 06:00 in Vietnam is 2025-11-04 in UTC
    assert report.days == {date(2025, 10, 31): 1, date(2025, 11, 3): 3, date(2025, 11, 4): 1, date(2025, 11, 5): 2,
                           date(2025, 11, 10): 4}


def test_nothing_personal_in_the_rendered_report(db_url: str) -> None:
    report = collect(db_url)
    for rendered in (render_text(report), render_json(report)):
        for secret in PERSONAL_DATA:
            assert secret not in rendered
        assert "[SĐT]" in rendered and "[TÊN]" in rendered and "[MÃ HỒ SƠ]" in rendered


def test_one_local_day_includes_a_reply_after_midnight(db_url: str) -> None:
    report = collect(db_url, Period(date(2025, 11, 4), date(2025, 11, 4)))
    # 2025-11-05 06:00 in Vietnam is still 2025-11-04 in UTC: local days decide, so it is out
    assert report.user_messages == 1 and report.conversations == 1
    assert report.unanswered == {"thời tiết hôm nay thế nào": 1}  # its reply came at 00:00:00.5


def test_since_and_until(db_url: str) -> None:
    since = collect(db_url, Period(since=date(2025, 11, 5)))
    assert (since.user_messages, since.conversations) == (6, 2)
    assert since.channels == {"zalo": 2, "rest": 4}
    assert since.unanswered.most_common(1) == [("gọi lại cho tôi [SĐT] nhé", 2)]
    assert "thời tiết hôm nay thế nào" not in since.unanswered  # its late reply alone is no turn

    until = collect(db_url, Period(until=date(2025, 11, 3)))
    assert (until.user_messages, until.conversations) == (4, 2)
    assert until.procedures == {"khai_sinh": 2, "tam_tru": 1}
    assert until.inputs == {"voice": 2, "text": 2}

    empty = collect(db_url, Period(date(2026, 1, 1), date(2026, 1, 31)))
    assert empty.user_messages == 0 and empty.first_message is None
    assert "Không có tin nhắn nào trong khoảng thời gian này." in render_text(empty)


def test_question_key_groups_and_redacts() -> None:
    assert question_key("  Thời tiết   HÔM NAY?? ") == "thời tiết hôm nay"
    assert question_key("Tên tôi là H'Hen Niê, SĐT 0912345678") == "tên tôi là [TÊN], sđt [SĐT]"
    assert question_key(None) == ""


def test_missing_or_wrong_database(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="no conversation database"):
        collect(f"sqlite:///{tmp_path / 'none.db'}")
    other = tmp_path / "other.db"
    sqlite3.connect(other).close()
    with pytest.raises(ReportError, match="no Rasa 'events' table"):
        collect(f"sqlite:///{other}")
    assert not (tmp_path / "none.db").exists()  # read-only: nothing created


def test_read_only(db_url: str) -> None:
    from bot.report.collect import open_engine

    engine = open_engine(db_url)
    with engine.connect() as conn, pytest.raises(Exception, match="readonly"):
        conn.exec_driver_sql("DELETE FROM events")
    engine.dispose()


def test_portal_answers_are_counted_apart_from_curated_ones(portal_db_url: str) -> None:
    report = collect(portal_db_url)
    assert report.user_messages == 10
    # per turn: the first Tách hộ turn has two replies about it and counts once
    assert report.portal == {
        "portal:1.010038": 3, "portal:1.003677": 1, "portal:1.004837": 1, "portal:9.999999": 1, "portal:1.004884": 1,
    }
    assert report.procedures == {"khai_sinh": 1}  # the curated list holds no portal id


def test_nothing_close_is_unanswered_and_a_portal_choice_is_unclear(portal_db_url: str) -> None:
    report = collect(portal_db_url)
    assert report.unanswered == {"xin học bổng cho con": 1}  # the catalog's "nothing close"
    assert report.unclear == {"làm giấy tờ đất": 1}  # close portal procedures offered to choose from
    assert report.topics["unknown_procedure"] == 1 and report.topics["clarify"] == 1
