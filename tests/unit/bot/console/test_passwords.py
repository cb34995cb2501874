from __future__ import annotations

import pytest

from bot.console.passwords import WeakPassword, check_strength, hash_password, needs_rehash, verify_password


def test_hash_is_argon2id_and_verifies_only_the_password() -> None:
    stored = hash_password("mot-mat-khau-dai")
    assert stored.startswith("$argon2id$") and "mot-mat-khau-dai" not in stored
    assert verify_password(stored, "mot-mat-khau-dai")
    assert not verify_password(stored, "mot-mat-khau-dai ")
    assert not needs_rehash(stored)


def test_no_account_never_verifies() -> None:
    assert not verify_password(None, "not a password of anyone")  # the dummy hash's own password
    assert not verify_password("not a hash", "x")


@pytest.mark.parametrize(("password", "name"), [("short", "lan"), ("lan.nguyen", "lan.nguyen")])
def test_weak_passwords_are_refused(password: str, name: str) -> None:
    with pytest.raises(WeakPassword):
        check_strength(password, name)
