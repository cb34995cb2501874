"""Token store: atomic 0600 writes, clear errors on corrupt files, seeding only when the store is absent."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from bot.channels.zalo import tokens as tokens_module
from bot.channels.zalo.tokens import Tokens, TokenStore, TokenStoreError


def test_save_then_load_round_trip(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "state" / "zalo" / "tokens.json")  # parents are created
    assert store.load() is None
    store.save(Tokens("AT-1", "RT-1", 1_700_000_000.5))
    assert store.load() == Tokens("AT-1", "RT-1", 1_700_000_000.5)
    store.save(Tokens("AT-2", "RT-2", 1_700_090_000.0))
    assert store.load() == Tokens("AT-2", "RT-2", 1_700_090_000.0)
    assert json.loads(store.path.read_text())["refresh_token"] == "RT-2"


def test_file_mode_is_0600_even_over_a_wider_file(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text("{}")
    os.chmod(path, 0o644)
    TokenStore(path).save(Tokens("AT", "RT", 1.0))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_no_temp_files_left_behind(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    for n in range(5):
        store.save(Tokens(f"AT-{n}", f"RT-{n}", float(n)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tokens.json"]


def test_save_is_atomic_when_the_write_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    store.save(Tokens("AT-old", "RT-old", 1.0))

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tokens_module.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        store.save(Tokens("AT-new", "RT-new", 2.0))
    monkeypatch.undo()
    # The old pair is intact (never half-written) and the temp file was cleaned up.
    assert store.load() == Tokens("AT-old", "RT-old", 1.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tokens.json"]


def test_save_goes_through_fsync_and_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(tokens_module.os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(tokens_module.os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1])
    TokenStore(tmp_path / "tokens.json").save(Tokens("AT", "RT", 1.0))
    assert calls[:2] == ["fsync", "replace"]  # data synced before the rename makes it visible


@pytest.mark.parametrize("content", [
    b"", b"{not json", b"[]", b'{"access_token": "a"}', b'{"access_token": "a", "refresh_token": "r"}',
    b'{"access_token": "a", "refresh_token": "r", "expires_at": "soon"}',
    b'{"access_token": 1, "refresh_token": "r", "expires_at": 1}', b"\xff\xfe",
])
def test_corrupt_file_names_the_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "tokens.json"
    path.write_bytes(content)
    with pytest.raises(TokenStoreError) as info:
        TokenStore(path).load()
    assert str(path) in str(info.value)


def test_corrupt_error_does_not_echo_the_content(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text('{"access_token": "SECRET-AT", "refresh_token": "SECRET-RT"')
    with pytest.raises(TokenStoreError) as info:
        TokenStore(path).load()
    assert "SECRET" not in str(info.value)


def test_tokens_repr_hides_secrets() -> None:
    text = repr(Tokens("SECRET-AT", "SECRET-RT", 5.0))
    assert "SECRET" not in text and "5.0" in text


def test_seed_writes_only_when_absent(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    assert store.seed("AT-env", "RT-env", 100.0) == Tokens("AT-env", "RT-env", 100.0)
    assert store.load() == Tokens("AT-env", "RT-env", 100.0)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    # A refresh moved the store on; the same (now spent) environment values must not win on restart.
    store.save(Tokens("AT-new", "RT-new", 200.0))
    assert store.seed("AT-env", "RT-env", 100.0) == Tokens("AT-new", "RT-new", 200.0)
    assert store.load() == Tokens("AT-new", "RT-new", 200.0)
    # Nor do different environment values: once the store exists, only deleting it re-seeds.
    assert store.seed("AT-other", "RT-other", 300.0) == Tokens("AT-new", "RT-new", 200.0)


def test_seed_without_tokens(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    assert store.seed(None, None) is None
    assert not store.exists()
    # A refresh token alone is enough: the access token counts as expired, the client refreshes first.
    assert store.seed(None, "RT-only") == Tokens("", "RT-only", 0.0)


def test_seed_refuses_to_paper_over_a_corrupt_store(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text("garbage")
    with pytest.raises(TokenStoreError):
        TokenStore(path).seed("AT", "RT", 1.0)
    assert path.read_text() == "garbage"


def test_seed_loses_a_race_gracefully(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    other = TokenStore(store.path)
    real_load = TokenStore.load
    state = {"first": True}

    def load_then_other_process_seeds(self: TokenStore) -> Tokens | None:
        result = real_load(self)
        if state["first"]:
            state["first"] = False
            other.save(Tokens("AT-winner", "RT-winner", 9.0))  # lands between our load and our write
        return result

    monkeypatch.setattr(TokenStore, "load", load_then_other_process_seeds)
    assert store.seed("AT-loser", "RT-loser", 1.0) == Tokens("AT-winner", "RT-winner", 9.0)
    assert real_load(store) == Tokens("AT-winner", "RT-winner", 9.0)
