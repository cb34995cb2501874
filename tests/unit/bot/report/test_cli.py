"""`caunoi report` in-process: portal procedures named from the repository's catalog, or by code without it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main


def test_text_names_portal_procedures_and_says_what_is_curated(portal_db_url: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--db", portal_db_url]) == 0
    out = capsys.readouterr().out.splitlines()
    at = out.index("  1  Thủ tục đăng ký giám hộ (portal:1.004837)")
    assert out[at + 1] == "       Soạn bản nháp: caunoi kb draft portal:1.004837"
    # asked from the portal, then curated through that loop (procedures_kb/tach_ho.yml)
    at = out.index("  3  Tách hộ (portal:1.010038)")
    assert out[at + 1] == "       Nay đã có trong kho: tach_ho"
    # answered from the portal before the curated khai_sinh took its code
    at = out.index("  1  Thủ tục đăng ký lại khai sinh (portal:1.004884)")
    assert out[at + 1] == "       Nay đã có trong kho: khai_sinh"
    # a code this crawl does not have: no command that would fail
    at = out.index("  1  portal:9.999999")
    assert out[at + 1] == "       Không còn trong danh mục Cổng hiện có (mã đã đổi hoặc bị bỏ)"


def test_without_the_catalog_codes_alone(portal_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CAUNOI_CATALOG", str(tmp_path / "none.jsonl.gz"))
    assert main(["report", "--db", portal_db_url, "--json"]) == 0
    captured = capsys.readouterr()
    rows = {row["procedure_id"]: row for row in json.loads(captured.out)["portal_procedures"]}
    assert rows["portal:1.004837"]["label"] is None and rows["portal:1.004837"]["count"] == 1
    assert rows["portal:1.004837"]["draft_command"] == "caunoi kb draft portal:1.004837"
    assert rows["portal:1.010038"]["count"] == 3 and rows["portal:1.010038"]["draft_command"] is None
    # unread catalog: a code it may have is not called gone
    assert rows["portal:9.999999"]["in_catalog"] is True and rows["portal:9.999999"]["draft_command"]
    assert "national catalog not read" in captured.err and "none.jsonl.gz" in captured.err
