"""One user turn as the dialogue sees it, and what it decides: typed, with no Rasa in sight.

The Rasa action (bot/actions/answer.py) builds a `Turn` from the tracker and turns the `Outcome`
back into a message and slot events; nothing else crosses that line.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from bot.dialogue.intents import Intent, Topic
from bot.dialogue.reply import Reply


@dataclass(frozen=True)
class Context:
    """What the dialogue keeps between turns (one Rasa slot per field, same names)."""

    procedure: str | None = None  # the procedure of the last answer: "mất bao lâu?" keeps it
    topic: Topic | None = None  # its topic: "thế còn kết hôn?" keeps it
    status_step: str | None = None  # "code" or "phone": what the status conversation asked for
    status_code: str | None = None  # the application code given so far
    status_verified: str | None = None  # the code this sender proved in this session
    status_then: str | None = None  # "subscribe": notices asked for before the code was proved
    more_from: str | None = None  # the next paper a "xem thêm" shows, after a list that has more
    # The language this sender speaks with us ("vi" or a pack's code); None until languages are offered
    # and the sender's remembered choice has been looked up (bot/dialogue/language.py).
    language: str | None = None

    @classmethod
    def slot_names(cls) -> tuple[str, ...]:
        return _SLOT_NAMES

    @classmethod
    def from_slots(cls, slots: dict[str, Any]) -> Context:
        values = {name: slots.get(name) for name in _SLOT_NAMES}
        values["topic"] = _TOPICS.get(values["topic"])
        return cls(**values)

    def as_slots(self) -> dict[str, Any]:
        return {name: (value.value if isinstance(value, Topic) else value)
                for name, value in ((n, getattr(self, n)) for n in _SLOT_NAMES)}

    def with_(self, **changes: Any) -> Context:
        return replace(self, **changes)


_SLOT_NAMES = tuple(f.name for f in fields(Context))
_TOPICS = {t.value: t for t in Topic}  # a slot value that is no topic (or None) reads as None


@dataclass(frozen=True)
class Turn:
    sender: str  # the conversation id, channel-prefixed: "telegram:42"
    text: str  # what the person typed or said, as sent (not the NLU's normalised copy)
    intent: Intent | None = None
    procedure: str | None = None  # the procedure the message names (the NLU's entity)
    # The procedure is the NLU classifier's guess from words that name no curated procedure ("cấp lại
    # giấy phép lái xe" guessed as a copy of a civil-status paper): a portal name match beats it.
    procedure_guessed: bool = False
    # What the message names when it names no known procedure ("sổ đỏ"): the NLU's `object` entity.
    unknown_object: str | None = None
    # Other topics the same message asks ("làm ở đâu, mất bao lâu?"): the NLU's `also_asked` entity.
    also_asked: tuple[Topic, ...] = ()
    entities: dict[str, str] = field(default_factory=dict)  # every entity by name
    context: Context = Context()
    channel: str | None = None  # "telegram", "zalo", "kiosk", "rest"


@dataclass(frozen=True)
class Outcome:
    reply: Reply
    context: Context  # to keep for the next turn
