"""Upstream Rasa code we replace, wrap, override or call privately is as fingerprinted (bot/rasa_ext/upstream.py)."""

from __future__ import annotations

import pytest

from bot.rasa_ext import patches, upstream


def test_upstream_code_we_depend_on_is_as_fingerprinted() -> None:
    changed = upstream.changed()
    assert not changed, "Rasa's code changed under these modules; re-check each, then update " \
        "bot/rasa_ext/upstream.py (python -m bot.rasa_ext.upstream):\n" + "\n".join(
            f"  {user}: {', '.join(specs)}" for user, specs in changed.items())


def test_fingerprints_see_the_upstream_code_even_while_patched() -> None:
    recorded = upstream.current()
    with patches.applied():
        assert upstream.current() == recorded


def test_a_changed_upstream_function_names_the_patch_to_recheck(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = "rasa.engine.runner.dask:DaskGraphRunner.run"
    monkeypatch.setitem(upstream.FINGERPRINTS, spec, "0" * 16)
    assert upstream.changed() == {"bot.rasa_ext.patches.graph_runner": [spec]}
