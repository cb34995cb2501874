"""`caunoi catalog import|stats`, run as staff run them: the installed `caunoi` command, a separate process."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT, SHARED
from tests.support.portal import portal_record, write_crawl

CAUNOI = Path(sys.executable).parent / "caunoi"  # .venv/bin/caunoi
SHIPPED = ROOT / "catalog" / "portal_catalog.jsonl.gz"
CRAWL = SHARED / "portal_catalog"


def caunoi(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CAUNOI_CATALOG"}
    return subprocess.run([str(CAUNOI), "catalog", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def test_importing_the_shared_crawl_reproduces_the_shipped_data_file(tmp_path: Path) -> None:
    """The data file in the repository is what the current parser makes of the June 2026 crawl: a
    parser change that is not re-imported fails here (`caunoi catalog import ../shared/portal_catalog
    --crawled 2026-06`)."""
    if not CRAWL.is_dir():
        pytest.skip(f"{CRAWL} is absent: the shipped data file is checked against the shared crawl when it is there")
    data = tmp_path / "portal_catalog.jsonl.gz"
    done = caunoi("import", str(CRAWL), "--crawled", "2026-06", "--data", str(data))
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[0].startswith(f"Imported 2627 procedures from 2642 files (crawl 2026-06) into {data}")
    assert out[1] == "added 2627, changed 0, removed 0"
    assert "merged 15 duplicates into 2 records:" in out
    assert data.read_bytes() == SHIPPED.read_bytes(), "re-import the shared crawl: the parser changed"

    again = caunoi("import", str(CRAWL), "--crawled", "2026-06", "--data", str(data))
    assert again.stdout.splitlines()[1] == "added 0, changed 0, removed 0"


def test_stats_over_the_shipped_data_file() -> None:
    done = caunoi("stats")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "2627 procedures, crawl 2026-06"
    counts = dict(re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in lines[2:])
    assert "2627 / 2627" in counts["name"] and "2627 / 2627" in counts["channels"]
    assert int(counts["documents"].split("/")[0]) >= 2550


def test_a_reimport_reports_what_changed_and_a_bad_folder_changes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "portal.jsonl.gz"
    crawl = write_crawl(tmp_path / "crawl", {
        "bo-cong-an/1.000001.json": portal_record("1.000001", "Đăng ký thường trú"),
        "bo-cong-an/1.000002.json": portal_record("1.000002", "Đăng ký tạm trú"),
    })
    assert caunoi("import", str(crawl), "--crawled", "2026-06", "--data", str(data)).returncode == 0

    shutil.rmtree(crawl / "bo-cong-an")
    write_crawl(crawl, {
        "bo-cong-an/1.000001.json": portal_record("1.000001", "Đăng ký thường trú", authority="Công an xã"),
        "bo-tu-phap/2.000001.json": portal_record("2.000001", "Đăng ký khai sinh"),
    })
    done = caunoi("import", str(crawl), "--crawled", "2026-07", "--data", str(data))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:5] == [
        "added 1, changed 1, removed 1", "  added: 2.000001", "  changed: 1.000001", "  removed: 1.000002"]

    before = data.read_bytes()
    (crawl / "bo-tu-phap" / "2.000002.json").write_text('{"ma_thu_tuc": "2.000002"}', encoding="utf-8")
    (crawl / "bo-tu-phap" / "2.000003.json").write_text("not json", encoding="utf-8")
    bad = caunoi("import", str(crawl), "--crawled", "2026-08", "--data", str(data))
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.splitlines() == [
        f"error: {crawl / 'bo-tu-phap' / '2.000002.json'}: no name (ten_thu_tuc)",
        f"error: {crawl / 'bo-tu-phap' / '2.000003.json'}: not valid JSON (line 1, column 1: Expecting value)",
        f"Nothing imported: {data} is unchanged.",
    ]
    assert data.read_bytes() == before

    missing = caunoi("import", str(tmp_path / "nowhere"), "--data", str(data))
    assert missing.returncode == 2 and f"{tmp_path / 'nowhere'}: no such folder" in missing.stderr
    assert "Traceback" not in missing.stderr + bad.stderr
