"""Phone numbers: normalised the same whatever way they are written; hashed with this installation's salt."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from bot.status.phone import SALT_FILE, last4, load_salt, phone_digits, phone_hash


@pytest.mark.parametrize("value", [
    "0912345678", "0912 345 678", "0912.345.678", "0912-345-678", "+84 912 345 678", "+84912345678",
    "84912345678", "(+84) 912 345 678", "+84 0912 345 678", " 0912345678 ", "912345678",  # a spreadsheet dropped the 0
])
def test_mobile_numbers(value):
    assert phone_digits(value) == "0912345678"


def test_landlines_and_lost_zeros():
    assert phone_digits("024 3825 1234") == "02438251234"
    assert phone_digits("2438251234") == "02438251234"  # 10 digits without the 0
    assert phone_digits("+84 24 3825 1234") == "02438251234"


@pytest.mark.parametrize("value", [
    "", "12345", "0912 345 678 999", "+1 202 555 0123", "09123456789012", "0912abc678", "phone",
    "001234567890",  # a 12-digit ID number
])
def test_not_phone_numbers(value):
    assert phone_digits(value) is None


def test_non_text_is_not_a_phone():
    assert phone_digits(912345678) is None  # type: ignore[arg-type]  (the importer converts numbers)


def test_last4_and_hash():
    assert last4("0912345678") == "5678"
    salt = b"s" * 32
    h = phone_hash(salt, "0912345678")
    assert h == phone_hash(salt, "0912345678") and len(h) == 64 and "0912345678" not in h
    assert h != phone_hash(b"t" * 32, "0912345678") != phone_hash(salt, "0912345679")


def test_salt_is_made_once_private_and_kept(tmp_path):
    data = tmp_path / "data"
    salt = load_salt(data)
    assert len(salt) == 32
    path = data / SALT_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_salt(data) == salt
    assert load_salt(tmp_path / "other") != salt
    assert sorted(p.name for p in data.iterdir()) == [SALT_FILE]  # no temporary file left


def test_processes_starting_together_agree_on_one_salt(tmp_path):
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(load_salt(tmp_path))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(results) == 8


def test_a_damaged_salt_is_refused(tmp_path):
    (tmp_path / SALT_FILE).write_bytes(b"short")
    os.chmod(tmp_path / SALT_FILE, 0o600)
    with pytest.raises(ValueError, match="damaged"):
        load_salt(tmp_path)
