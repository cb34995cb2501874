"""Score a trained model on a held-out test set (`tests/nlu_test.yml`).

Each test example carries metadata `{procedure: <id or null>, variant: diacritics|no_diacritics|
teencode|spoken}`. An utterance is jointly right when both the intent and the first procedure
entity (or its absence) match.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bot.runtime.environment import apply_quiet_env, hide_jax


@dataclass(frozen=True)
class Case:
    text: str
    intent: str
    procedure: str | None
    variant: str


@dataclass
class Outcome:
    case: Case
    intent: str | None
    procedure: str | None
    also_asked: tuple[str, ...] = ()  # other topics the reply also answers ("time", "where")

    @property
    def intent_ok(self) -> bool:
        return self.intent == self.case.intent

    @property
    def procedure_ok(self) -> bool:
        return self.procedure == self.case.procedure

    @property
    def joint_ok(self) -> bool:
        return self.intent_ok and self.procedure_ok

    @property
    def answered_ok(self) -> bool:
        """The reply answers the expected topic, as its main topic or as one of the others asked."""
        also = {f"ask_{t}" for t in self.also_asked}
        return self.procedure_ok and (self.intent_ok or self.case.intent in also)


@dataclass
class Scores:
    outcomes: list[Outcome] = field(default_factory=list)
    parse_ms: list[float] = field(default_factory=list)  # wall time of each parse, in order

    @staticmethod
    def _rate(items: list[Outcome], attr: str) -> float:
        return sum(getattr(o, attr) for o in items) / len(items) if items else 0.0

    def summary(self) -> dict[str, dict[str, float]]:
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in self.outcomes:
            groups["all"].append(outcome)
            groups[outcome.case.variant].append(outcome)
        return {
            name: {
                "n": len(items),
                "intent": self._rate(items, "intent_ok"),
                "procedure": self._rate(items, "procedure_ok"),
                "joint": self._rate(items, "joint_ok"),
                "answered": self._rate(items, "answered_ok"),
            }
            for name, items in groups.items()
        }

    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.joint_ok]


def load_cases(path: str | Path) -> list[Case]:
    apply_quiet_env()
    from rasa.shared.nlu.training_data.loading import load_data

    cases = []
    for message in load_data(str(path)).intent_examples:
        meta = (message.get("metadata") or {}).get("example") or {}
        cases.append(
            Case(message.get("text"), message.get("intent"), meta.get("procedure"),
                 meta.get("variant", "diacritics"))
        )
    return cases


def first_procedure(parse: dict) -> str | None:
    for entity in parse.get("entities") or []:
        if entity.get("entity") == "procedure":
            return entity.get("value")
    return None


async def _score(model_path: Path, cases: list[Case]) -> Scores:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message debug lines

    agent = Agent.load(str(model_path))
    scores = Scores()
    for case in cases:
        started = time.perf_counter()
        parse = await agent.parse_message(case.text)
        scores.parse_ms.append((time.perf_counter() - started) * 1000)
        also = next((e.get("value") for e in parse.get("entities") or [] if e.get("entity") == "also_asked"), "")
        scores.outcomes.append(
            Outcome(case, (parse.get("intent") or {}).get("name"), first_procedure(parse),
                    tuple(t for t in (also or "").split(",") if t))
        )
    return scores


def evaluate(model_path: str | Path, test_path: str | Path) -> Scores:
    apply_quiet_env()
    hide_jax()
    return asyncio.run(_score(Path(model_path), load_cases(test_path)))
