"""The status page's two pure parts: what a looked-up file shows, and an import error without cell values."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.console.routes.status import application_view, without_cells
from bot.status.importer import StatusImportError, import_file
from bot.status.stages import STAGES
from bot.status.store import ApplicationRecord, StatusStore
from tests.support.status_data import CODE, one_application_store

NAME, PHONE = "Nguyễn Thị Hoa", "0912345678"  # what one_application_store stored for CODE


@pytest.fixture
def store(tmp_path: Path) -> StatusStore:
    store = one_application_store(tmp_path)
    yield store
    store.close()


def test_application_view_shows_initials_and_the_last_four_digits_only(store: StatusStore) -> None:
    record = ApplicationRecord(CODE, "khai_sinh", NAME, PHONE, date(2025, 11, 3), date(2025, 11, 20), "can_bo_sung",
                               "Thiếu giấy chứng sinh")
    store.upsert(record, "import:export.csv")
    view = application_view(store.get(CODE))
    assert view["initials"] == "N.T.H." and view["phone"] == "******5678"
    assert (view["code"], view["procedure"], view["received"], view["due"]) == (CODE, "khai_sinh", "03/11/2025",
                                                                                "20/11/2025")
    assert view["stage"] == STAGES["can_bo_sung"].label and view["note"] == "Thiếu giấy chứng sinh"
    assert view["updated"].endswith(" UTC")
    assert [(h["stage"], h["note"], h["source"]) for h in view["history"]] == [
        (STAGES["dang_xu_ly"].label, "", "test"),
        (STAGES["can_bo_sung"].label, "Thiếu giấy chứng sinh", "import:export.csv")]
    shown = repr(view)
    for secret in (NAME, "Nguyễn", "Hoa", PHONE, "912345678", "091234"):
        assert secret not in shown


def test_application_view_of_a_file_without_name_due_or_note(store: StatusStore) -> None:
    bare = replace(store.get(CODE), name_initials=None, due=None, note=None, stage="no_such_stage")
    view = application_view(bare)
    assert (view["initials"], view["due"], view["note"]) == ("—", "—", "—")
    assert view["stage"] == "no_such_stage"  # an unknown stage is shown as stored, not a crash


def test_without_cells_drops_the_row_the_importer_took_for_a_header(store: StatusStore, tmp_path: Path) -> None:
    export = tmp_path / "khong_tieu_de.csv"  # no header row: its first line is a person's data
    export.write_text(f"H12.22-251103-0043,khai_sinh,{NAME},{PHONE},03/11/2025,,Đang xử lý,\n", encoding="utf-8")
    with pytest.raises(StatusImportError) as raised:
        import_file(export, store, ("khai_sinh",))
    message = str(raised.value)
    assert NAME in message and PHONE in message  # the importer's own message, for the server's terminal

    shown = without_cells(message)
    assert NAME not in shown and PHONE not in shown and "H12.22-251103-0043" not in shown
    assert shown.startswith("khong_tieu_de.csv: missing column(s): ma_ho_so, thu_tuc, so_dien_thoai")
    assert shown.endswith("(xem dòng tiêu đề của tệp và status.columns trong caunoi.yml)")


def test_without_cells_drops_a_header_spanning_lines_and_leaves_other_messages(store: StatusStore,
                                                                              tmp_path: Path) -> None:
    export = tmp_path / "x.csv"
    export.write_text(f'"{NAME}\n(con)",{PHONE}\n', encoding="utf-8")
    with pytest.raises(StatusImportError) as raised:
        import_file(export, store, ("khai_sinh",))
    shown = without_cells(str(raised.value))
    assert "Hoa" not in shown and PHONE not in shown and "(con)" not in shown
    for other in ("x.csv: the file is empty", "x.csv: not UTF-8 text; save it as 'CSV UTF-8'",
                  "x.csv: line 3: field larger than field limit (131072)"):
        assert without_cells(other) == other
