"""Importing commune exports (CSV in its usual variants, XLSX) into a real SQLite store."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from bot.kb.shared import knowledge_base
from bot.status.importer import (
    ImportSummary,
    Rejection,
    RowChecker,
    StatusImportError,
    format_summary,
    import_file,
    procedure_names,
)
from bot.status.store import StatusStore

KB_IDS = ("khai_sinh", "ket_hon", "thuong_tru")
HEADER = "ma_ho_so,thu_tuc,ho_ten,so_dien_thoai,ngay_nhan,ngay_hen_tra,trang_thai,ghi_chu"
GOOD = [
    "H12.22-251103-0042,khai_sinh,Nguyễn Văn An,0912 345 678,03/11/2025,10/11/2025,Đã tiếp nhận,",
    "000.00.21.H12-251104-0007,ket_hon,Trần Thị Bình,0987.654.321,2025-11-04,2025-11-07,Đang xử lý,",
    'H12.22-251105-0001,thuong_tru,Lê Văn Cường,+84 389 111 222,5/11/2025,,Chờ bổ sung,"Thiếu giấy xác nhận, bản sao"',
]


@pytest.fixture()
def store(tmp_path):
    s = StatusStore(f"sqlite:///{tmp_path / 'status.db'}", b"k" * 32)
    yield s
    s.close()


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def test_plain_csv(tmp_path, store):
    summary = import_file(write(tmp_path / "export.csv", [HEADER, *GOOD]), store, KB_IDS)
    assert (summary.added, summary.updated, summary.unchanged, summary.rejected) == (3, 0, 0, [])
    a = store.get("H12.22-251103-0042")
    assert (a.procedure_id, a.stage, a.received, a.due, a.phone_last4, a.name_initials) == (
        "khai_sinh", "da_tiep_nhan", date(2025, 11, 3), date(2025, 11, 10), "5678", "N.V.A.")
    c = store.get("H12.22-251105-0001")
    assert (c.stage, c.note, c.due, c.phone_last4) == ("can_bo_sung", "Thiếu giấy xác nhận, bản sao", None, "1222")
    assert c.history[0].source == "import:export.csv"


def test_csv_with_bom_semicolons_tabs_and_crlf(tmp_path, store):
    (tmp_path / "bom.csv").write_bytes(("\r\n".join([HEADER, GOOD[0]]) + "\r\n").encode("utf-8-sig"))
    assert import_file(tmp_path / "bom.csv", store, KB_IDS).added == 1
    semi = [line.replace(",", ";") for line in [HEADER, GOOD[1]]]
    assert import_file(write(tmp_path / "semi.csv", semi), store, KB_IDS).added == 1
    tabs = [line.replace(",", "\t") for line in [HEADER, GOOD[0].replace("0042", "0043")]]
    assert import_file(write(tmp_path / "tabs.txt", tabs), store, KB_IDS).added == 1
    assert store.get("000.00.21.H12-251104-0007").stage == "dang_xu_ly"


def test_header_case_spaces_order_and_extra_columns(tmp_path, store):
    header = " Trang_Thai ,MA_HO_SO,ghi chu x,so_dien_thoai,ngay_nhan,Thu_Tuc"
    summary = import_file(write(tmp_path / "x.csv", [header, "Đã trả,h12.22-251103-0042,?,0912345678,03.11.2025,"
                                                             "KHAI_SINH"]), store, KB_IDS)
    assert summary.added == 1 and summary.rejected == []
    assert store.get("H12.22-251103-0042").stage == "da_tra_ket_qua"


def test_xlsx_with_real_dates_and_a_phone_stored_as_a_number(tmp_path, store):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH HỒ SƠ THÁNG 11"])  # a title above the header
    sheet.append([])
    sheet.append(HEADER.split(","))
    sheet.append(["H12.22-251103-0042", "khai_sinh", "Nguyễn Văn An", 912345678, datetime(2025, 11, 3, 8, 30),
                  date(2025, 11, 10), "Đang xử lý", None])
    sheet.append(["H12.22-251103-0043", "ket_hon", "Trần Thị Bình", "0987654321", "04/11/2025", None,
                  "Có kết quả", 12345])
    sheet.append([None] * 8)
    sheet.append(["H12.22-251103-0044", "ket_hon", "X", 912345678.0, 45000, None, "Có kết quả", None])
    book.save(tmp_path / "export.xlsx")
    summary = import_file(tmp_path / "export.xlsx", store, KB_IDS)
    assert (summary.added, summary.rejected) == (2, [Rejection(7, "bad received date '45000' (use dd/mm/yyyy)")])
    a = store.get("H12.22-251103-0042")
    assert (a.received, a.due, a.phone_last4, a.stage) == (date(2025, 11, 3), date(2025, 11, 10), "5678", "dang_xu_ly")
    assert store.verify("H12.22-251103-0042", "5678") is not None
    assert store.get("H12.22-251103-0043").note == "12345"


def test_bad_rows_are_skipped_with_their_line_and_good_rows_load(tmp_path, store):
    lines = [
        HEADER,
        GOOD[0],                                                                      # 2 ok
        "",                                                                           # 3 empty: silent
        "H12.22-251103-0050,khai_sinh,A,0912345678,31/02/2025,,Đang xử lý,",          # 4 bad date
        "H12.22-251103-0051,khai_sinh,A,0912345678,10/11/2025,03/11/2025,Đang xử lý,",  # 5 due before received
        "H12.22-251103-0042,khai_sinh,A,0912345678,03/11/2025,,Đang xử lý,",          # 6 duplicate of line 2
        "H12.22-251103-0052,khai_sinh,A,0912345678,03/11/2025,,Xong rồi,",            # 7 unknown stage
        "H12.22-251103-0053,lam_nha,A,0912345678,03/11/2025,,Đang xử lý,",            # 8 unknown procedure
        "H12.22-251103-0054,khai_sinh,A,12345,03/11/2025,,Đang xử lý,",               # 9 bad phone
        "ABC-1,khai_sinh,A,0912345678,03/11/2025,,Đang xử lý,",                       # 10 bad code
        ",khai_sinh,A,0912345678,03/11/2025,,Đang xử lý,",                            # 11 no code
        "H12.22-251103-0055,khai_sinh,A,0912345678,,,Đang xử lý,",                    # 12 no received date
        "H12.22-251103-0056,khai_sinh,A,,03/11/2025,,Đang xử lý,",                    # 13 no phone
        "H12.22-251103-0057,khai_sinh,A,0912345678,03/11/2025,hôm sau,Đang xử lý,",   # 14 bad due date
        ",,,,,,,",                                                                    # 15 empty cells: silent
        GOOD[1],                                                                      # 16 ok
    ]
    summary = import_file(write(tmp_path / "bad.csv", lines), store, KB_IDS)
    assert (summary.added, summary.updated, summary.unchanged) == (2, 0, 0)
    assert [(r.line, r.reason) for r in summary.rejected] == [
        (4, "bad received date '31/02/2025' (use dd/mm/yyyy)"),
        (5, "due date 03/11/2025 is before the received date 10/11/2025"),
        (6, "duplicate code H12.22-251103-0042 (first on line 2)"),
        (7, "unknown stage 'Xong rồi'"),
        (8, "unknown procedure 'lam_nha'"),
        (9, "bad phone number (5 digits)"),
        (10, "bad application code 'ABC-1'"),
        (11, "missing application code (ma_ho_so)"),
        (12, "missing received date (ngay_nhan)"),
        (13, "missing phone number (so_dien_thoai)"),
        (14, "bad due date 'hôm sau' (use dd/mm/yyyy)"),
    ]
    assert store.get("H12.22-251103-0050") is None
    text = format_summary(summary)
    assert text.splitlines()[0] == "added 2, updated 0, unchanged 0, rejected 11"
    assert "  line 6: duplicate code H12.22-251103-0042 (first on line 2)" in text.splitlines()


def test_a_quoted_cell_spanning_lines_keeps_line_numbers_right(tmp_path, store):
    lines = [HEADER, 'H12.22-251103-0042,khai_sinh,A,0912345678,03/11/2025,,Chờ bổ sung,"Thiếu:\n- giấy a\n- giấy b"',
             "H12.22-251103-0043,khai_sinh,A,0912345678,03/11/2025,,Sai,"]
    summary = import_file(write(tmp_path / "multi.csv", lines), store, KB_IDS)
    assert summary.added == 1 and summary.rejected == [Rejection(5, "unknown stage 'Sai'")]
    assert store.get("H12.22-251103-0042").note == "Thiếu:\n- giấy a\n- giấy b"


def test_missing_columns_stop_the_import_naming_file_and_columns(tmp_path, store):
    path = write(tmp_path / "short.csv", ["ma_ho_so,thu_tuc,ho_ten", "H12.22-251103-0042,khai_sinh,A"])
    with pytest.raises(StatusImportError) as err:
        import_file(path, store, KB_IDS)
    assert "short.csv" in str(err.value)
    assert "so_dien_thoai" in str(err.value) and "ngay_nhan" in str(err.value) and "trang_thai" in str(err.value)
    assert store.get("H12.22-251103-0042") is None
    titled = write(tmp_path / "titled.csv", ["DANH SÁCH HỒ SƠ", "", "ma_ho_so,thu_tuc,so_dien_thoai,ngay_nhan",
                                             "H12.22-251103-0042,khai_sinh,0912345678,03/11/2025"])
    with pytest.raises(StatusImportError, match=r"titled.csv: missing column\(s\): trang_thai \(header: ma_ho_so"):
        import_file(titled, store, KB_IDS)
    with pytest.raises(StatusImportError, match="empty"):
        import_file(write(tmp_path / "empty.csv", [""]), store, KB_IDS)


def test_unreadable_files(tmp_path, store):
    (tmp_path / "latin.csv").write_bytes(HEADER.encode() + "\nH12.22-251103-0042,khai_sinh,Tr\xe2n".encode("latin-1"))
    with pytest.raises(StatusImportError, match="UTF-8"):
        import_file(tmp_path / "latin.csv", store, KB_IDS)
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(StatusImportError, match="broken.xlsx"):
        import_file(tmp_path / "broken.xlsx", store, KB_IDS)
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(StatusImportError, match=".xlsx or CSV"):
        import_file(tmp_path / "old.xls", store, KB_IDS)
    with pytest.raises(OSError):
        import_file(tmp_path / "missing.csv", store, KB_IDS)


def test_custom_mapping_for_another_export(tmp_path, store):
    mapping = {"ma_ho_so": "Mã hồ sơ", "thu_tuc": "Thủ tục", "ho_ten": "Họ và tên", "so_dien_thoai": "Điện thoại",
               "ngay_nhan": "Ngày nhận", "ngay_hen_tra": "Ngày hẹn trả", "trang_thai": "Trạng thái",
               "ghi_chu": "Ghi chú"}
    lines = ["STT;Mã hồ sơ;Thủ tục;Họ và tên;Điện thoại;Ngày nhận;Ngày hẹn trả;Trạng thái;Ghi chú",
             "1;H12.22-251103-0042;Đăng ký khai sinh;Nguyễn Văn An;0912345678;03/11/2025;10/11/2025;"
             "Yêu cầu bổ sung;Thiếu giấy chứng sinh",
             "2;H12.22-251103-0043;1.000894;B;0912345679;03/11/2025;;Không giải quyết;Không đủ điều kiện"]
    names = procedure_names(knowledge_base())
    summary = import_file(write(tmp_path / "dvc.csv", lines), store, knowledge_base().ids, mapping, names=names)
    assert summary.added == 2 and summary.rejected == []
    assert store.get("H12.22-251103-0042").procedure_id == "khai_sinh"
    assert store.get("H12.22-251103-0043").procedure_id == "ket_hon"
    assert store.get("H12.22-251103-0043").stage == "tu_choi"
    with pytest.raises(StatusImportError, match="missing column.*Mã hồ sơ"):
        import_file(write(tmp_path / "plain.csv", [HEADER, GOOD[0]]), store, KB_IDS, {"ma_ho_so": "Mã hồ sơ"})
    with pytest.raises(StatusImportError, match="unknown column"):
        import_file(tmp_path / "dvc.csv", store, KB_IDS, {"ma": "Mã hồ sơ"})


def test_reimport_is_a_no_op_and_a_changed_stage_is_recorded(tmp_path, store):
    path = write(tmp_path / "export.csv", [HEADER, *GOOD])
    assert import_file(path, store, KB_IDS).added == 3
    before = store.get("H12.22-251103-0042")
    again = import_file(path, store, KB_IDS)
    assert (again.added, again.updated, again.unchanged, again.rejected) == (0, 0, 3, [])
    assert store.get("H12.22-251103-0042") == before

    changed = [GOOD[0].replace("Đã tiếp nhận", "Có kết quả"), *GOOD[1:]]
    later = import_file(write(tmp_path / "export2.csv", [HEADER, *changed]), store, KB_IDS)
    assert (later.added, later.updated, later.unchanged) == (0, 1, 2)
    history = store.get("H12.22-251103-0042").history
    assert [(h.stage, h.source) for h in history] == [("da_tiep_nhan", "import:export.csv"),
                                                      ("da_co_ket_qua", "import:export2.csv")]


def test_summary_format():
    summary = ImportSummary(added=1, updated=2, unchanged=3, rejected=[Rejection(4, "bad date")])
    assert format_summary(summary) == "added 1, updated 2, unchanged 3, rejected 1\n  line 4: bad date"


def test_row_checker_is_the_one_validation():
    checker = RowChecker(KB_IDS)
    row = {"ma_ho_so": "h12.22-251103-0042", "thu_tuc": "khai_sinh", "so_dien_thoai": 912345678,
           "ngay_nhan": "2025-11-03", "trang_thai": "da_tiep_nhan"}
    record = checker.check(row, "index 0")
    assert record.code == "H12.22-251103-0042" and record.phone == "0912345678" and record.due is None
    assert checker.check(row, "index 1") == "duplicate code H12.22-251103-0042 (first on index 0)"
    for key, value in [("ngay_nhan", ["x"]), ("so_dien_thoai", True), ("thu_tuc", {"a": 1}), ("ma_ho_so", 3.5)]:
        assert isinstance(RowChecker(KB_IDS).check({**row, key: value}, "index 0"), str)


def test_an_import_is_noted_with_its_counts(tmp_path, store):
    assert store.last_import() is None
    bad = "H12.22-251103-0050,khai_sinh,A,0912345678,31/02/2025,,Đang xử lý,"
    summary = import_file(write(tmp_path / "export.csv", [HEADER, *GOOD, bad]), store, KB_IDS)
    noted = store.last_import()
    assert (noted.source, noted.added, noted.updated, noted.unchanged, noted.rejected) == (
        "import:export.csv", summary.added, 0, 0, 1)
    assert noted.added == 3


def test_a_csv_unreadable_halfway_stores_nothing(tmp_path, store):
    import_file(write(tmp_path / "first.csv", [HEADER, GOOD[0]]), store, KB_IDS)
    before = store.get("H12.22-251103-0042")
    moved = GOOD[0].replace("Đã tiếp nhận", "Có kết quả")
    # Good rows (one a change of a stored file), then a row the CSV reader refuses: line 5, past the header
    # search, so the good rows were read and checked before the failure.
    lines = [HEADER, moved, GOOD[1], GOOD[2], "H12.22-251105-0002,khai_sinh," + "x" * 200_000]
    with pytest.raises(StatusImportError, match=r"cut.csv: line 5: field larger than field limit"):
        import_file(write(tmp_path / "cut.csv", lines), store, KB_IDS)
    assert store.get("H12.22-251103-0042") == before
    assert store.get("000.00.21.H12-251104-0007") is None and store.get("H12.22-251105-0001") is None
    assert store.last_import().source == "import:first.csv"


def test_a_csv_with_bad_utf8_after_good_rows_stores_nothing(tmp_path, store):
    data = ("\n".join([HEADER, *GOOD]) + "\n").encode() + "H12.22-251105-0002,khai_sinh,Tr\xe2n".encode("cp1258")
    (tmp_path / "mixed.csv").write_bytes(data)
    with pytest.raises(StatusImportError, match="mixed.csv: not UTF-8 text"):
        import_file(tmp_path / "mixed.csv", store, KB_IDS)
    assert store.get("H12.22-251103-0042") is None and store.last_import() is None


def _xlsx_damaged_at_row(tmp_path: Path, damage) -> Path:
    """A real export of 30 good rows whose sheet XML is then damaged by `damage` (bytes -> bytes)."""
    import zipfile

    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    for n in range(30):
        book.active.append([f"H12.22-251103-{n:04d}", "khai_sinh", "A", "0912345678", "03/11/2025", None,
                            "Đang xử lý", None])
    book.save(tmp_path / "good.xlsx")
    with zipfile.ZipFile(tmp_path / "good.xlsx") as good:
        parts = {name: good.read(name) for name in good.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = damage(parts[sheet])
    with zipfile.ZipFile(tmp_path / "damaged.xlsx", "w", zipfile.ZIP_DEFLATED) as damaged:
        for name, data in parts.items():
            damaged.writestr(name, data)
    return tmp_path / "damaged.xlsx"


@pytest.mark.parametrize("damage", [
    lambda xml: xml[: len(xml) * 2 // 3],  # cut short
    lambda xml: xml.replace(b'<row r="25">', b'<row r="x">', 1),
    lambda xml: xml.replace(b'<c r="A25" t="inlineStr">', b'<c r="A25" t="n"><v>0912345678abc</v></c><c r="Z25" '
                                                          b't="inlineStr">', 1),
    lambda xml: xml.replace(b'<c r="A25" t="inlineStr">', b'<c r="A25" t="s"><v>99</v></c><c r="Z25" '
                                                          b't="inlineStr">', 1),  # no such shared string
])
def test_an_xlsx_damaged_halfway_is_refused_whole(tmp_path, store, damage):
    path = _xlsx_damaged_at_row(tmp_path, damage)
    with pytest.raises(StatusImportError, match=r"damaged.xlsx: not a readable .xlsx file") as refused:
        import_file(path, store, KB_IDS)
    assert "0912345678" not in str(refused.value)  # the cell is not quoted back
    assert store.get("H12.22-251103-0000") is None and store.last_import() is None
