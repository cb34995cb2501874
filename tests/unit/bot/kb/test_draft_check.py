"""What a draft still needs: placeholders to write, and the portal text that does not fit the schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.kb.draft import write_draft
from bot.kb.draft_check import check_draft


@pytest.fixture
def drafted(tmp_path: Path) -> dict:
    path = write_draft("portal:1.010038", tmp_path).path  # Tách hộ
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture
def good_entry(root: Path) -> dict:
    return yaml.safe_load((root / "procedures_kb" / "khai_sinh.yml").read_text(encoding="utf-8"))


def test_a_fresh_draft_lists_what_staff_must_write(drafted: dict) -> None:
    check = check_draft(drafted, "tach_ho.yml")
    assert (check.file, check.id, check.code) == ("tach_ho.yml", "tach_ho", "1.010038")
    assert check.todo == (
        "short_name", "button", "summary", "aliases", "situations", "where", "minority_notes", "verified_on",
    )
    # the portal's long texts are to fix; what only a placeholder causes is not repeated
    assert any(p.startswith("documents[2].name: is ") and "limit is 140" in p for p in check.problems)
    assert any(p.startswith("steps[2]: is ") and "limit is 220" in p for p in check.problems)
    assert not any(p.split(": ")[0] in {"aliases", "button", "verified_on"} for p in check.problems)


def test_written_fields_leave_the_list_and_real_problems_stay(drafted: dict) -> None:
    drafted.update(summary="Tách ra một hộ mới ở cùng chỗ ở.", verified_on="2026-12-08", code="1010038")
    drafted["aliases"] = ["tách hộ", "tách hộ khẩu"]
    check = check_draft(drafted, "tach_ho.yml")
    assert "summary" not in check.todo and "verified_on" not in check.todo and "aliases" not in check.todo
    assert "aliases: needs at least 5 items, has 2" in check.problems
    assert "code: must look like 1.001193, got '1010038'" in check.problems


def test_a_finished_entry_marked_draft_has_nothing_left(good_entry: dict) -> None:
    good_entry["draft"] = True
    check = check_draft(good_entry, "khai_sinh.yml")
    assert check.todo == () and check.problems == ()


def test_the_marker_must_be_true(good_entry: dict) -> None:
    good_entry["draft"] = "có"
    assert check_draft(good_entry, "khai_sinh.yml").problems[0].startswith("draft: must be true in a draft")
