"""Phrases from the knowledge base that speech recognition is hinted with (voice/stt engines)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.kb import KnowledgeBase
from bot.settings import load_settings

MAX_HINTS = 60
MAX_WORDS = 6  # longer phrases are explanations, not something people say
ALIASES_PER_PROCEDURE = 4  # the KB lists the most common wording of each procedure first


def _phrases(text: str, separators: str = ";,()/") -> list[str]:
    """'Đăng ký thường trú (nhập hộ khẩu)' → ['đăng ký thường trú', 'nhập hộ khẩu']."""
    pieces = re.split(f"[{re.escape(separators)}]", text.lower())
    words = [re.sub(r"[^\w\s]", " ", piece).split() for piece in pieces]
    return [" ".join(w[1:] if w and w[0] in ("và", "hoặc") else w) for w in words]


def hint_phrases(kb: KnowledgeBase, top: Sequence[str] | None = None, limit: int = MAX_HINTS) -> list[str]:
    """Phrases people are likely to say, most useful first: short names, the first aliases, then
    official names, taken round-robin over procedures (the commune's `top_procedures` first) so any
    prefix of the list covers many procedures. Lower-case, deduplicated, 2–6 words, at most `limit`."""
    if top is None:
        try:
            top = load_settings().top_procedures
        except (OSError, ValueError):  # hints are a nicety: a bad settings file is reported elsewhere
            top = ()
    order = [p for p in top if p in kb.procedures] + sorted(p for p in kb.procedures if p not in top)
    per_procedure = []
    for pid in order:
        proc = kb.procedures[pid]
        # Official names are cut at ";" only: their commas join verbs ("Cấp, cấp đổi, cấp lại thẻ …").
        aliases = [p for alias in proc.aliases[:ALIASES_PER_PROCEDURE] for p in _phrases(alias, ";")]
        pieces = [*_phrases(proc.short_name), *aliases, *_phrases(proc.name, ";()")]
        per_procedure.append([p for p in pieces if 2 <= len(p.split()) <= MAX_WORDS])
    hints: list[str] = []
    for round_ in range(max((len(p) for p in per_procedure), default=0)):
        for phrases in per_procedure:
            if round_ < len(phrases) and phrases[round_] not in hints:
                hints.append(phrases[round_])
                if len(hints) >= limit:
                    return hints
    return hints
