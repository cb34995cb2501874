"""`caunoi lang status`: language × procedure, how much is translated, recorded and stale."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.kb import KnowledgeBase
from bot.languages.pack import LanguagePack, is_served, translatable
from bot.languages.recorded import hasher, recording_keys
from bot.languages.recordings import Recordings, RecordingsError
from bot.languages.registry import load_languages
from bot.languages.texts import source_hash
from bot.settings import Commune

PHRASES_ROW = "(câu của trợ lý)"


def coverage_table(folder: Path, kb: KnowledgeBase, commune: Commune, top: Iterable[str]) -> str:
    found = load_languages(folder, kb, commune, top)
    if not found.packs and not found.errors:
        return f"No language packs in {folder}. Start one: caunoi lang export CODE --xlsx FILE --vi-name NAME"
    lines: list[str] = []
    for code, pack in found.packs.items():
        missing = found.missing[code]
        gate = "offered to people" if not missing else f"not offered: {len(missing)} core texts not approved"
        lines += [f"{code}  {pack.vi_name}  ({gate})", _row("", "text", "audio", "stale")]
        lines += _rows(pack, kb, commune)
        lines.append("")
    lines += [f"problem: {e}" for e in found.errors]
    return "\n".join(lines).rstrip()


def _row(name: str, text: str, audio: str, stale: str) -> str:
    return f"  {name:<24}{text:>9}{audio:>9}{stale:>7}"


def _rows(pack: LanguagePack, kb: KnowledgeBase, commune: Commune) -> list[str]:
    texts = translatable(kb, commune, pack.vi_name)
    try:
        recordings = Recordings.load(pack.folder)
    except RecordingsError as exc:
        recordings, problem = None, str(exc)
    else:
        problem = None
    fresh_hash = hasher(kb, commune)
    groups: dict[str, list[str]] = {PHRASES_ROW: [k for k in texts if ":" not in k]}
    for pid in kb.procedures:
        groups[pid] = [k for k in texts if k.startswith(pid + ":")]
    audio_keys = recording_keys(kb)
    rows = []
    for name, keys in groups.items():
        served = sum(is_served(pack, k, texts[k]) for k in keys)
        stale = sum(1 for k in keys if (e := pack.entry(k)) is not None and e.source_hash != source_hash(texts[k]))
        wanted = [k for k in audio_keys if (k.startswith("phrase.") if name == PHRASES_ROW else
                                             k.rpartition(".")[0] == name)]
        kept = [k for k in wanted if recordings is not None and k in recordings]
        heard = sum(1 for k in kept if recordings.fresh(k, fresh_hash(k)))  # type: ignore[union-attr]
        stale += len(kept) - heard
        rows.append(_row(name, f"{served}/{len(keys)}", f"{heard}/{len(wanted)}", str(stale)))
    if problem:
        rows.append(f"  problem: {problem}")
    return rows
