"""Property tests of the status import on random CSV bytes (encodings, delimiters, BOMs, NUL bytes, huge
fields) into a real SQLite store: only `StatusImportError` naming the file, or a summary whose rejections
name their lines; never another exception. `RowChecker.check` gets arbitrary cell values."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.status.importer import COLUMNS, ImportSummary, RowChecker, StatusImportError, import_file
from bot.status.store import StatusStore

KB_IDS = ("khai_sinh", "ket_hon", "thuong_tru")
HEADER = list(COLUMNS)
GOOD = ["H12.22-251103-0042", "khai_sinh", "Nguyễn Văn An", "0912 345 678", "03/11/2025", "10/11/2025",
        "Đã tiếp nhận", ""]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CELLS = st.one_of(
    st.text(max_size=20), st.sampled_from(GOOD + ["", "\x00", '"', '""', "a\nb", "31/02/2025", "9" * 30, "ma_ho_so",
                                                  "thu_tuc", "\ufeff", "\r", ";", "\t"]),
    st.sampled_from(["x" * 200_000, "Đ" * 50_000]),  # huge fields
)
ROWS = st.lists(st.lists(CELLS, max_size=10), max_size=6)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1258", "latin-1", "utf-32"])
DELIMITERS = st.sampled_from([",", ";", "\t", "|", "\x00"])


def _csv(header: list[str], rows: list[list[str]], delimiter: str, quote: bool) -> str:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if quote else value
    return "\r\n".join(delimiter.join(cell(c) for c in line) for line in [header, *rows]) + "\n"


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.binary(max_size=500))
    header = HEADER if draw(st.booleans()) else draw(st.lists(CELLS, max_size=9))
    rows = draw(ROWS)
    if draw(st.booleans()):
        rows = [GOOD, *rows]
    text = _csv(header, rows, draw(DELIMITERS), draw(st.booleans()))
    data = text.encode(draw(ENCODINGS), errors="replace")
    if kind == 2:  # a damaged file: bytes flipped, cut, NULs inserted
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=20)) + data[cut:]
    if kind == 3:
        data = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"PK\x03\x04"])) + data
    return data


def _run(data: bytes, name: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="statusfuzz-"))
    store = StatusStore(f"sqlite:///{folder / 'status.db'}", b"k" * 32)
    try:
        path = folder / name
        path.write_bytes(data)
        try:
            summary = import_file(path, store, KB_IDS)
        except StatusImportError as exc:
            assert str(exc).startswith(f"{name}:"), str(exc)
            return
        assert isinstance(summary, ImportSummary)
        for rejection in summary.rejected:
            assert rejection.line >= 1 and rejection.reason
        assert summary.added + summary.updated + summary.unchanged + len(summary.rejected) >= 0
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)


@SETTINGS
@given(csv_bytes())
def test_random_csv_bytes_import_or_fail_clearly(data: bytes) -> None:
    _run(data, "export.csv")


@settings(max_examples=20, deadline=None)
@given(csv_bytes(), st.sampled_from(["export.xlsx", "export.xls", "export", "EXPORT.XLSM", "x.txt"]))
def test_any_name_and_content_import_or_fail_clearly(data: bytes, name: str) -> None:
    _run(data, name)


ANY_CELL = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30), st.dates(),
                     st.datetimes(), st.sampled_from(GOOD), st.lists(st.integers(), max_size=2))


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({}, optional={col: ANY_CELL for col in COLUMNS}))
def test_row_checker_gives_a_record_or_a_reason(row: dict[str, Any]) -> None:
    result = RowChecker(KB_IDS).check(row, "line 2")
    assert isinstance(result, str) and result or hasattr(result, "code")


def test_huge_field_and_nul_bytes(tmp_path: Path) -> None:
    for data in (b"ma_ho_so,thu_tuc\n" + b"x" * 300_000 + b"\n", b"\x00" * 1000, b'"' * 10_000,
                 ",".join(HEADER).encode() + b"\n" + b"a\x00b," * 8 + b"\n"):
        _run(data, "export.csv")
