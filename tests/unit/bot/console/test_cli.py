"""`caunoi staff add|passwd|disable|enable|list` through the real command line, on a real SQLite store."""

from __future__ import annotations

import io
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.cli import main
from bot.console.passwords import verify_password
from bot.console.store import ConsoleStore
from bot.settings import load_settings

PASSWORD = "mat-khau-cua-lan-2025"
SERVER = "(máy chủ)"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAUNOI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CAUNOI_STATUS_DB", raising=False)
    load_settings.cache_clear()
    yield tmp_path
    load_settings.cache_clear()


def staff(monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> int:
    """`caunoi staff ARGS` with `stdin` piped in (not a terminal)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["staff", *args])


def opened(data: Path) -> ConsoleStore:
    return ConsoleStore(f"sqlite:///{data / 'status.db'}")


def test_add_stores_the_hash_and_logs_it_under_the_server(data: Path, monkeypatch, capsys) -> None:
    assert staff(monkeypatch, "add", "Lan", "--role", "desk", stdin=PASSWORD + "\r\n") == 0
    assert "Added lan (một cửa)" in capsys.readouterr().out
    store = opened(data)
    try:
        account, stored = store.account("lan")
        assert (account.role, account.disabled) == ("desk", False)
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        assert verify_password(stored, PASSWORD)  # the line ending was not part of it
        assert [(e.actor, e.action, e.detail) for e in store.audit_entries()] == [(SERVER, "account_added", "lan desk")]
    finally:
        store.close()
    assert PASSWORD.encode() not in (data / "status.db").read_bytes()


def test_only_the_first_line_of_standard_input_is_the_password(data: Path, monkeypatch) -> None:
    assert staff(monkeypatch, "add", "lan", "--role", "team", stdin=f"{PASSWORD}\nsomething-else-entirely\n") == 0
    store = opened(data)
    try:
        assert verify_password(store.account("lan")[1], PASSWORD)
    finally:
        store.close()


@pytest.mark.parametrize("password", ["short", "", "lan.nguyen"])
def test_a_weak_password_is_refused_and_nothing_is_made(data: Path, monkeypatch, capsys, password: str) -> None:
    assert staff(monkeypatch, "add", "lan.nguyen", "--role", "desk", stdin=password + "\n") == 2
    assert capsys.readouterr().err.startswith("error: Mật khẩu")
    assert staff(monkeypatch, "list") == 0
    assert "No staff accounts" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["a", "lan nguyen", "<script>", "_lan", ".lan", "x" * 33, "nguyễn"])
def test_a_bad_name_is_refused(data: Path, monkeypatch, capsys, name: str) -> None:
    assert staff(monkeypatch, "add", name, "--role", "desk", stdin=PASSWORD + "\n") == 2
    assert "a name is 2-32 letters" in capsys.readouterr().err
    assert staff(monkeypatch, "disable", name) == 2


def test_an_unknown_role_is_refused_by_the_parser(data: Path, monkeypatch) -> None:
    with pytest.raises(SystemExit) as exited:
        staff(monkeypatch, "add", "lan", "--role", "boss", stdin=PASSWORD + "\n")
    assert exited.value.code == 2


def test_a_duplicate_is_refused_and_keeps_the_first_password(data: Path, monkeypatch, capsys) -> None:
    assert staff(monkeypatch, "add", "lan", "--role", "desk", stdin=PASSWORD + "\n") == 0
    assert staff(monkeypatch, "add", "LAN", "--role", "admin", stdin="another-password-1\n") == 1
    assert "lan already exists" in capsys.readouterr().err
    store = opened(data)
    try:
        account, stored = store.account("lan")
        assert account.role == "desk" and verify_password(stored, PASSWORD)
        assert [e.action for e in store.audit_entries()] == ["account_added"]
    finally:
        store.close()


@pytest.mark.parametrize("command", ["passwd", "disable", "enable"])
def test_an_unknown_account_exits_1(data: Path, monkeypatch, capsys, command: str) -> None:
    assert staff(monkeypatch, command, "nobody", stdin=PASSWORD + "\n") == 1
    assert "no account 'nobody'" in capsys.readouterr().err
    store = opened(data)
    try:
        assert store.audit_entries() == [] and store.accounts() == []
    finally:
        store.close()


def test_passwd_disable_enable_and_list(data: Path, monkeypatch, capsys) -> None:
    assert staff(monkeypatch, "add", "minh", "--role", "admin", stdin=PASSWORD + "\n") == 0
    assert staff(monkeypatch, "add", "lan", "--role", "desk", stdin=PASSWORD + "\n") == 0
    store = opened(data)
    store.add_session("lan-session", "lan", "csrf")
    store.add_failures("account:lan")
    capsys.readouterr()
    try:
        assert staff(monkeypatch, "passwd", "lan", stdin="mat-khau-moi-cua-lan\n") == 0
        assert "its open sessions are closed" in capsys.readouterr().out
        stored = store.account("lan")[1]
        assert verify_password(stored, "mat-khau-moi-cua-lan") and not verify_password(stored, PASSWORD)
        assert store.session("lan-session") is None  # whoever had the old password is out
        assert store.failures_since("account:lan", datetime(2000, 1, 1, tzinfo=timezone.utc)) == 0

        assert staff(monkeypatch, "passwd", "lan", stdin="short\n") == 2
        assert verify_password(store.account("lan")[1], "mat-khau-moi-cua-lan")

        assert staff(monkeypatch, "disable", "lan") == 0
        assert store.account("lan")[0].disabled
        assert staff(monkeypatch, "list") == 0
        today = f"{datetime.now(timezone.utc):%Y-%m-%d}"
        lines = [line.split() for line in capsys.readouterr().out.splitlines()]
        assert lines[-2:] == [["lan", "desk", "disabled", "since", today], ["minh", "admin", "active", "since", today]]

        assert staff(monkeypatch, "enable", "lan") == 0
        assert not store.account("lan")[0].disabled
        assert [(e.actor, e.action, e.detail) for e in store.audit_entries()] == [
            (SERVER, "account_enabled", "lan"),
            (SERVER, "account_disabled", "lan"),
            (SERVER, "password_changed", "lan"),
            (SERVER, "account_added", "lan desk"),
            (SERVER, "account_added", "minh admin"),
        ]
    finally:
        store.close()
