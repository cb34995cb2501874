"""A placeholder language pack for tests: private-use code `qaa`, visibly placeholder text.

No sentence of a real minority language is ever written here (issue 15): every "translation" is
"[qaa] <key>" with the Vietnamese placeholders kept, so a test can see which text was served.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from bot.dialogue.phrases import PHRASES, placeholders
from bot.kb import KnowledgeBase
from bot.languages.pack import NAME_KEY, translatable
from bot.languages.texts import source_hash
from bot.settings import Commune

CODE = "qaa"
VI_NAME = "tiếng Qaa (mẫu)"
OWN_NAME = "[qaa] Qaa"
TRANSLATOR, REVIEWER = "Người dịch (mẫu)", "Người duyệt (mẫu)"


def placeholder_text(key: str, code: str = CODE) -> str:
    if key == NAME_KEY:
        return OWN_NAME if code == CODE else f"[{code}] {code.capitalize()}"
    fields = " ".join("{" + p + "}" for p in sorted(placeholders(PHRASES[key]))) if key in PHRASES else ""
    return f"[{code}] {key}" + (f" {fields}" if fields else "")


def write_pack(languages_dir: Path, kb: KnowledgeBase, commune: Commune, code: str = CODE,
               leave_out: Iterable[str] = (), drafts: Iterable[str] = (), stale: Iterable[str] = (),
               script: str = "highlands_latin", only: Iterable[str] | None = None) -> Path:
    """A pack translating every text (or `only` these keys), approved, but for the keys left out,
    left as drafts, or hashed from another Vietnamese text (stale)."""
    folder = languages_dir / code
    (folder / "procedures").mkdir(parents=True, exist_ok=True)
    vi_name = VI_NAME if code == CODE else f"tiếng {code.capitalize()} (mẫu)"
    (folder / "language.yml").write_text(yaml.safe_dump(
        {"code": code, "vi_name": vi_name, "script": script}, allow_unicode=True), encoding="utf-8")
    left, draft, old = set(leave_out), set(drafts), set(stale)
    wanted = set(only) if only is not None else None
    phrases: dict[str, dict] = {}
    procedures: dict[str, dict[str, dict]] = {}
    for key, vi in translatable(kb, commune, vi_name).items():
        if key in left or (wanted is not None and key not in wanted):
            continue
        entry = {"text": placeholder_text(key, code), "status": "draft" if key in draft else "approved",
                 "translator": TRANSLATOR, "reviewer": REVIEWER,
                 "source_hash": source_hash(vi + " (old)" if key in old else vi)}
        if ":" in key:
            pid, _, field = key.partition(":")
            procedures.setdefault(pid, {})[field] = entry
        else:
            phrases[key] = entry
    (folder / "phrases.yml").write_text(yaml.safe_dump(phrases, allow_unicode=True, sort_keys=False), "utf-8")
    for pid, entries in procedures.items():
        (folder / "procedures" / f"{pid}.yml").write_text(
            yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def record(languages_dir: Path, kb: KnowledgeBase, commune: Commune, keys: Iterable[str], code: str = CODE,
           seconds: float = 2.0) -> Path:
    """Import a tone as the team's recording of each key (placeholder audio: no voice, no language)."""
    import subprocess
    import tempfile

    from bot.languages.recorded import hasher
    from bot.languages.recordings import import_recordings

    with tempfile.TemporaryDirectory(prefix="caunoi-rec-") as tmp:
        source = Path(tmp)
        for key in keys:
            subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                            f"sine=frequency=440:duration={seconds}", "-ac", "1", str(source / f"{key}.wav")],
                           check=True)
        (source / "consent.yml").write_text(
            'speaker: "Người thu âm (mẫu)"\nconsent: true\nconsent_date: 2026-12-01\n', encoding="utf-8")
        report = import_recordings(source, languages_dir / code, hasher(kb, commune))
        assert report.ok, str(report)
    return languages_dir / code / "audio"
