"""The engine's reply messages as plain data a channel can send.

Rasa hands a channel one dict per bot message: `text`, `buttons` ([{title, payload}]) and `custom`
(the reply contract: procedure_id, topic, checklist...). Channels render these; they never decide
what to say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Outgoing:
    text: str
    buttons: tuple[Button, ...] = ()
    custom: dict[str, Any] = field(default_factory=dict)
    image: str | None = None  # an address the engine gave, e.g. a checklist card (/webhooks/cards/…)


def from_engine(message: dict[str, Any]) -> Outgoing | None:
    """One Rasa bot message → Outgoing; None when there is nothing a person could read."""
    custom = message.get("custom") or {}
    buttons = message.get("buttons") or custom.get("buttons") or []
    text = str(message.get("text") or "").strip()
    parsed = tuple(
        Button(str(b.get("title") or b.get("payload")), str(b.get("payload") or b.get("title")))
        for b in buttons if isinstance(b, dict) and (b.get("title") or b.get("payload"))
    )
    image = message.get("image")
    image = image if isinstance(image, str) and image else None
    if not text and not parsed and not image:
        return None
    return Outgoing(text=text, buttons=parsed, custom=custom if isinstance(custom, dict) else {}, image=image)



def in_a_language(replies: list[Outgoing]) -> bool:
    """Whether an answer (but the echo of what was heard) speaks a language a commune's team translated
    (`custom.language`). Text-to-speech speaks Vietnamese only: it would read those words as nonsense."""
    return any(r.custom.get("language") for r in replies if "transcript" not in r.custom)
