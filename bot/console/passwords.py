"""Staff passwords: argon2id (argon2-cffi's defaults), never stored or logged in clear."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
_hasher = PasswordHasher()



@cache
def _dummy() -> str:
    # Verified against when the account does not exist, so a wrong name takes as long as a wrong password.
    # Made on first use: a hash costs 0.2 s, which the server's start need not pay.
    return _hasher.hash("not a password of anyone")


class WeakPassword(ValueError):
    pass


def check_strength(password: str, name: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Mật khẩu cần ít nhất {MIN_LENGTH} ký tự.")
    if password.strip().lower() == name.lower():
        raise WeakPassword("Mật khẩu không được trùng tên đăng nhập.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _dummy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)
