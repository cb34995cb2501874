"""Generate the NLU synonyms and lookup table for the `procedure` entity from the KB aliases, then
the KB situations (how people describe their need without naming the procedure): a lookup table
`procedure_situation` and a second synonym block per procedure, for a learned procedure classifier.

The output file is committed; a test fails when it no longer matches the KB, so
`caunoi kb export-nlu` must be run after editing aliases or situations.
"""

from __future__ import annotations

from pathlib import Path

from bot.kb import KnowledgeBase
from bot.nlu.normalize import normalize_folded

HEADER = (
    "# GENERATED from procedures_kb/ by `caunoi kb export-nlu` — do not edit by hand.\n"
    'version: "3.1"\n'
    "nlu:\n"
)


def procedure_aliases(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Per procedure: its aliases, name and short name, without clashes between procedures."""
    owner: dict[str, str] = {}
    out: dict[str, list[str]] = {}
    for pid in kb.ids:
        p = kb.procedures[pid]
        names = [*p.aliases, p.name, p.short_name]
        out[pid] = []
        for name in names:
            key = normalize_folded(name)
            if not key or owner.get(key, pid) != pid or name.lower() in out[pid]:
                continue
            owner[key] = pid
            out[pid].append(name.lower())
    return out


def procedure_situations(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Per procedure: its situations, lower case, one space between words. A situation that (folded)
    is another procedure's alias or an earlier procedure's situation is left out (`load_kb` reports it),
    so every phrase maps to one procedure."""
    owner = {normalize_folded(n): pid for pid, names in procedure_aliases(kb).items() for n in names}
    out: dict[str, list[str]] = {}
    for pid in kb.ids:
        out[pid] = []
        for situation in kb.procedures[pid].situations:
            text = " ".join(situation.lower().split())
            key = normalize_folded(text)
            if not key or owner.get(key, pid) != pid or text in out[pid]:
                continue
            owner[key] = pid
            out[pid].append(text)
    return out


def render_nlu(kb: KnowledgeBase) -> str:
    aliases = procedure_aliases(kb)
    lines = [HEADER.rstrip("\n")]
    for pid, names in aliases.items():
        lines.append(f"- synonym: {pid}")
        lines.append("  examples: |")
        lines.extend(f"    - {n}" for n in names)
    lines.append("- lookup: procedure")
    lines.append("  examples: |")
    for names in aliases.values():
        lines.extend(f"    - {n}" for n in names)
    situations = {pid: texts for pid, texts in procedure_situations(kb).items() if texts}
    if situations:
        lines.append("- lookup: procedure_situation")
        lines.append("  examples: |")
        for texts in situations.values():
            lines.extend(f"    - {t}" for t in texts)
        for pid, texts in situations.items():
            lines.append(f"- synonym: {pid}")
            lines.append("  examples: |")
            lines.extend(f"    - {t}" for t in texts)
    return "\n".join(lines) + "\n"


def write_nlu(kb: KnowledgeBase, path: Path) -> bool:
    """Write the file; return True when its content changed."""
    content = render_nlu(kb)
    if path.exists() and path.read_text(encoding="utf-8") == content:
        return False
    path.write_text(content, encoding="utf-8")
    return True
