"""bot/catalog/importer.py: a crawl folder → the data file; duplicates merged, a re-import's changes
reported, and a bad folder refused without touching the data file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.catalog.importer import CatalogImportError, crawl_date, dedupe, import_crawl, read_crawl
from bot.catalog.store import read_catalog, write_catalog
from tests.support.portal import portal_record, write_crawl


@pytest.fixture()
def crawl(tmp_path: Path) -> Path:
    return write_crawl(tmp_path / "crawl", {
        "bo-cong-an/1.000001.json": portal_record("1.000001", "Đăng ký thường trú"),
        "bo-cong-an/1.000002.json": portal_record("1.000002", "Đăng ký tạm trú"),
        "bo-tu-phap/2.000001.json": portal_record("2.000001", "Đăng ký khai sinh", levels="Cấp xã"),
    })


def test_import_writes_every_record_and_reports_them_added(crawl: Path, tmp_path: Path) -> None:
    data = tmp_path / "catalog" / "portal.jsonl.gz"
    report = import_crawl(crawl, data, "2026-06")
    assert (report.files, report.crawled, report.merges) == (3, "2026-06", ())
    assert report.diff.added == ("1.000001", "1.000002", "2.000001")
    assert report.diff.changed == report.diff.removed == ()
    catalog = read_catalog(data)
    assert [r.code for r in catalog] == ["1.000001", "1.000002", "2.000001"]
    assert catalog.get("2.000001").ministries == ("bo-tu-phap",) and catalog.get("2.000001").crawled == "2026-06"
    assert {s.field: s.parsed for s in report.stats}["documents"] == 3


def test_a_newer_crawl_reports_added_changed_and_removed(crawl: Path, tmp_path: Path) -> None:
    data = tmp_path / "portal.jsonl.gz"
    import_crawl(crawl, data, "2026-06")
    newer = write_crawl(tmp_path / "newer", {
        "bo-cong-an/1.000001.json": portal_record("1.000001", "Đăng ký thường trú"),  # the same
        "bo-cong-an/1.000002.json": portal_record(  # the fee went up
            "1.000002", "Đăng ký tạm trú", channels="Trực tiếp3 Ngày làm việcLệ phí : 15.000 Đồng"),
        "bo-tu-phap/2.000009.json": portal_record("2.000009", "Đăng ký kết hôn"),  # new; 2.000001 is gone
    })
    report = import_crawl(newer, data, "2026-07")
    diff = report.diff
    assert (diff.added, diff.changed, diff.removed) == (("2.000009",), ("1.000002",), ("2.000001",))
    catalog = read_catalog(data)
    assert catalog.crawled == "2026-07"
    assert catalog.get("1.000002").channels[0].fee == "Lệ phí 15.000 đồng"
    again = import_crawl(newer, data, "2026-07")
    assert again.diff.added == again.diff.changed == again.diff.removed == ()


def test_the_same_page_saved_under_several_codes_becomes_one_record(tmp_path: Path) -> None:
    page = portal_record("1.014023", "Hỗ trợ phát triển sản xuất cộng đồng.")
    folder = write_crawl(tmp_path / "crawl", {
        "bo-cong-an/1.014208.json": {**page, "ma_thu_tuc": "1.014208"},
        "bo-cong-an/2.001709.json": {**page, "ma_thu_tuc": "2.001709"},
        "bo-tu-phap/1.002544.json": {**page, "ma_thu_tuc": "1.002544"},
    })
    records, merges = dedupe(read_crawl(folder, "2026-06"))
    assert [r.code for r in records] == ["1.014023"]
    assert records[0].ministries == ("bo-cong-an", "bo-tu-phap")
    assert records[0].aliases == ()  # the codes it was filed under belong to other procedures
    assert [(m.code, len(m.files)) for m in merges] == [("1.014023", 3)]


def test_the_same_name_in_several_ministries_becomes_one_record_found_by_either_code(tmp_path: Path) -> None:
    folder = write_crawl(tmp_path / "crawl", {
        "bo-tu-phap/2.000001.json": portal_record("2.000001", "Chứng thực bản sao từ bản chính"),
        "bo-cong-an/3.000001.json": portal_record("3.000001", "Chứng thực bản sao từ bản chính.", documents="--"),
        # the same name twice in one ministry is two procedures (a province's and a ministry's)
        "bo-cong-an/1.002359.json": portal_record("1.002359", "Cấp lại giấy phép", levels="Cấp tỉnh"),
        "bo-cong-an/2.000281.json": portal_record("2.000281", "Cấp lại giấy phép", levels="Cấp bộ"),
    })
    records, merges = dedupe(read_crawl(folder, "2026-06"))
    assert [r.code for r in records] == ["1.002359", "2.000001", "2.000281"]
    merged = records[1]
    assert merged.aliases == ("3.000001",) and merged.documents is not None  # the fuller copy is kept
    assert merged.ministries == ("bo-cong-an", "bo-tu-phap")
    assert [m.reason for m in merges] == ["the same name in several ministry folders"]


# -- bad input: named, and nothing changed -------------------------------------------------------------


@pytest.fixture()
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "portal.jsonl.gz"
    write_catalog(path, [], "2026-05")
    return path


def unchanged(path: Path, before: tuple[bytes, int]) -> bool:
    return (path.read_bytes(), path.stat().st_mtime_ns) == before and not list(path.parent.glob(".*.tmp"))


def attempt(folder: Path, data_file: Path) -> list[str]:
    before = (data_file.read_bytes(), data_file.stat().st_mtime_ns)
    with pytest.raises(CatalogImportError) as raised:
        import_crawl(folder, data_file, "2026-06")
    assert unchanged(data_file, before)
    return raised.value.problems


def test_a_missing_folder(tmp_path: Path, data_file: Path) -> None:
    assert attempt(tmp_path / "nope", data_file) == [f"{tmp_path / 'nope'}: no such folder"]


def test_an_empty_folder(tmp_path: Path, data_file: Path) -> None:
    (tmp_path / "empty" / "bo-cong-an").mkdir(parents=True)
    assert attempt(tmp_path / "empty", data_file) == [f"{tmp_path / 'empty'}: no portal records (*.json) in it"]


def test_a_file_instead_of_a_folder(tmp_path: Path, data_file: Path) -> None:
    assert "not a folder" in attempt(data_file, data_file)[0]


def test_a_corrupt_json_file_is_named(crawl: Path, data_file: Path) -> None:
    bad = crawl / "bo-cong-an" / "1.000003.json"
    bad.write_text('{"ma_thu_tuc": "1.000003", "ten_thu_tuc": ', encoding="utf-8")
    (problem,) = attempt(crawl, data_file)
    assert problem.startswith(f"{bad}: not valid JSON (line 1, column")


def test_records_without_code_or_name_are_all_named(crawl: Path, data_file: Path) -> None:
    no_code = {**portal_record(), "ma_thu_tuc": "", "raw_text": ""}
    no_name = {**portal_record("1.000005"), "ten_thu_tuc": ""}
    write_crawl(crawl, {"bo-cong-an/a.json": no_code, "bo-cong-an/b.json": no_name,
                        "bo-cong-an/c.json": ["not", "an", "object"]})
    (crawl / "bo-cong-an" / "d.json").write_bytes("{\"ten_thu_tuc\": \"Đ\"}".encode("utf-16"))
    problems = attempt(crawl, data_file)
    assert problems == [
        f"{crawl / 'bo-cong-an' / 'a.json'}: no code (ma_thu_tuc)",
        f"{crawl / 'bo-cong-an' / 'b.json'}: no name (ten_thu_tuc)",
        f"{crawl / 'bo-cong-an' / 'c.json'}: not a JSON object",
        f"{crawl / 'bo-cong-an' / 'd.json'}: not UTF-8 text",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file(crawl: Path, data_file: Path) -> None:
    locked = crawl / "bo-cong-an" / "1.000001.json"
    locked.chmod(0)
    try:
        assert "cannot read it" in attempt(crawl, data_file)[0]
    finally:
        locked.chmod(0o644)


def test_a_corrupt_previous_data_file_is_replaced_and_said_so(crawl: Path, tmp_path: Path) -> None:
    data = tmp_path / "portal.jsonl.gz"
    data.write_bytes(b"garbage")
    report = import_crawl(crawl, data, "2026-06")
    assert report.previous_unreadable and "not a readable gzip file" in report.previous_unreadable
    assert len(report.diff.added) == 3 and len(read_catalog(data)) == 3


def test_the_crawl_date() -> None:
    assert crawl_date("2026-06") == "2026-06" and crawl_date("2026-06-15") == "2026-06-15"
    with pytest.raises(ValueError, match="YYYY-MM"):
        crawl_date("June 2026")


def test_without_a_crawl_date_the_newest_files_day_is_used(crawl: Path, tmp_path: Path) -> None:
    stamp = 1_780_000_000  # 2026-05-28 UTC
    for path in crawl.rglob("*.json"):
        os.utime(path, (stamp, stamp))
    report = import_crawl(crawl, tmp_path / "portal.jsonl.gz")
    assert report.crawled in ("2026-05-28", "2026-05-29")  # the machine's time zone decides the day
