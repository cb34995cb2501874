"""The console's store on real SQLite files: the installation key, accounts, sessions, failures, audit."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.console.store import AccountExists, ConsoleStore, failures, now, sessions

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g"  # stored as given: the store never hashes


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'status.db'}"


@pytest.fixture
def store(url: str) -> ConsoleStore:
    store = ConsoleStore(url)
    yield store
    store.close()


def _age(store: ConsoleStore, table, minutes: float, **where: str) -> None:
    """Move rows of `table` (all, or those matching `where`) `minutes` into the past."""
    column = "at" if table is failures else "last_seen"
    query = table.update().values({column: now() - timedelta(minutes=minutes)})
    for name, value in where.items():
        query = query.where(table.c[name] == value)
    with store._write() as conn:  # noqa: SLF001 - time passes
        conn.execute(query)


def test_the_secret_is_made_once_and_shared_by_every_store_on_the_database(url: str, tmp_path: Path) -> None:
    first = ConsoleStore(url)
    second = ConsoleStore(url)  # another replica, or the `caunoi staff` command beside the server
    other = ConsoleStore(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        key = first.secret()
        assert len(key) == 32
        assert first.secret() == key and second.secret() == key
        assert other.secret() != key  # another installation
    finally:
        for s in (first, second, other):
            s.close()
    reopened = ConsoleStore(url)
    try:
        assert reopened.secret() == key  # kept in the database, not in the process
    finally:
        reopened.close()


def test_accounts_are_added_once_and_listed_by_name(store: ConsoleStore) -> None:
    assert not store.has_accounts() and store.accounts() == []
    store.add_account("minh", "team", HASH)
    store.add_account("an", "admin", HASH + "2")
    with pytest.raises(AccountExists):
        store.add_account("minh", "desk", "another hash")
    assert store.has_accounts()
    assert [(a.name, a.role, a.disabled) for a in store.accounts()] == [("an", "admin", False),
                                                                        ("minh", "team", False)]
    account, stored = store.account("minh")
    assert (account.role, stored) == ("team", HASH)  # the duplicate changed nothing
    assert account.created_at.tzinfo is not None
    assert store.account("nobody") is None


def test_update_account_ends_only_that_accounts_sessions_and_failures(store: ConsoleStore) -> None:
    store.add_account("lan", "desk", HASH)
    store.add_account("minh", "team", HASH)
    store.add_session("lan-1", "lan", "c1")
    store.add_session("lan-2", "lan", "c2")
    store.add_session("minh-1", "minh", "c3")
    store.add_failures("account:lan", "address:x")
    store.add_failures("account:minh")
    since = now() - timedelta(minutes=5)

    assert store.update_account("lan", role="admin") is True
    assert store.account("lan")[0].role == "admin"
    assert store.session("lan-1") is None and store.session("lan-2") is None
    assert store.session("minh-1") is not None
    assert store.failures_since("account:lan", since) == 0
    assert store.failures_since("account:minh", since) == 1
    assert store.failures_since("address:x", since) == 1  # an address lock is not the account's to lift

    assert store.update_account("nobody", disabled=True) is False


def test_set_password_hash_keeps_the_sessions(store: ConsoleStore) -> None:
    store.add_account("lan", "desk", HASH)
    store.add_session("t", "lan", "c")
    store.set_password_hash("lan", "new hash")
    assert store.account("lan")[1] == "new hash"
    assert store.session("t") is not None


def test_a_session_of_a_disabled_account_is_never_found(store: ConsoleStore) -> None:
    store.add_account("lan", "desk", HASH)
    store.update_account("lan", disabled=True)
    store.add_session("late", "lan", "c")  # written by a login that raced the disabling
    assert store.session("late") is None
    store.update_account("lan", disabled=False)
    store.add_session("again", "lan", "c2")
    found = store.session("again")
    assert (found.name, found.role, found.csrf) == ("lan", "desk", "c2")
    assert store.session("no-such-token") is None


def test_sessions_are_touched_ended_and_expired(store: ConsoleStore) -> None:
    store.add_account("lan", "desk", HASH)
    store.add_session("idle", "lan", "c")
    store.add_session("busy", "lan", "c")
    _age(store, sessions, 60, token_hash="idle")
    _age(store, sessions, 60, token_hash="busy")
    store.touch_session("busy")
    assert now() - store.session("busy").last_seen < timedelta(minutes=1)
    assert store.end_sessions_before(now() - timedelta(minutes=30), now() - timedelta(hours=12)) == 1
    assert store.session("idle") is None and store.session("busy") is not None
    # Started too long ago, however busy.
    assert store.end_sessions_before(now() - timedelta(minutes=30), now() + timedelta(seconds=1)) == 1
    assert store.session("busy") is None
    store.add_session("out", "lan", "c")
    store.end_session("out")
    assert store.session("out") is None


def test_failures_are_counted_within_the_window_and_forgotten(store: ConsoleStore) -> None:
    store.add_failures("account:lan", "address:a")
    store.add_failures("account:lan")
    _age(store, failures, 20)  # those three are 20 minutes old
    store.add_failures("account:lan")
    assert store.failures_since("account:lan", now() - timedelta(minutes=15)) == 1
    assert store.failures_since("account:lan", now() - timedelta(minutes=30)) == 3
    assert store.failures_since("address:a", now() - timedelta(minutes=30)) == 1
    assert store.failures_since("account:minh", now() - timedelta(minutes=30)) == 0

    store.forget_failures(now() - timedelta(minutes=10))
    assert store.failures_since("account:lan", now() - timedelta(days=1)) == 1
    assert store.failures_since("address:a", now() - timedelta(days=1)) == 0
    store.clear_failures("account:lan")
    assert store.failures_since("account:lan", now() - timedelta(days=1)) == 0


def test_audit_entries_newest_first_by_actor_and_cut_to_size(store: ConsoleStore) -> None:
    store.log("lan", "login")
    store.log("minh", "login")
    store.log("lan", "status_lookup", "H12.22-251103-0042")
    store.log("lan", "x" * 100, "d" * 1000)
    store.log("n" * 100, "logout")

    entries = store.audit_entries()
    assert [e.action[:13] for e in entries] == ["logout", "x" * 13, "status_lookup", "login", "login"]
    assert [e.actor for e in entries[2:]] == ["lan", "minh", "lan"]
    assert entries[0].actor == "n" * 64
    assert entries[1].action == "x" * 40 and entries[1].detail == "d" * 300
    assert entries[2].detail == "H12.22-251103-0042" and entries[3].detail == ""
    assert all(e.at.tzinfo is not None for e in entries)

    mine = store.audit_entries(actor="lan")
    assert [e.action for e in mine] == ["x" * 40, "status_lookup", "login"]
    assert [e.action for e in store.audit_entries(limit=2, actor="lan")] == ["x" * 40, "status_lookup"]
    assert store.audit_entries(actor="nobody") == []
