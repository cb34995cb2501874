"""Which languages are offered: only those whose core texts are approved and fresh."""

from __future__ import annotations

from pathlib import Path

from bot.languages.registry import load_languages
from bot.languages.wording import VIETNAMESE
from tests.support.language_pack import write_pack
from tests.unit.bot.languages.conftest import COMMUNE, TOP


def test_no_folder_no_languages(kb, tmp_path: Path) -> None:
    found = load_languages(tmp_path / "missing", kb, COMMUNE, TOP)
    assert not found.offered and not found.errors and found.wording("qaa") is VIETNAMESE


def test_the_gate_hides_an_incomplete_language_and_says_what_it_lacks(kb, tmp_path: Path) -> None:
    write_pack(tmp_path, kb, COMMUNE, code="qaa")
    write_pack(tmp_path, kb, COMMUNE, code="qab", drafts=["language.choose"])
    (tmp_path / "qac").mkdir()  # no language.yml: reported, the others go on
    found = load_languages(tmp_path, kb, COMMUNE, TOP)
    assert list(found.offered) == ["qaa"]
    assert set(found.packs) == {"qaa", "qab"}
    assert found.missing["qab"] == ["language.choose"]
    assert any("qac/language.yml: missing" in e for e in found.errors)
    assert found.wording("qab") is VIETNAMESE and found.wording("qaa").code == "qaa"
    assert found.is_offered("vi") and not found.is_offered("qab")
