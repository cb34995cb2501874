"""The reply contract shared by the engine, the channels and the tests.

Every reply carries `custom = {"procedure_id", "topic", ...}`; the whole human-readable answer is in
`text` so a plain REST client sees it; buttons are `{"title", "payload"}` as Rasa sends them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

TOPICS = (
    "overview", "documents", "fee", "time", "where", "steps", "online", "clarify", "status",
    "greet", "goodbye", "thanks", "help", "human", "out_of_scope", "fallback",
)
# Topics that answer a question about one procedure.
ANSWER_TOPICS = ("overview", "documents", "fee", "time", "where", "steps", "online")


@dataclass
class Reply:
    text: str
    topic: str
    procedure_id: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.topic not in TOPICS:
            raise ValueError(f"unknown topic {self.topic!r}")

    @property
    def custom(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"procedure_id": self.procedure_id, "topic": self.topic}
        payload.update(self.extra)
        if self.buttons:
            payload["buttons"] = self.buttons
        return payload


def payload(intent: str, procedure_id: str | None = None) -> str:
    """A button payload Rasa parses without NLU: /intent{"procedure": "..."}."""
    if procedure_id is None:
        return f"/{intent}"
    return f"/{intent}" + json.dumps({"procedure": procedure_id}, separators=(",", ":"))
