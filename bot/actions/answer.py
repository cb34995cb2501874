"""`action_answer`, the only custom action: tracker → `Turn` → `Dialogue.handle` → message and slots."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.catalog.tier import BackgroundTier
from bot.dialogue.handle import Dialogue, opened_once, status_dialogue_factory
from bot.dialogue.intents import ANSWER_TOPICS, Intent, Topic
from bot.dialogue.status import entity_values
from bot.dialogue.turn import Context, Outcome, Turn
from bot.kb import KnowledgeBase
from bot.kb.shared import knowledge_base
from bot.languages.shared import languages, refresh
from bot.languages.team import load_team
from bot.nlu.names import CLASSIFIER
from bot.settings import load_settings


def _user_text(tracker: Tracker) -> str:
    """The message as the person sent it (the NLU's copy is normalised: lower case, no diacritics)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return str(event.get("text") or "")
    return ""


_ANSWER_TOPICS = {t.value: t for t in ANSWER_TOPICS}


def topics_of(value: str | None) -> tuple[Topic, ...]:
    """"time,where" → (Topic.TIME, Topic.WHERE); anything that is no answer topic is dropped."""
    return tuple(_ANSWER_TOPICS[v] for v in (value or "").split(",") if v in _ANSWER_TOPICS)


def guessed(entities: list[dict[str, Any]]) -> bool:
    """Whether the message's procedure is the NLU classifier's guess rather than a name it holds."""
    first = next((e for e in entities if e.get("entity") == "procedure"), None)
    return first is not None and first.get("extractor") == CLASSIFIER


def turn_from_parse(parse: dict[str, Any], text: str, sender: str, context: Context | None = None,
                    channel: str | None = None) -> Turn:
    """The turn for an NLU parse (a tracker's latest message, or `Agent.parse_message`'s result)."""
    raw = parse.get("entities") or []
    entities = entity_values(raw)
    return Turn(
        sender=sender,
        text=text,
        intent=Intent.parse((parse.get("intent") or {}).get("name")),
        procedure=entities.get("procedure"),
        procedure_guessed=guessed(raw),
        unknown_object=entities.get("object"),
        also_asked=topics_of(entities.get("also_asked")),
        entities=entities,
        context=context or Context(),
        channel=channel,
    )


def turn_of(tracker: Tracker) -> Turn:
    return turn_from_parse(tracker.latest_message, _user_text(tracker), tracker.sender_id,
                           Context.from_slots(tracker.current_slot_values()), tracker.get_latest_input_channel())


def slot_events(before: Context, after: Context) -> list[dict[str, Any]]:
    old, new = before.as_slots(), after.as_slots()
    return [SlotSet(name, value) for name, value in new.items() if old[name] != value]


def _open_status_store() -> object:
    # Imported on the first status question, not at start: most turns never touch the store.
    from bot.status.store import open_status_store

    return open_status_store()


def _catalog_tier(kb: KnowledgeBase) -> BackgroundTier:
    """The national catalog behind the KB, indexed in the background; the KB alone when its file is
    missing or broken, which `load_catalog` says in one log line."""
    from bot.catalog.store import load_catalog

    return BackgroundTier(load_catalog, kb)


@lru_cache(maxsize=1)
def dialogue() -> Dialogue:
    settings = load_settings()
    kb = knowledge_base()
    names = {pid: p.name for pid, p in kb.procedures.items()}
    store = opened_once(_open_status_store)  # applications and the senders' language choices
    return Dialogue(kb, settings.commune, settings.top_procedures,
                    status_dialogue_factory(store, settings.commune, names), _catalog_tier(kb),
                    languages(), load_team(settings), store)  # type: ignore[arg-type]


def send(dispatcher: CollectingDispatcher, outcome: Outcome) -> None:
    reply = outcome.reply
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons, json_message=reply.custom,
                             image=reply.card.png if reply.card else None)


# Load the KB when the action server starts, not on the first user's message.
dialogue()


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        turn = turn_of(tracker)
        refresh()  # a reviewer approved a translation in the console (another process): one stat to notice
        outcome = dialogue().handle(turn)
        send(dispatcher, outcome)
        return slot_events(turn.context, outcome.context)
