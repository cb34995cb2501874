"""The layering the folders promise: the voice core knows nothing of the assistant, the dialogue
knows nothing of Rasa or the channels, and only bot/rasa_ext patches Rasa."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import ROOT


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def offenders(folder: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    bad = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        hits = sorted(m for m in imported_modules(path) if any(m == f or m.startswith(f + ".") for f in forbidden))
        if hits:
            bad[str(path.relative_to(ROOT))] = hits
    return bad


def test_the_voice_core_imports_nothing_from_the_assistant() -> None:
    assert offenders("voice", ("bot",)) == {}
    assert "bot/voice/service.py" in offenders("bot/voice", ("voice",))  # the check sees imports


@pytest.mark.parametrize("folder", ["bot/dialogue", "bot/kb"])
def test_decisions_and_knowledge_know_no_engine_and_no_transport(folder: str) -> None:
    assert offenders(folder, ("rasa", "rasa_sdk", "sanic", "bot.channels", "bot.actions", "bot.runtime")) == {}


def test_only_rasa_ext_reaches_into_rasa_classes_to_patch_them() -> None:
    """Assignments to attributes of Rasa classes (monkeypatches) happen only in bot/rasa_ext/patches."""
    patched = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        if "rasa_ext/patches" in path.as_posix():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rasa_names = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                      and node.module and node.module.startswith("rasa") for alias in node.names}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                            and target.value.id in rasa_names:
                        patched.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert patched == []


def test_the_supervisor_stays_light() -> None:
    """`caunoi run` only starts and watches the servers: importing Rasa there cost 100 MB and 2 s of
    cold start (measured), so its path must not import Rasa, Sanic or TensorFlow."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from bot.cli import build_parser\n"
        "from bot.runtime.supervisor import enabled_channels, write_endpoints\n"
        "from bot.settings import load_settings\n"
        "build_parser(); enabled_channels(load_settings(), '0.0.0.0')\n"
        "print(sorted(m for m in ('rasa', 'rasa_sdk', 'sanic', 'tensorflow') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
