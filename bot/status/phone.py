"""Phone numbers: normalised, then kept only as a keyed hash and the last 4 digits.

Decree 13/2023 asks us to keep no more personal data than needed. Answering "where is my file?" needs
only a check that the person knows the phone number on the file, so the number itself is never stored:
the last 4 digits (what the person is asked for) and an HMAC of the whole number, keyed with a secret of
this installation so that the 10^9 possible numbers cannot be hashed by someone who copies the database.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

SALT_FILE = "status_salt"
SALT_BYTES = 32
_ALLOWED = re.compile(r"\+?[0-9 .\-]+")


def phone_digits(value: str) -> str | None:
    """"0912 345 678", "+84 912 345 678", "84912345678" → "0912345678"; None when not a phone number.

    A 9- or 10-digit number without its leading 0 gets it back: spreadsheets drop it.
    """
    if not isinstance(value, str):
        return None
    value = value.strip().replace("(", "").replace(")", "").strip()
    if not _ALLOWED.fullmatch(value):
        return None
    digits = re.sub(r"[^0-9]", "", value)
    if value.startswith("+"):
        if not digits.startswith("84"):
            return None  # a foreign number: not one a commune file holds
        rest = digits[2:]
        digits = rest if rest.startswith("0") else "0" + rest  # "+84 0912..." happens too
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif not digits.startswith("0") and len(digits) in (9, 10):
        digits = "0" + digits
    if not digits.startswith("0") or not 9 <= len(digits) <= 11:
        return None
    return digits


def last4(digits: str) -> str:
    return digits[-4:]


def phone_hash(salt: bytes, digits: str) -> str:
    return hmac.new(salt, digits.encode("ascii"), hashlib.sha256).hexdigest()


def load_salt(data_dir: Path) -> bytes:
    """This installation's secret key for phone hashes: made on first use, then read.

    Made in a temporary file and hard-linked into place, so two processes starting together agree on one
    salt (the loser of the race reads the winner's) and nobody ever reads a half-written file.
    """
    data_dir = Path(data_dir)
    path = data_dir / SALT_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        tmp = data_dir / f".{SALT_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_bytes(SALT_BYTES))
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        finally:
            tmp.unlink(missing_ok=True)
    salt = path.read_bytes()
    if len(salt) != SALT_BYTES:
        raise ValueError(f"{path}: damaged ({len(salt)} bytes, expected {SALT_BYTES}); restore it from a backup")
    return salt
