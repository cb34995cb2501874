"""`caunoi report` as staff run it: text, JSON, the PNG chart, errors, and a real running assistant."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from tests.support.assistant import RunningAssistant
from tests.support.paths import ROOT
from tests.support.report_data import PERSONAL_DATA, build_tracker_db


def _report(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "report", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=300, env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def db_url(root: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{build_tracker_db(root, tmp_path_factory.mktemp('report-cli') / 'trackers.db')}"


def test_text_report_and_chart(db_url: str, tmp_path: Path) -> None:
    chart = tmp_path / "charts" / "report.png"
    result = _report("--db", db_url, "--top", "2", "--chart", str(chart))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for line in (
        "Khoảng thời gian: 31/10/2025 – 10/11/2025 (toàn bộ dữ liệu), giờ Việt Nam (UTC+7)",
        "Số cuộc trò chuyện: 4",
        "Số tin nhắn của người dân: 11 (gõ chữ: 9, giọng nói: 2)",
        "Thủ tục được hỏi nhiều nhất (top 2)",
        "  2  Đăng ký khai sinh (khai_sinh)",
        "  3  không hiểu câu hỏi (fallback)",
        "  2  thời tiết hôm nay thế nào",
        "  2  gọi lại cho tôi [SĐT] nhé",
        "  1  cần mang gì",
        "  4  rest",
        f"Biểu đồ: {chart}",
    ):
        assert line in out.splitlines(), f"{line!r} missing from:\n{out}"
    assert "tam_tru" not in out  # --top 2
    for secret in PERSONAL_DATA:
        assert secret not in out
    with Image.open(chart) as image:
        image.verify()
        assert image.format == "PNG" and image.size[0] >= 800


def test_json_report_with_period(db_url: str) -> None:
    result = _report("--db", db_url, "--json", "--since", "2025-11-05", "--until", "2025-11-30")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["period"] == {
        "since": "2025-11-05", "until": "2025-11-30", "timezone": "Asia/Ho_Chi_Minh",
        "first_message": "2025-11-05T06:00:00+07:00", "last_message": "2025-11-10T14:03:00+07:00",
    }
    assert (data["conversations"], data["user_messages"]) == (2, 6)
    assert data["procedures"] == [{"procedure_id": "ket_hon", "count": 1, "label": "Đăng ký kết hôn"}]
    assert data["unanswered"][0] == {"text": "gọi lại cho tôi [SĐT] nhé", "count": 2}
    assert data["unclear"] == [{"text": "cần mang gì", "count": 1}]
    assert data["channels"] == [{"channel": "rest", "count": 4}, {"channel": "zalo", "count": 2}]
    assert data["inputs"] == {"text": 6, "voice": 0}


def test_json_stays_pure_with_a_chart(db_url: str, tmp_path: Path) -> None:
    result = _report("--db", db_url, "--json", "--chart", str(tmp_path / "x.png"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["user_messages"] == 11
    assert (tmp_path / "x.png").stat().st_size > 0


def test_missing_database_is_one_clear_line(tmp_path: Path) -> None:
    result = _report("--db", f"sqlite:///{tmp_path / 'nothing.db'}")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: no conversation database at {tmp_path / 'nothing.db'} (start the assistant first, or give --db)"
    )
    # the default database is the data folder's trackers.db
    result = _report(env={"CAUNOI_DATA_DIR": str(tmp_path / "empty-data")})
    assert result.returncode == 2
    assert f"no conversation database at {tmp_path / 'empty-data' / 'trackers.db'}" in result.stderr
    assert not (tmp_path / "empty-data").exists()


def test_bad_arguments(db_url: str) -> None:
    result = _report("--db", db_url, "--since", "05/11/2025")
    assert result.returncode == 2 and "use YYYY-MM-DD" in result.stderr
    result = _report("--db", db_url, "--since", "2025-11-10", "--until", "2025-11-01")
    assert result.returncode == 2 and "--since is after --until" in result.stderr


def _ask(assistant: RunningAssistant, sender: str, message: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(assistant.url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def test_report_of_a_real_running_assistant(assistant: RunningAssistant) -> None:
    """What the real engine stores: answered turns count their procedure, an unknown question is
    listed as unanswered, and the phone number in it is redacted. Read while the assistant runs."""
    sender = "report-test-1"
    topics = [
        reply.get("custom", {}).get("topic")
        for message in ("làm giấy khai sinh cần gì", "mất bao lâu", "thời tiết hôm nay thế nào, gọi tôi 0912345678")
        for reply in _ask(assistant, sender, message)
    ]
    assert "out_of_scope" in topics or "fallback" in topics

    result = _report("--db", f"sqlite:///{assistant.data_dir / 'trackers.db'}", "--json", "--top", "50")
    assert result.returncode == 0, result.stderr
    assert "0912345678" not in result.stdout
    data = json.loads(result.stdout)
    assert data["user_messages"] >= 3 and data["conversations"] >= 1
    assert any(row["channel"] == "rest" for row in data["channels"])
    assert any(row["procedure_id"] == "khai_sinh" and row["count"] >= 2 for row in data["procedures"])
    assert any(row["text"] == "thời tiết hôm nay thế nào, gọi tôi [SĐT]" for row in data["unanswered"])

    text = _report("--db", f"sqlite:///{assistant.data_dir / 'trackers.db'}", "--top", "50").stdout
    assert "thời tiết hôm nay thế nào, gọi tôi [SĐT]" in text and "0912345678" not in text
