"""`caunoi lang export|import|status` and `caunoi kb validate` on language packs, run as a team would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.kb import load_kb
from bot.settings import load_settings
from tests.support.language_pack import REVIEWER, TRANSLATOR, placeholder_text


def caunoi(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CAUNOI_LANGUAGES_DIR": str(folder)})


def fill(path: Path, rows: dict[str, dict], everything: bool = False) -> None:
    """Fill the exported sheet as a team would: `rows` by key; with `everything`, every other row too."""
    book = load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) + 1 for name in header}
    for r in range(2, sheet.max_row + 1):
        key = sheet.cell(r, col["key"]).value
        values = rows.get(key) or ({"text": placeholder_text(key), "status": "approved", "translator": TRANSLATOR,
                                    "reviewer": REVIEWER} if everything else {})
        for name, value in values.items():
            sheet.cell(r, col[name]).value = value
    book.save(path)


@pytest.fixture
def started(tmp_path: Path) -> tuple[Path, Path]:
    folder, sheet = tmp_path / "languages", tmp_path / "qaa.xlsx"
    done = caunoi(folder, "lang", "export", "qaa", "--xlsx", str(sheet), "--vi-name", "tiếng Qaa (mẫu)",
                  "--script", "highlands_latin")
    assert done.returncode == 0, done.stderr
    return folder, sheet


def test_export_lists_every_text_with_its_vietnamese(started) -> None:
    folder, sheet = started
    rows = list(load_workbook(sheet).active.iter_rows(values_only=True))
    assert rows[0] == ("key", "vi", "text", "status", "translator", "reviewer", "note")
    by_key = {r[0]: r for r in rows[1:]}
    assert by_key["language.name"][1] == "tiếng Qaa (mẫu)"  # the row for the name the menu shows
    assert by_key["greet"][1].startswith("Xin chào")
    kb = load_kb(load_settings().kb_dir)
    assert by_key["khai_sinh:fee.amount"][1] == kb.procedures["khai_sinh"].fee.amount
    assert by_key["greet"][6] == "bắt buộc trước khi mở ngôn ngữ"  # a core text
    assert (folder / "qaa" / "language.yml").exists()


def test_import_refuses_bad_rows_by_number_and_saves_the_rest(started) -> None:
    folder, sheet = started
    fill(sheet, {
        "greet": {"text": "[qaa] greet", "status": "approved", "translator": "Người A", "reviewer": None},
        "thanks": {"text": "[qaa] thanks", "status": "approved", "translator": "Người A", "reviewer": "người a"},
        "goodbye": {"text": "[qaa] goodbye", "status": "approved", "translator": "Người A", "reviewer": "Người B"},
        "fee.title": {"text": "[qaa] {procedure}", "status": "draft", "translator": "Người A"},
        "help": {"text": "[qaa] help", "status": "done", "translator": "Người A"},
    })
    rows = {r[0]: n for n, r in enumerate(load_workbook(sheet).active.iter_rows(values_only=True), 1)}
    done = caunoi(folder, "lang", "import", str(sheet))
    assert done.returncode == 1
    err = done.stderr
    assert f"row {rows['greet']} (greet): reviewer: an approved text needs a reviewer" in err
    assert f"row {rows['thanks']} (thanks): reviewer: must be another person than the translator" in err
    assert f"row {rows['fee.title']} (fee.title): text: must keep the Vietnamese placeholders" in err
    assert f"row {rows['help']} (help): status: must be draft or approved" in err
    assert "1 texts saved for qaa, 4 rows refused." in done.stdout
    assert "qaa is not offered yet" in done.stdout
    saved = (folder / "qaa" / "phrases.yml").read_text(encoding="utf-8")
    assert "[qaa] goodbye" in saved and "[qaa] greet" not in saved


def test_a_complete_approved_sheet_opens_the_language(started) -> None:
    folder, sheet = started
    fill(sheet, {}, everything=True)
    done = caunoi(folder, "lang", "import", str(sheet))
    assert done.returncode == 0, done.stderr
    assert "qaa is offered to people: every core text is approved." in done.stdout
    status = caunoi(folder, "lang", "status")
    assert "qaa  tiếng Qaa (mẫu)  (offered to people)" in status.stdout
    kb = load_kb(load_settings().kb_dir)
    count = sum(1 for line in load_workbook(sheet).active.iter_rows(min_row=2, values_only=True)
                if line[0].startswith("khai_sinh:"))
    assert f"  khai_sinh{'':<15}{f'{count}/{count}':>9}{'0/7':>9}{'0':>7}" in status.stdout
    assert len(kb.procedures) + 3 <= len(status.stdout.splitlines())
    validate = caunoi(folder, "kb", "validate")
    assert validate.returncode == 0 and "LANGUAGE qaa (tiếng Qaa (mẫu)): offered" in validate.stdout


def test_a_row_translated_from_older_vietnamese_is_saved_stale_and_not_served(started) -> None:
    folder, sheet = started
    fill(sheet, {"goodbye": {"vi": "Tạm biệt (câu cũ)", "text": "[qaa] goodbye", "status": "approved",
                             "translator": "Người A", "reviewer": "Người B"}})
    done = caunoi(folder, "lang", "import", str(sheet))
    assert done.returncode == 0, done.stderr
    assert "the Vietnamese changed since the export" in done.stdout
    again = caunoi(folder, "lang", "export", "qaa", "--xlsx", str(sheet))
    rows = {r[0]: r for r in load_workbook(sheet).active.iter_rows(values_only=True)}
    assert again.returncode == 0 and rows["goodbye"][6].startswith("tiếng Việt đã đổi")


def test_validate_names_the_file_and_field_of_a_bad_entry(started) -> None:
    folder, _ = started
    (folder / "qaa" / "phrases.yml").write_text(
        "greet:\n  text: x\n  status: approved\n  translator: A\n  source_hash: 0123456789abcdef\n", encoding="utf-8")
    done = caunoi(folder, "kb", "validate")
    assert done.returncode == 1
    assert f"ERROR {folder / 'qaa' / 'phrases.yml'}: greet.reviewer: an approved text needs a reviewer" in done.stderr


def test_import_of_a_file_that_is_no_sheet_says_so(tmp_path: Path, started) -> None:
    folder, _ = started
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    done = caunoi(folder, "lang", "import", str(junk))
    assert done.returncode == 2 and "not an XLSX file" in done.stderr
