"""Logging in and out, sessions and the lockout. No Sanic here: the routes hand in names and cookies.

A session cookie is `<random token>.<HMAC of it>` under this installation's key (ConsoleStore.secret):
a cookie made by another installation, or altered, fails the HMAC before the database is asked, and
the database keeps only a hash of the token, so a stolen copy of it opens nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from bot.console.config import ConsoleConfig
from bot.console.passwords import hash_password, needs_rehash, verify_password
from bot.console.roles import ROLE_LABELS
from bot.console.store import ConsoleStore, now

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")
UNKNOWN_ACTOR = "(không rõ)"  # what a failed login with an unknown name is logged under
# last_seen is written at most this often: a page's every request need not be a database write.
TOUCH_EVERY = timedelta(seconds=60)


def valid_name(name: str) -> bool:
    return NAME_PATTERN.fullmatch(name) is not None


@dataclass(frozen=True)
class StaffSession:
    name: str
    role: str
    csrf: str
    token_hash: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


class LoginRefused(Exception):
    """Why a login failed, in words for the login page (the same words for a wrong name or password)."""


WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
LOCKED = "Sai mật khẩu quá nhiều lần. Đăng nhập bị khoá {minutes} phút; hỏi người quản trị nếu cần gấp."


class Authenticator:
    def __init__(self, store: ConsoleStore, config: ConsoleConfig) -> None:
        self._store = store
        self._config = config
        self._key = store.secret()

    # -- keyed values ---------------------------------------------------------------------------------

    def _mac(self, value: str, purpose: str) -> str:
        return hmac.new(self._key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def address_key(self, address: str) -> str:
        return "address:" + self._mac(address, "address")[:32]

    def login_token(self, nonce: str) -> str:
        """The login form's CSRF token, bound to the nonce cookie the form page set."""
        return self._mac(nonce, "login")

    # -- logging in -----------------------------------------------------------------------------------

    def _locked(self, key: str, limit: int) -> bool:
        since = now() - timedelta(minutes=self._config.lock_minutes)
        return self._store.failures_since(key, since) >= limit

    def login(self, name: str, password: str, address: str) -> tuple[StaffSession, str]:
        """(the session, its cookie value); LoginRefused otherwise, every failure counted."""
        name = name.strip().lower()
        account_key, address_key = f"account:{name}", self.address_key(address)
        locked_message = LOCKED.format(minutes=round(self._config.lock_minutes))
        # Locked: refused before the password is even checked, so guessing on goes nowhere.
        if self._locked(address_key, self._config.address_failures):
            raise LoginRefused(locked_message)
        if valid_name(name) and self._locked(account_key, self._config.account_failures):
            self._store.log(name, "login_locked")
            raise LoginRefused(locked_message)
        found = self._store.account(name) if valid_name(name) else None
        stored = found[1] if found else None
        if not verify_password(stored, password[:1024]) or found is None or found[0].disabled:
            self._store.add_failures(*([account_key] if found else []), address_key)
            self._store.forget_failures(now() - timedelta(days=1))
            self._store.log(name if found else UNKNOWN_ACTOR, "login_failed")
            raise LoginRefused(WRONG)
        account = found[0]
        self._store.clear_failures(account_key)
        if stored and needs_rehash(stored):
            self._store.set_password_hash(name, hash_password(password))
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        token_hash = hashlib.sha256(token.encode()).hexdigest()
        at = now()
        # Sessions nobody came back to are deleted here, so the table holds only live ones.
        self._store.end_sessions_before(at - timedelta(minutes=self._config.idle_minutes),
                                        at - timedelta(hours=self._config.max_hours))
        self._store.add_session(token_hash, account.name, csrf)
        self._store.log(account.name, "login")
        return StaffSession(account.name, account.role, csrf, token_hash), f"{token}.{self._mac(token, 'cookie')}"

    # -- a request's session --------------------------------------------------------------------------

    def session(self, cookie: str | None) -> StaffSession | None:
        token, _, mac = (cookie or "").partition(".")
        if not token or len(cookie or "") > 200 or not hmac.compare_digest(mac, self._mac(token, "cookie")):
            return None
        token_hash = hashlib.sha256(token.encode()).hexdigest()
        found = self._store.session(token_hash)
        if found is None:
            return None
        at = now()
        idle = at - found.last_seen > timedelta(minutes=self._config.idle_minutes)
        if idle or at - found.created_at > timedelta(hours=self._config.max_hours):
            self._store.end_session(token_hash)
            return None
        if at - found.last_seen > TOUCH_EVERY:
            self._store.touch_session(token_hash)
        return StaffSession(found.name, found.role, found.csrf, token_hash)

    def logout(self, session: StaffSession) -> None:
        self._store.end_session(session.token_hash)
        self._store.log(session.name, "logout")
