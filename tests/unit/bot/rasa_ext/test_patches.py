"""The patch set: pinned Rasa only, idempotent, undone exactly; upstream code fingerprinted."""

from __future__ import annotations

import pytest

from bot.rasa_ext import patches
from bot.rasa_ext.patches.patch import Target


def _state() -> dict[Target, object]:
    return {t: t.owner_class().__dict__.get(t.attribute) for p in patches.PATCHES.values() for t in p.targets}


def test_apply_is_idempotent_and_undo_restores_every_attribute() -> None:
    before = _state()
    assert patches.apply() == list(patches.PATCHES)
    patched = _state()
    assert all(patched[t] is not before[t] for t in before)
    assert patches.apply() == []  # a second call changes nothing (no nested wrappers)
    assert _state() == patched
    patches.undo()
    assert _state() == before
    assert patches.applied_names() == []


def test_an_inherited_method_is_inherited_again_after_undo() -> None:
    from rasa.core.lock_store import LockStore, RedisLockStore

    assert "issue_ticket" not in vars(RedisLockStore)
    with patches.applied("redis_tickets"):
        assert "issue_ticket" in vars(RedisLockStore)
    assert "issue_ticket" not in vars(RedisLockStore)
    assert RedisLockStore.issue_ticket is LockStore.issue_ticket


def test_wrapping_patches_call_the_original() -> None:
    from rasa.shared.core.domain import Domain

    calls = []
    original = Domain.is_empty
    try:
        Domain.is_empty = lambda self: calls.append(self) or False
        with patches.applied("domain_emptiness"):
            domain = Domain.empty()
            assert domain.is_empty() is False and domain.is_empty() is False
        assert calls == [domain]  # once, then remembered
    finally:
        Domain.is_empty = original


def test_another_rasa_version_is_refused_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa

    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(patches.RasaVersionError, match=r"written for Rasa 3\.6\.21, but Rasa 3\.7\.0"):
        patches.apply()
    assert patches.applied_names() == []


def test_unknown_patch_names_are_refused() -> None:
    with pytest.raises(KeyError, match="unknown patch"):
        patches.apply(["no_such_patch"])


def test_pinned_version_is_the_locked_one(root) -> None:
    import rasa

    assert rasa.__version__ == patches.PINNED_RASA
    assert f'"rasa=={patches.PINNED_RASA}"' in (root / "pyproject.toml").read_text(encoding="utf-8")


def test_every_patch_module_says_why() -> None:
    import importlib

    for name, patch in patches.PATCHES.items():
        module = importlib.import_module(f"bot.rasa_ext.patches.{name}")
        assert module.PATCH is patch and len((module.__doc__ or "").strip()) > 80, name
        assert patch.reason and patch.kind in ("wraps", "replaces")
