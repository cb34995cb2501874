"""The phrase registry: every phrase is used, every key used exists, placeholders are what the code fills."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.dialogue.phrases import PHRASES, placeholders, say
from bot.languages.pack import CORE_PHRASES, NAME_KEY


def _code(root: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((root / "bot").rglob("*.py")))


def test_every_phrase_is_said_somewhere_and_every_key_said_exists(root: Path) -> None:
    code = _code(root)
    dynamic = {"online.vneid", "online.dvcqg", "online.dvc_tinh"}  # f"online.{channel}"
    button_keys = set(re.findall(r'"(button\.\w+)"', code))
    for key in set(PHRASES) - dynamic - button_keys:
        assert f'"{key}"' in code, f"phrase {key} is never said"
    said = set(re.findall(r'\.phrase(?:_or_vietnamese)?\("([\w.]+)"', code)) | set(
        re.findall(r'_say\(w, "([\w.]+)"', code))
    assert said and said <= set(PHRASES) | {NAME_KEY}, said - set(PHRASES)


def test_core_phrases_exist() -> None:
    missing = [k for k in CORE_PHRASES if k not in PHRASES and k != NAME_KEY and not k.startswith("commune.")]
    assert missing == []


@pytest.mark.parametrize(("template", "fields"), [
    ("Lệ phí {procedure}: {amount}", {"procedure", "amount"}),
    ("Tùy trường hợp:", set()),
])
def test_placeholders(template: str, fields: set[str]) -> None:
    assert placeholders(template) == fields


def test_say_fills_a_phrase() -> None:
    assert say("fee.title", procedure="khai sinh", amount="miễn phí") == "Lệ phí khai sinh: miễn phí"
