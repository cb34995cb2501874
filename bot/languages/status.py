"""Language × procedure: how much is translated, recorded and stale.

`coverage` gives the figures as rows (the staff console's table, bot/console/pages/languages.py);
`coverage_table` prints them for `caunoi lang status`, so both always count the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.kb import KnowledgeBase
from bot.languages.pack import LanguagePack, is_served, translatable
from bot.languages.recorded import hasher, recording_keys
from bot.languages.recordings import Recordings, RecordingsError
from bot.languages.registry import load_languages
from bot.languages.texts import source_hash
from bot.settings import Commune

PHRASES_ROW = "(câu của trợ lý)"


@dataclass(frozen=True)
class CoverageRow:
    name: str  # a procedure id, or PHRASES_ROW for the assistant's own sentences
    procedure_id: str | None
    translated: int  # texts approved and fresh
    texts: int  # texts there are to translate
    recorded: int  # recordings that play (fresh, not rejected)
    recordable: int  # answers and phrases there are to record
    stale: int  # translations and recordings made from a Vietnamese that changed since


@dataclass
class PackCoverage:
    pack: LanguagePack
    missing: list[str]  # the core texts not approved and fresh: offered only when empty
    rows: list[CoverageRow]
    problem: str | None = None  # the recordings' manifest cannot be read

    @property
    def offered(self) -> bool:
        return not self.missing


@dataclass
class Coverage:
    packs: list[PackCoverage] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # packs and entries that cannot be read


def coverage(folder: Path, kb: KnowledgeBase, commune: Commune, top: Iterable[str]) -> Coverage:
    found = load_languages(folder, kb, commune, top)
    packs = [PackCoverage(pack, found.missing[code], *_rows(pack, kb, commune)) for code, pack in found.packs.items()]
    return Coverage(packs, list(found.errors))


def coverage_table(folder: Path, kb: KnowledgeBase, commune: Commune, top: Iterable[str]) -> str:
    found = coverage(folder, kb, commune, top)
    if not found.packs and not found.errors:
        return f"No language packs in {folder}. Start one: caunoi lang export CODE --xlsx FILE --vi-name NAME"
    lines: list[str] = []
    for c in found.packs:
        gate = "offered to people" if c.offered else f"not offered: {len(c.missing)} core texts not approved"
        lines += [f"{c.pack.code}  {c.pack.vi_name}  ({gate})", _line("", "text", "audio", "stale")]
        lines += [_line(r.name, f"{r.translated}/{r.texts}", f"{r.recorded}/{r.recordable}", str(r.stale))
                  for r in c.rows]
        if c.problem:
            lines.append(f"  problem: {c.problem}")
        lines.append("")
    lines += [f"problem: {e}" for e in found.errors]
    return "\n".join(lines).rstrip()


def _line(name: str, text: str, audio: str, stale: str) -> str:
    return f"  {name:<24}{text:>9}{audio:>9}{stale:>7}"


def _rows(pack: LanguagePack, kb: KnowledgeBase, commune: Commune) -> tuple[list[CoverageRow], str | None]:
    texts = translatable(kb, commune, pack.vi_name)
    try:
        recordings: Recordings | None = Recordings.load(pack.folder)
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
        heard = 0
        for k in wanted:
            recording = recordings.stored(k) if recordings is not None else None
            if recording is None or recording.rejected:
                continue  # a rejected recording is neither heard nor stale: it waits to be recorded again
            if recordings.fresh(k, fresh_hash(k)):  # type: ignore[union-attr]
                heard += 1
            else:
                stale += 1
        rows.append(CoverageRow(name, None if name == PHRASES_ROW else name, served, len(keys), heard,
                                len(wanted), stale))
    return rows, problem
