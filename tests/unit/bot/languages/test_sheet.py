"""The translation sheet, out and back, in-process (the commands around it: tests/e2e/test_language_cli.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.languages.pack import core_keys, load_pack, translatable
from bot.languages.sheet import COLUMNS, SheetError, export_sheet, import_sheet, read_rows
from tests.support.language_pack import write_pack
from tests.unit.bot.languages.conftest import COMMUNE, TOP


def test_round_trip_keeps_what_the_pack_has_and_refuses_rows_alone(kb, tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path / "languages", kb, COMMUNE, only=["greet"]))
    texts = translatable(kb, COMMUNE, pack.vi_name)
    sheet = tmp_path / "qaa.xlsx"
    assert export_sheet(pack, texts, core_keys(kb, TOP), sheet) == len(texts)
    book = load_workbook(sheet)
    rows = book.active
    assert rows.title == "qaa" and tuple(c.value for c in rows[1]) == COLUMNS
    by_key = {rows.cell(r, 1).value: r for r in range(2, rows.max_row + 1)}
    assert rows.cell(by_key["greet"], 3).value == "[qaa] greet"  # what the pack has comes back out
    rows.cell(by_key["thanks"], 3).value = "[qaa] thanks"
    rows.cell(by_key["thanks"], 5).value = "A"
    rows.cell(by_key["goodbye"], 3).value = "[qaa] goodbye"
    rows.cell(by_key["goodbye"], 4).value = "approved"
    rows.cell(by_key["goodbye"], 5).value = "A"
    rows.append(["no.such.key", "x", "y", "draft", "A", None, None])
    book.save(sheet)
    result = import_sheet(sheet, pack, texts)
    assert result.saved == 2  # greet again, and thanks as a draft
    assert result.errors == [f"row {by_key['goodbye']} (goodbye): reviewer: an approved text needs a reviewer",
                             f"row {rows.max_row} (no.such.key): key: unknown (the export lists every key; "
                             "was it renamed?)"]
    again = load_pack(pack.folder)
    assert again.phrases["thanks"].status == "draft" and again.phrase("thanks") is None
    assert again.phrase("greet") == "[qaa] greet" and "goodbye" not in again.phrases


def test_a_file_without_the_columns_is_no_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["key", "text"])
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(SheetError, match="missing: vi, status, translator, reviewer"):
        read_rows(tmp_path / "x.xlsx")


def test_a_broken_pack_file_stops_the_import_before_anything_is_written(kb, tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path / "languages", kb, COMMUNE, only=["greet", "khai_sinh:name"]))
    texts = translatable(kb, COMMUNE, pack.vi_name)
    sheet = tmp_path / "qaa.xlsx"
    export_sheet(pack, texts, (), sheet)
    broken = pack.folder / "procedures" / "khai_sinh.yml"
    broken.write_text("name: [unclosed", encoding="utf-8")
    phrases = (pack.folder / "phrases.yml").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="khai_sinh.yml: YAML syntax error"):
        import_sheet(sheet, pack, texts)
    assert broken.read_text(encoding="utf-8") == "name: [unclosed"
    assert (pack.folder / "phrases.yml").read_text(encoding="utf-8") == phrases
