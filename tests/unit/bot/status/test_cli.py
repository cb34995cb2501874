"""`caunoi status import` and `caunoi status show`, run as staff run them: a separate process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT

HEADER = "ma_ho_so,thu_tuc,ho_ten,so_dien_thoai,ngay_nhan,ngay_hen_tra,trang_thai,ghi_chu"
ROWS = [
    "H12.22-251103-0042,khai_sinh,Nguyễn Văn An,0912 345 678,03/11/2025,10/11/2025,Đã tiếp nhận,",
    "H12.22-251103-0043,ket_hon,Trần Thị Bình,0987654321,03/11/2025,,Chờ bổ sung,Thiếu giấy xác nhận",
    "H12.22-251103-0044,khai_sinh,Lê Văn C,0912345678,31/02/2025,,Đang xử lý,",
]


def caunoi(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "CAUNOI_DATA_DIR": str(data_dir), **(env or {})}
    environment.pop("CAUNOI_STATUS_DB", None)
    return subprocess.run([sys.executable, "-m", "bot.cli", "status", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture()
def export(tmp_path) -> Path:
    path = tmp_path / "export.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return path


def test_import_prints_the_summary_and_succeeds_with_rejected_rows(tmp_path, export):
    data = tmp_path / "data"
    done = caunoi(data, "import", str(export))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "added 2, updated 0, unchanged 0, rejected 1",
        "  line 4: bad received date '31/02/2025' (use dd/mm/yyyy)",
    ]
    assert (data / "status.db").exists() and (data / "status_salt").exists()

    again = caunoi(data, "import", str(export))
    assert again.returncode == 0 and again.stdout.splitlines()[0] == "added 0, updated 0, unchanged 2, rejected 1"


def test_show_is_for_staff_and_hides_personal_data(tmp_path, export):
    data = tmp_path / "data"
    assert caunoi(data, "import", str(export)).returncode == 0
    shown = caunoi(data, "show", "h12.22 - 251103 - 0043")
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "H12.22-251103-0043" in out and "Cần bổ sung (can_bo_sung)" in out and "Thiếu giấy xác nhận" in out
    assert "******4321" in out and "T.T.B." in out and "03/11/2025" in out and "import:export.csv" in out
    assert "Trần" not in out and "Bình" not in out and "0987654321" not in out
    missing = caunoi(data, "show", "H12.22-251103-0099")
    assert missing.returncode == 1 and "No application" in missing.stderr


def test_files_that_cannot_be_read_exit_2_with_one_line(tmp_path):
    data = tmp_path / "data"
    done = caunoi(data, "import", str(tmp_path / "nope.csv"))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("error: cannot read") and len(done.stderr.strip().splitlines()) == 1
    short = tmp_path / "short.csv"
    short.write_text("ma_ho_so,thu_tuc\nH12.22-251103-0042,khai_sinh\n", encoding="utf-8")
    done = caunoi(data, "import", str(short))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("error: short.csv: missing column(s): so_dien_thoai, ngay_nhan, trang_thai")


def test_mapping_file_and_settings_columns(tmp_path):
    export = tmp_path / "dvc.csv"
    export.write_text("Mã hồ sơ;Thủ tục;Điện thoại;Ngày nhận;Trạng thái\n"
                      "H12.22-251103-0042;Đăng ký khai sinh;0912345678;03/11/2025;Đang xử lý\n", encoding="utf-8")
    mapping = "columns:\n  ma_ho_so: Mã hồ sơ\n  thu_tuc: Thủ tục\n  so_dien_thoai: Điện thoại\n" \
              "  ngay_nhan: Ngày nhận\n  trang_thai: Trạng thái\n"
    (tmp_path / "map.yml").write_text(mapping, encoding="utf-8")
    done = caunoi(tmp_path / "a", "import", str(export), "--map", str(tmp_path / "map.yml"))
    assert done.returncode == 0 and done.stdout.startswith("added 1,"), done.stderr

    config = (ROOT / "caunoi.yml").read_text(encoding="utf-8") + "\nstatus:\n" + mapping.replace("\n  ", "\n    ")
    (tmp_path / "caunoi.yml").write_text(config.replace("columns:", "  columns:"), encoding="utf-8")
    done = caunoi(tmp_path / "b", "import", str(export), env={"CAUNOI_CONFIG": str(tmp_path / "caunoi.yml")})
    assert done.returncode == 0 and done.stdout.startswith("added 1,"), done.stderr

    (tmp_path / "bad.yml").write_text("- not a mapping\n", encoding="utf-8")
    done = caunoi(tmp_path / "c", "import", str(export), "--map", str(tmp_path / "bad.yml"))
    assert done.returncode == 2 and done.stderr.startswith("error: ")
