"""The reply contract shared by the engine, the channels and the tests.

Every reply carries `custom = {"procedure_id", "topic", ...}`; the whole human-readable answer is in
`text` so a plain REST client sees it; buttons are `{"title", "payload"}` as Rasa sends them. Optional
fields appear in `custom` only when set. What the dialogue keeps between turns is not here: it is the
`Context` of the turn's `Outcome` (bot/dialogue/turn.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.dialogue.intents import ANSWER_TOPICS, Intent, Topic

__all__ = ["ANSWER_TOPICS", "TOPICS", "CardLinks", "Reply", "card_stem", "payload"]

TOPICS = tuple(t.value for t in Topic)
CARD_URL = "/webhooks/cards/{procedure_id}.{fmt}"


def card_stem(procedure_id: str) -> str:
    """A procedure id as card addresses and files name it ("portal:1.004194" → "portal-1.004194")."""
    return procedure_id.replace(":", "-")


@dataclass(frozen=True)
class CardLinks:
    """Where the running server serves a procedure's checklist card (relative to its address)."""

    procedure_id: str
    png: str
    pdf: str

    @classmethod
    def of(cls, procedure_id: str) -> CardLinks:
        stem = card_stem(procedure_id)
        return cls(procedure_id, CARD_URL.format(procedure_id=stem, fmt="png"),
                   CARD_URL.format(procedure_id=stem, fmt="pdf"))


@dataclass
class Reply:
    text: str
    topic: Topic
    procedure_id: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    verified_on: str | None = None  # the KB entry's check date
    checklist: list[dict[str, Any]] | None = None  # documents: one item per paper
    card: CardLinks | None = None  # the printable checklist (sent as a picture)
    contact: dict[str, str] | None = None  # the commune desk, for "talk to a person"
    application: dict[str, Any] | None = None  # status: {code, stage, due}
    expects: str | None = None  # status: what the next message should carry
    subscribed: bool | None = None  # status: notices on for this file
    notice: bool = False  # status: a change notice, not an answer
    source: str | None = None  # "kb" (curated, checked) or "portal" (the national catalog, unchecked)
    language: str | None = None  # the language a reply speaks when not only Vietnamese ("qaa")
    audio: dict[str, str] | None = None  # a team member's recording of it: {"ogg", "mp3"} addresses
    # With the language choice: each language's recorded "which language?", [{"language", "ogg", "mp3"}].
    prompts: list[dict[str, str]] | None = None

    def __post_init__(self) -> None:
        try:
            self.topic = Topic(self.topic)
        except ValueError:
            raise ValueError(f"unknown topic {self.topic!r}") from None

    @property
    def custom(self) -> dict[str, Any]:
        data: dict[str, Any] = {"procedure_id": self.procedure_id, "topic": self.topic.value}
        optional = {
            "verified_on": self.verified_on, "checklist": self.checklist,
            "checklist_card": self.card and {"procedure_id": self.card.procedure_id, "png": self.card.png,
                                             "pdf": self.card.pdf},
            "contact": self.contact, "application": self.application, "expects": self.expects,
            "subscribed": self.subscribed, "notice": self.notice or None, "buttons": self.buttons or None,
            "source": self.source, "language": self.language, "audio": self.audio,
            "prompts": self.prompts,
        }
        data.update({key: value for key, value in optional.items() if value is not None})
        return data


def payload(intent: Intent | str, procedure_id: str | None = None, **entities: str) -> str:
    """A button payload Rasa parses without NLU: /intent{"procedure": "...", other entities}."""
    name = Intent(intent).value
    values = ({"procedure": procedure_id} if procedure_id is not None else {}) | entities
    if not values:
        return f"/{name}"
    return f"/{name}" + json.dumps(values, separators=(",", ":"))
