"""The curation loop from the command line, in a throwaway KB folder: `caunoi kb draft`, then `kb validate`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.support.paths import ROOT


def caunoi(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_draft_then_validate(tmp_path: Path) -> None:
    shutil.copy(ROOT / "procedures_kb" / "khai_sinh.yml", tmp_path)
    result = caunoi("kb", "draft", "portal:1.010038", "--kb-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert f"Wrote {tmp_path / 'tach_ho.yml'}: a draft of 1.010038 Tách hộ." in result.stdout
    assert "Still to write: short_name, button, summary, aliases, situations, where, minority_notes, verified_on" \
        in result.stdout
    data = yaml.safe_load((tmp_path / "tach_ho.yml").read_text(encoding="utf-8"))
    assert data["draft"] is True and data["fee"]["confirm_at_office"] is True

    again = caunoi("kb", "draft", "portal:1.010038", "--kb-dir", str(tmp_path))
    assert again.returncode == 1 and "already exists (a draft)" in again.stderr
    assert caunoi("kb", "draft", "portal:1.010038", "--kb-dir", str(tmp_path), "--force").returncode == 0

    # a draft is listed with its to-do list, and is no failure: it is not served
    checked = caunoi("kb", "validate", "--dir", str(tmp_path))
    assert checked.returncode == 0, checked.stderr
    lines = checked.stdout.splitlines()
    assert "DRAFT tach_ho.yml: not served until checked and its `draft: true` line is deleted" in lines
    assert "  still to write: short_name, button, summary, aliases, situations, where, minority_notes, " \
        "verified_on" in lines
    assert any(line.startswith("  to fix: steps[2]: is ") for line in lines)
    assert lines[-1] == "1 procedures valid, 0 problems, 1 draft not served."
    assert "skipped" not in checked.stderr  # listed above, not logged again

    # a problem in a served entry still fails, drafts or not
    (tmp_path / "khai_sinh.yml").write_text(
        (tmp_path / "khai_sinh.yml").read_text(encoding="utf-8").replace("verified_on:", "verified_onn:"),
        encoding="utf-8")
    assert caunoi("kb", "validate", "--dir", str(tmp_path)).returncode == 1


def test_errors_are_one_clear_line(tmp_path: Path) -> None:
    unknown = caunoi("kb", "draft", "portal:9.999999", "--kb-dir", str(tmp_path))
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("error: no procedure 9.999999 in the national catalog (")
    assert len(unknown.stderr.strip().splitlines()) == 1

    no_catalog = caunoi("kb", "draft", "portal:1.010038", "--kb-dir", str(tmp_path),
                        env={"CAUNOI_CATALOG": str(tmp_path / "none.jsonl.gz")})
    assert no_catalog.returncode == 2
    assert no_catalog.stderr.strip() == (
        f"error: cannot read the national catalog: {tmp_path / 'none.jsonl.gz'}: no such file "
        "(create it with `caunoi catalog import DIR`)"
    )
    assert list(tmp_path.iterdir()) == []
