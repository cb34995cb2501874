"""Scoring the catalog tier on questions, through the trained NLU and the dialogue as `action_answer`
runs them: the long-tail set (right procedure answered or offered, honest when nothing fits, every
portal answer sourced) and the curated sets (none of their questions may be answered from the
catalog). Used by bench/catalog_eval.py and the accuracy tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.actions.answer import turn_from_parse
from bot.catalog.answers import SOURCE_LINE
from bot.catalog.tier import kb_codes
from bot.dialogue.handle import Dialogue
from bot.dialogue.reply import Reply


@dataclass
class LongTailScore:
    right: int = 0
    present: int = 0
    honest: int = 0
    absent: int = 0
    sourced: int = 0
    portal: int = 0  # portal answers (not choices)
    misses: list[tuple[str, Reply]] = field(default_factory=list)

    @property
    def right_share(self) -> float:
        return self.right / self.present if self.present else 0.0


def accepted(reply: Reply, accept: list[str], owners: Mapping[str, str] | None = None) -> bool:
    """The reply answers an accepted procedure (a KB id or a portal code), or offers one to choose.
    `owners`: portal code → the curated entry that answers it (its `code` or a `related_codes`): a
    procedure curated after the set was labelled is right under its KB id."""
    ids = {a if not a[:1].isdigit() else f"portal:{a}" for a in accept}
    ids |= {owners[a] for a in accept if owners and a in owners}
    if reply.procedure_id in ids:
        return True
    offered = any(any(i in (b.get("payload") or "") for i in ids) for b in reply.buttons)
    return offered and reply.topic.value == "clarify"


async def score_long_tail(agent: Any, talk: Dialogue, cases: list[dict[str, Any]]) -> LongTailScore:
    score = LongTailScore()
    owners = kb_codes(talk.answers.kb)
    for case in cases:
        reply = talk.handle(turn_from_parse(await agent.parse_message(case["say"]), case["say"], "eval")).reply
        if reply.source == "portal" and reply.procedure_id:
            score.portal += 1
            score.sourced += reply.text.splitlines()[-1] == SOURCE_LINE and "Nguồn: http" in reply.text
        if case.get("absent"):
            score.absent += 1
            ok = reply.procedure_id is None and not any("portal:" in (b.get("payload") or "") for b in reply.buttons)
            score.honest += ok
        else:
            score.present += 1
            ok = accepted(reply, case.get("accept", []), owners)
            score.right += ok
        if not ok:
            score.misses.append((case["say"], reply))
    return score


async def answered_from_catalog(agent: Any, talk: Dialogue, texts: list[str]) -> list[tuple[str, Reply]]:
    """The questions (about curated procedures) whose reply comes from the catalog instead."""
    out = []
    for text in texts:
        reply = talk.handle(turn_from_parse(await agent.parse_message(text), text, "eval")).reply
        if reply.source == "portal":
            out.append((text, reply))
    return out
