"""`caunoi checklist`, run as a user would run it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from tests.support.paths import ROOT


def caunoi(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, timeout=300, cwd=cwd, env=env,
    )


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    Image.open(io.BytesIO(data)).verify()
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.width == 1240 and image.height >= 1754


def assert_pdf(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"/Type /Page\n" in data or b"/Type /Page\r" in data or b"/Type /Page " in data


def test_checklist_writes_png_and_pdf(tmp_path: Path) -> None:
    png, pdf = tmp_path / "out" / "card.png", tmp_path / "card.pdf"
    result = caunoi("checklist", "khai_sinh", "--png", str(png), "--pdf", str(pdf))
    assert result.returncode == 0, result.stderr
    assert_png(png)
    assert_pdf(pdf)
    assert str(png) in result.stdout and str(pdf) in result.stdout
    assert not list(tmp_path.rglob("*.tmp")) and not [p for p in tmp_path.rglob(".*") if p.is_file()]


def test_checklist_only_pdf(tmp_path: Path) -> None:
    pdf = tmp_path / "ket_hon.pdf"
    result = caunoi("checklist", "ket_hon", "--pdf", str(pdf))
    assert result.returncode == 0, result.stderr
    assert_pdf(pdf)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ket_hon.pdf"]


def test_checklist_without_flags_writes_a_png_in_the_current_folder(tmp_path: Path) -> None:
    result = caunoi("checklist", "tam_tru", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert_png(tmp_path / "checklist-tam_tru.png")
    assert "checklist-tam_tru.png" in result.stdout


def test_unknown_procedure_exits_1_and_lists_the_known_ids(tmp_path: Path) -> None:
    result = caunoi("checklist", "khai_sinh_xyz", "--png", str(tmp_path / "x.png"))
    assert result.returncode == 1
    assert "khai_sinh_xyz" in result.stderr
    assert "khai_sinh" in result.stderr and "ket_hon" in result.stderr and "tam_tru" in result.stderr
    assert not (tmp_path / "x.png").exists()
