"""bot/catalog/store.py: the data file (gzipped, sorted JSON Lines) and the start-up loader."""

from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

import pytest

from bot.catalog.model import CatalogRecord, Channel, Document, LegalDoc
from bot.catalog.store import (
    CatalogFileError,
    catalog_header,
    catalog_path,
    encode,
    load_catalog,
    read_catalog,
    record_from_dict,
    record_to_dict,
    write_catalog,
)

FULL = CatalogRecord(
    code="1.000001", name="Đăng ký thường trú", url="https://dichvucong.gov.vn/1", levels=("Cấp xã",),
    field="Cư trú", applicants=("Công dân Việt Nam",), authority="Công an cấp xã", competent="Công an tỉnh",
    where="Công an xã", documents=(Document("Tờ khai", "1 bản chính", ("CT01.docx",), "Trường hợp A"),),
    channels=(Channel("in_person", "7 ngày làm việc", "Lệ phí 20.000 đồng", "Miễn hộ nghèo", "Nộp ở xã"),),
    steps=("Bước 1: Nộp.",), conditions="Có chỗ ở hợp pháp.", results=("Xác nhận cư trú",),
    legal_basis=(LegalDoc("Luật Cư trú", "68/2020/QH14"),), ministries=("bo-cong-an",), aliases=("2.000001",),
    crawled="2026-06",
)
BARE = CatalogRecord(code="0.000002", name="Thủ tục trống", url="", crawled="2026-06")


def test_a_record_survives_the_round_trip_and_empty_fields_are_left_out() -> None:
    assert record_from_dict(record_to_dict(FULL), "2026-06") == FULL
    assert record_to_dict(BARE) == {"code": "0.000002", "name": "Thủ tục trống"}
    assert record_from_dict(record_to_dict(BARE), "2026-06") == BARE


def test_the_file_is_sorted_json_lines_with_a_header(tmp_path: Path) -> None:
    path = tmp_path / "catalog" / "portal.jsonl.gz"
    size = write_catalog(path, [FULL, BARE], "2026-06")
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    assert size == path.stat().st_size
    assert json.loads(lines[0]) == {"catalog": "Cổng Dịch vụ công quốc gia", "format": 1, "crawled": "2026-06",
                                    "records": 2}
    assert [json.loads(line)["code"] for line in lines[1:]] == ["0.000002", "1.000001"]
    catalog = read_catalog(path)
    assert catalog.crawled == "2026-06" and catalog.records == (BARE, FULL)


def test_the_same_records_give_the_same_bytes() -> None:
    assert encode([FULL, BARE], "2026-06") == encode([BARE, FULL], "2026-06")


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "portal.jsonl.gz"
    write_catalog(path, [FULL], "2026-06")
    before = path.read_bytes()
    broken = CatalogRecord(code="9.9", name="x", url="", documents=(object(),))  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        write_catalog(path, [FULL, broken], "2026-07")
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["portal.jsonl.gz"]


def test_a_failed_rename_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "portal.jsonl.gz"
    target.mkdir()  # a folder in the way: the rename fails
    (target / "keep").write_text("x")
    with pytest.raises(OSError):
        write_catalog(target, [FULL], "2026-06")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portal.jsonl.gz"]


def gz(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"))


@pytest.mark.parametrize("content, problem", [
    (None, "no such file"),
    (b"plain text, not gzip", "not a readable gzip file"),
    (gz(""), "empty file"),
    (gz('{"format": 99, "records": 0}\n'), "line 1: not a catalog header"),
    (gz('{"format": 1, "records": 1}\n{"code": "1.1", "name": \n'), "line 2: not valid JSON"),
    (gz('{"format": 1, "records": 1}\n{"name": "no code"}\n'), "line 2: not a catalog record"),
    (gz('{"format": 1, "records": 1}\n["a list"]\n'), "line 2: not a catalog record"),
    (gz('{"format": 1, "records": 2}\n{"code": "1.1", "name": "A"}\n'), "header says 2 records, the file has 1"),
])
def test_a_bad_file_is_named_with_its_problem(tmp_path: Path, content: bytes | None, problem: str) -> None:
    path = tmp_path / "portal.jsonl.gz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CatalogFileError, match=problem) as raised:
        read_catalog(path)
    assert str(raised.value).startswith(str(path))


@pytest.mark.parametrize("content", [None, b"\x1f\x8b garbage"])
def test_load_catalog_starts_empty_with_one_log_line_on_a_missing_or_corrupt_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes | None
) -> None:
    path = tmp_path / "portal.jsonl.gz"
    if content is not None:
        path.write_bytes(content)
    with caplog.at_level(logging.INFO, logger="bot.catalog.store"):
        catalog = load_catalog(path)
    assert len(catalog) == 0 and not catalog
    assert len(caplog.records) == 1
    line = caplog.records[0]
    assert line.levelno == logging.WARNING and str(path) in line.getMessage()
    assert "curated knowledge base only" in line.getMessage()


def test_load_catalog_reads_a_good_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "portal.jsonl.gz"
    write_catalog(path, [FULL], "2026-06")
    with caplog.at_level(logging.INFO, logger="bot.catalog.store"):
        catalog = load_catalog(path)
    assert catalog.get("1.000001") == FULL and catalog.get("2.000001") == FULL
    assert [r.levelno for r in caplog.records] == [logging.INFO]


def test_the_data_file_is_in_the_project_unless_the_environment_says_otherwise(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, root: Path
) -> None:
    monkeypatch.delenv("CAUNOI_CATALOG", raising=False)
    monkeypatch.delenv("CAUNOI_HOME", raising=False)
    assert catalog_path() == root / "catalog" / "portal_catalog.jsonl.gz"
    monkeypatch.setenv("CAUNOI_CATALOG", str(tmp_path / "other.jsonl.gz"))
    assert catalog_path() == tmp_path / "other.jsonl.gz"


def test_the_shipped_data_file_loads(root: Path) -> None:
    catalog = read_catalog(root / "catalog" / "portal_catalog.jsonl.gz")
    assert len(catalog) >= 2600 and catalog.crawled == "2026-06"
    assert catalog.get("1.000689") is not None  # khai sinh kết hợp nhận cha, mẹ, con


# -- the header alone (the console's health page) ---------------------------------------------------


def gzipped(path: Path, data: bytes) -> Path:
    with gzip.open(path, "wb") as f:
        f.write(data)
    return path


def test_catalog_header_reads_only_the_first_line(tmp_path: Path) -> None:
    header = {"crawled": "2025-10-01", "records": 2631}
    lines = [json.dumps(header), *(json.dumps({"code": f"1.{n:06d}"}) for n in range(50)), "not json at all"]
    path = gzipped(tmp_path / "catalog.jsonl.gz", "\n".join(lines).encode())
    assert catalog_header(path) == header


@pytest.mark.parametrize(("name", "data"), [
    ("plain.jsonl.gz", b'{"crawled": "2025-10-01", "records": 2631}\n'),  # not gzipped
    ("empty.gz", b""),
])
def test_catalog_header_of_junk_files_is_none(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert catalog_header(path) is None


@pytest.mark.parametrize("data", [
    b"",
    b"not json\n",
    b'["a", "list"]\n',
    b'"just a string"\n',
    b'{"crawled": "2025-10-\xff"}\n',  # not UTF-8
])
def test_catalog_header_of_gzipped_junk_is_none(tmp_path: Path, data: bytes) -> None:
    assert catalog_header(gzipped(tmp_path / "catalog.jsonl.gz", data)) is None


def test_catalog_header_of_a_cut_file_or_none_at_all_is_none(tmp_path: Path) -> None:
    whole = gzipped(tmp_path / "whole.gz", b'{"crawled": "2025-10-01", "records": 1}' + b" " * 5000)
    cut = tmp_path / "cut.gz"
    cut.write_bytes(whole.read_bytes()[:20])
    assert catalog_header(cut) is None
    assert catalog_header(tmp_path / "missing.gz") is None
    assert catalog_header(tmp_path) is None  # a folder
