"""Logging in, sessions, expiry and the lockout, on a real SQLite console store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.console.auth import LOCKED, WRONG, Authenticator, LoginRefused
from bot.console.config import ConsoleConfig
from bot.console.passwords import hash_password
from bot.console.store import ConsoleStore, now, sessions

PASSWORD = "dung-mat-khau-123"


@pytest.fixture
def store(tmp_path: Path) -> ConsoleStore:
    store = ConsoleStore(f"sqlite:///{tmp_path / 'status.db'}")
    store.add_account("lan", "desk", hash_password(PASSWORD))
    yield store
    store.close()


def auth(store: ConsoleStore, **config: float) -> Authenticator:
    return Authenticator(store, ConsoleConfig(**config))


def test_login_gives_a_signed_cookie_that_opens_the_session(store: ConsoleStore) -> None:
    a = auth(store)
    session, cookie = a.login("Lan ", PASSWORD, "10.0.0.5")
    assert (session.name, session.role) == ("lan", "desk")
    found = a.session(cookie)
    assert found is not None and found.csrf == session.csrf
    assert [e.action for e in store.audit_entries()] == ["login"]


def test_the_database_keeps_no_usable_token(store: ConsoleStore) -> None:
    _, cookie = auth(store).login("lan", PASSWORD, "10.0.0.5")
    token = cookie.split(".")[0]
    with store._read() as conn:  # noqa: SLF001 - looking at what is stored
        stored = conn.execute(sa.select(sessions.c.token_hash)).scalar_one()
    assert token not in stored and len(stored) == 64


@pytest.mark.parametrize("cookie", ["", "abc", "abc.def", "x" * 500])
def test_junk_cookies_open_nothing(store: ConsoleStore, cookie: str) -> None:
    assert auth(store).session(cookie) is None


def test_a_cookie_from_another_installation_is_refused(store: ConsoleStore, tmp_path: Path) -> None:
    other = ConsoleStore(f"sqlite:///{tmp_path / 'other.db'}")
    other.add_account("lan", "desk", hash_password(PASSWORD))
    _, foreign = auth(other).login("lan", PASSWORD, "10.0.0.5")
    assert auth(other).session(foreign) is not None
    assert auth(store).session(foreign) is None  # same name, same password: another key
    token, _, mac = foreign.partition(".")
    assert auth(store).session(f"{token}.{mac[:-1]}0") is None
    other.close()


def test_wrong_password_and_unknown_name_say_the_same(store: ConsoleStore) -> None:
    a = auth(store)
    for name, password in (("lan", "sai-mat-khau-1"), ("khong-co", PASSWORD), ("<script>", PASSWORD)):
        with pytest.raises(LoginRefused) as refused:
            a.login(name, password, "10.0.0.5")
        assert str(refused.value) == WRONG
    assert [e.actor for e in store.audit_entries()] == ["(không rõ)", "(không rõ)", "lan"]


def test_repeated_failures_lock_the_account_even_for_the_right_password(store: ConsoleStore) -> None:
    a = auth(store, account_failures=3, lock_minutes=15)
    for _ in range(3):
        with pytest.raises(LoginRefused):
            a.login("lan", "sai-mat-khau-1", f"10.0.0.{_}")  # from three addresses: the account counts
    with pytest.raises(LoginRefused) as refused:
        a.login("lan", PASSWORD, "10.0.0.9")
    assert str(refused.value) == LOCKED.format(minutes=15)
    store.update_account("lan", password_hash=hash_password(PASSWORD))  # `caunoi staff passwd` lifts it
    assert a.login("lan", PASSWORD, "10.0.0.9")


def test_repeated_failures_lock_the_address_for_every_name(store: ConsoleStore) -> None:
    a = auth(store, address_failures=4)
    for name in ("a1", "a2", "a3", "a4"):
        with pytest.raises(LoginRefused):
            a.login(name, "x", "10.0.0.66")
    with pytest.raises(LoginRefused, match="khoá"):
        a.login("lan", PASSWORD, "10.0.0.66")
    assert a.login("lan", PASSWORD, "10.0.0.67")


def test_a_lock_ends_when_its_failures_age_out(store: ConsoleStore) -> None:
    a = auth(store, account_failures=2, lock_minutes=15)
    for _ in range(2):
        with pytest.raises(LoginRefused):
            a.login("lan", "sai-mat-khau-1", "10.0.0.5")
    with store._write() as conn:  # noqa: SLF001 - 16 minutes pass
        from bot.console.store import failures
        conn.execute(failures.update().values(at=now() - timedelta(minutes=16)))
    assert a.login("lan", PASSWORD, "10.0.0.5")


def _age_session(store: ConsoleStore, **delta: float) -> None:
    with store._write() as conn:  # noqa: SLF001 - time passes
        conn.execute(sessions.update().values(last_seen=now() - timedelta(**delta)))


def test_an_idle_session_expires(store: ConsoleStore) -> None:
    a = auth(store, idle_minutes=30)
    _, cookie = a.login("lan", PASSWORD, "10.0.0.5")
    _age_session(store, minutes=29)
    assert a.session(cookie) is not None
    _age_session(store, minutes=31)
    assert a.session(cookie) is None
    _age_session(store, minutes=0)
    assert a.session(cookie) is None  # ended, not just hidden


def test_no_session_outlives_a_working_day(store: ConsoleStore) -> None:
    a = auth(store, max_hours=12)
    _, cookie = a.login("lan", PASSWORD, "10.0.0.5")
    with store._write() as conn:  # noqa: SLF001
        conn.execute(sessions.update().values(created_at=now() - timedelta(hours=13)))
    assert a.session(cookie) is None


def test_disabling_an_account_ends_its_sessions_and_logins(store: ConsoleStore) -> None:
    a = auth(store)
    _, cookie = a.login("lan", PASSWORD, "10.0.0.5")
    store.update_account("lan", disabled=True)
    assert a.session(cookie) is None
    with pytest.raises(LoginRefused):
        a.login("lan", PASSWORD, "10.0.0.5")


def test_logout_ends_the_session(store: ConsoleStore) -> None:
    a = auth(store)
    session, cookie = a.login("lan", PASSWORD, "10.0.0.5")
    a.logout(session)
    assert a.session(cookie) is None


def test_the_login_form_token_is_bound_to_its_nonce(store: ConsoleStore) -> None:
    a = auth(store)
    assert a.login_token("n1") == a.login_token("n1") != a.login_token("n2")


def test_a_login_clears_sessions_nobody_came_back_to(store: ConsoleStore) -> None:
    a = auth(store, idle_minutes=30)
    _, old = a.login("lan", PASSWORD, "10.0.0.5")
    _age_session(store, minutes=45)
    a.login("lan", PASSWORD, "10.0.0.5")
    with store._read() as conn:  # noqa: SLF001
        assert conn.execute(sa.select(sa.func.count()).select_from(sessions)).scalar_one() == 1
