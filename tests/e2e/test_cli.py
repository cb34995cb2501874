"""The `caunoi` command line, run as a user would run it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from bot.runtime.chat import send
from tests.support.assistant import start_assistant


def caunoi(*args: str, env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, timeout=300,
        env={**os.environ, **(env or {})}, input=input,
    )


def test_kb_validate_passes_on_the_shipped_kb() -> None:
    result = caunoi("kb", "validate")
    assert result.returncode == 0, result.stderr
    assert "16 procedures valid, 0 problems." in result.stdout


def test_kb_validate_names_file_and_field(tmp_path: Path, root: Path) -> None:
    text = (root / "procedures_kb" / "tam_tru.yml").read_text(encoding="utf-8")
    (tmp_path / "tam_tru.yml").write_text(text.replace("verified_on:", "verified_onn:"), encoding="utf-8")
    result = caunoi("kb", "validate", "--dir", str(tmp_path))
    assert result.returncode == 1
    assert "ERROR tam_tru.yml: verified_on: is required" in result.stderr
    assert "ERROR tam_tru.yml: verified_onn: unknown field" in result.stderr


def test_kb_show_prints_every_topic() -> None:
    result = caunoi("kb", "show", "ket_hon")
    assert result.returncode == 0
    for topic in ("overview", "documents", "fee", "time", "where", "steps", "online"):
        assert f"== {topic}" in result.stdout
    assert caunoi("kb", "show", "khong_co").returncode == 1


def test_kb_export_nlu_is_a_no_op_when_current() -> None:
    result = caunoi("kb", "export-nlu")
    assert "already up to date" in result.stdout


def test_bad_settings_file_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "caunoi.yml"
    bad.write_text("commune:\n  name: Xã A\n", encoding="utf-8")
    result = caunoi("kb", "show", "khai_sinh", env={"CAUNOI_CONFIG": str(bad)})
    assert result.returncode == 2
    assert "commune.desk is required" in result.stderr
    assert "Traceback" not in result.stderr


def test_chat_in_the_terminal(trained_model: Path, assistant) -> None:
    result = caunoi("chat", "--url", assistant.url, input="lam can cuoc mat bao lau\n1\n")
    assert "Thời gian làm thẻ căn cước" in result.stdout
    assert "[1] Giấy tờ cần có" in result.stdout
    assert "Giấy tờ để làm thẻ căn cước" in result.stdout  # typed "1" tapped the first button


def test_two_instances_side_by_side_and_sigterm_stops_every_child(
    trained_model: Path, assistant, tmp_path: Path
) -> None:
    second = start_assistant(tmp_path)
    children = psutil.Process(second.process.pid).children(recursive=True)
    assert len(children) >= 2
    try:
        assert send(second.url, "side", "làm căn cước cần gì")
        assert send(assistant.url, "side", "xin chào")
    finally:
        assert second.stop() == 0
    gone, alive = psutil.wait_procs(children, timeout=15)
    assert alive == []


def test_run_refuses_a_data_folder_in_use(trained_model: Path, assistant) -> None:
    result = caunoi("run", "--port", "0", "--actions-port", "0", env={"CAUNOI_DATA_DIR": str(assistant.data_dir)})
    assert result.returncode == 2
    assert "Another `caunoi run` is using" in result.stderr


def test_run_refuses_a_busy_port(trained_model: Path, assistant) -> None:
    result = caunoi("run", "--port", str(assistant.port), "--actions-port", "5999")
    assert result.returncode == 2
    assert "already in use" in result.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT])
def test_ctrl_c_stops_cleanly(trained_model: Path, tmp_path: Path, sig: int) -> None:
    running = start_assistant(tmp_path)
    children = psutil.Process(running.process.pid).children(recursive=True)
    running.process.send_signal(sig)
    assert running.process.wait(60) == 0
    _, alive = psutil.wait_procs(children, timeout=15)
    assert alive == []
