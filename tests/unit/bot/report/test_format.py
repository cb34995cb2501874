"""The report as staff read it: the curated list and the portal procedures to curate, kept apart."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from bot.report.collect import collect
from bot.report.curation import Candidate
from bot.report.format import PORTAL_HEADING, render_json, render_text, write_chart

NAMES = {"khai_sinh": "Đăng ký khai sinh", "portal:1.010038": "Tách hộ", "portal:1.003677": "Khai báo tạm vắng"}


def _section(text: str, heading: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i]), len(lines))
    return lines[start + 1 : end]


def test_text_lists_portal_procedures_apart_with_names_and_the_command(portal_db_url: str) -> None:
    text = render_text(collect(portal_db_url), 10, NAMES)
    curated = _section(text, "Thủ tục được hỏi nhiều nhất")
    assert curated == ["  1  Đăng ký khai sinh (khai_sinh)"]  # no portal id among the curated
    portal = _section(text, PORTAL_HEADING)
    assert portal[0].startswith("  Thông tin chép từ Cổng, chưa được cán bộ kiểm tra")
    assert portal[1:3] == ["  3  Tách hộ (portal:1.010038)", "       Soạn bản nháp: caunoi kb draft portal:1.010038"]
    assert "  1  Khai báo tạm vắng (portal:1.003677)" in portal
    assert "  1  portal:9.999999" in portal  # no name: its code
    assert _section(text, "Câu hỏi trợ lý chưa trả lời được") == ["  1  xin học bổng cho con"]
    assert _section(text, "Câu hỏi trợ lý phải hỏi lại") == ["  1  làm giấy tờ đất"]


def test_text_says_when_a_draft_or_an_entry_exists(portal_db_url: str) -> None:
    report = collect(portal_db_url)
    portal = [Candidate("portal:1.010038", 3, "Tách hộ", draft="tach_ho.yml"),
              Candidate("portal:1.004884", 1, "Thủ tục đăng ký lại khai sinh", curated="khai_sinh")]
    lines = _section(render_text(report, 10, NAMES, portal), PORTAL_HEADING)
    assert lines[2].startswith("       Đã có bản nháp tach_ho.yml: viết lại cho dễ hiểu")
    assert lines[4] == "       Nay đã có trong kho: khai_sinh"
    assert not any("caunoi kb draft" in line for line in lines)


def test_json_has_a_portal_list(portal_db_url: str) -> None:
    data = json.loads(render_json(collect(portal_db_url), 2, NAMES))
    assert data["procedures"] == [{"procedure_id": "khai_sinh", "count": 1, "label": "Đăng ký khai sinh"}]
    assert data["portal_procedures"][0] == {
        "procedure_id": "portal:1.010038", "code": "1.010038", "count": 3, "label": "Tách hộ",
        "curated_as": None, "draft_file": None, "in_catalog": True, "draft_command": "caunoi kb draft portal:1.010038",
    }
    assert len(data["portal_procedures"]) == 2  # --top
    assert data["unanswered"] == [{"text": "xin học bổng cho con", "count": 1}]
    assert data["unclear"] == [{"text": "làm giấy tờ đất", "count": 1}]


def test_chart_with_portal_procedures(portal_db_url: str, tmp_path: Path) -> None:
    path = write_chart(collect(portal_db_url), tmp_path / "report.png", 10, NAMES)
    with Image.open(path) as image:
        image.verify()
        assert image.format == "PNG" and image.size[0] >= 800
