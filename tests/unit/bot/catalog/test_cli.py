"""bot/catalog/cli.py: `caunoi catalog import|stats`, in this process (tests/e2e/test_catalog_cli.py runs
the installed command)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.support.portal import portal_record, write_crawl


@pytest.fixture()
def crawl(tmp_path: Path) -> Path:
    page = portal_record("1.014023", "Hỗ trợ phát triển sản xuất cộng đồng.")
    return write_crawl(tmp_path / "crawl", {
        "bo-cong-an/1.000001.json": portal_record("1.000001"),
        "bo-cong-an/1.014208.json": {**page, "ma_thu_tuc": "1.014208"},
        "bo-tu-phap/1.002544.json": {**page, "ma_thu_tuc": "1.002544"},
    })


def test_import_prints_the_changes_the_merges_and_the_field_counts(
    crawl: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "out" / "portal.jsonl.gz"
    assert main(["catalog", "import", str(crawl), "--crawled", "2026-06", "--data", str(data)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Imported 2 procedures from 3 files (crawl 2026-06) into {data} (")
    assert out[1] == "added 2, changed 0, removed 0"
    assert out[2] == "merged 1 duplicates into 1 records:"
    assert out[3].startswith("  1.014023 (") and "bo-cong-an/1.014208.json, bo-tu-phap/1.002544.json" in out[3]
    assert any(line.startswith("documents ") and "2 / 2" in line for line in out)
    assert data.exists()

    assert main(["catalog", "stats", "--data", str(data)]) == 0
    stats = capsys.readouterr().out.splitlines()
    assert stats[0] == "2 procedures, crawl 2026-06"
    assert any(line.startswith("channels: fee") and "2 / 2" in line for line in stats)


def test_import_without_a_crawl_date_says_which_it_used(crawl: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "import", str(crawl), "--data", str(tmp_path / "p.jsonl.gz")]) == 0
    assert "is the newest file's date; pass --crawled YYYY-MM" in capsys.readouterr().out


def test_a_bad_folder_names_the_file_exits_non_zero_and_changes_nothing(
    crawl: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "portal.jsonl.gz"
    assert main(["catalog", "import", str(crawl), "--crawled", "2026-06", "--data", str(data)]) == 0
    before = data.read_bytes()
    broken = crawl / "bo-cong-an" / "1.000009.json"
    broken.write_text("{", encoding="utf-8")
    capsys.readouterr()
    assert main(["catalog", "import", str(crawl), "--crawled", "2026-07", "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert f"error: {broken}: not valid JSON" in err and f"Nothing imported: {data} is unchanged." in err
    assert data.read_bytes() == before


def test_stats_on_a_missing_file_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "stats", "--data", str(tmp_path / "none.jsonl.gz")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file" in err and "caunoi catalog import" in err


def test_a_bad_crawl_date_is_refused_by_the_parser(crawl: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["catalog", "import", str(crawl), "--crawled", "June"])
    assert exited.value.code == 2 and "use YYYY-MM or YYYY-MM-DD" in capsys.readouterr().err
