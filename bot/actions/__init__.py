"""Rasa SDK actions. They only translate between the tracker and `bot.dialogue`."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.context import knowledge_base
from bot.dialogue.reply import ANSWER_TOPICS, Reply
from bot.dialogue.respond import respond
from bot.dialogue.status import StatusContext, StatusDialogue, entity_values
from bot.settings import load_settings

logger = logging.getLogger(__name__)


def _procedure_entity(tracker: Tracker) -> str | None:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "procedure" and entity.get("value"):
            return str(entity["value"])
    return None


def _user_text(tracker: Tracker) -> str:
    """The message as the person sent it (the NLU's copy is normalised: lower case, no diacritics)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return str(event.get("text") or "")
    return ""


@lru_cache(maxsize=1)
def _procedure_names() -> dict[str, str]:
    return {pid: p.name for pid, p in knowledge_base().procedures.items()}


@lru_cache(maxsize=1)
def _status_store() -> Any:
    from bot.status.store import open_status_store

    return open_status_store()


def _status_dialogue() -> StatusDialogue | None:
    try:
        store = _status_store()
    except Exception:  # a broken status database must not take the procedure answers down
        logger.exception("status store unavailable")
        _status_store.cache_clear()
        return None
    return StatusDialogue(store, load_settings().commune)


# Load the KB when the action server starts, not on the first user's message.
knowledge_base()


def _status_turn(tracker: Tracker, intent: str | None) -> tuple[Reply | None, list[dict[str, Any]]]:
    step = tracker.get_slot("status_step")
    if intent not in ("check_status", "subscribe_status", "status_changed") and step is None:
        if not any(ch.isdigit() for ch in _user_text(tracker)):
            return None, []  # the common case: no status question, no database read
    dialogue = _status_dialogue()
    if dialogue is None:
        return None, []
    turn = dialogue.turn(StatusContext(
        sender=tracker.sender_id,
        channel=tracker.get_latest_input_channel(),
        text=_user_text(tracker),
        intent=intent,
        procedure_names=_procedure_names(),
        step=step,
        code=tracker.get_slot("status_code"),
        verified=tracker.get_slot("status_verified"),
        then=tracker.get_slot("status_then"),
        entities=entity_values(tracker.latest_message.get("entities") or []),
    ))
    if turn is None:
        return None, []
    return turn.reply, [SlotSet(name, value) for name, value in turn.slots.items()]


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        settings = load_settings()
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        reply, events = _status_turn(tracker, intent)
        if reply is not None:
            dispatcher.utter_message(text=reply.text, buttons=reply.buttons, json_message=reply.custom)
            if reply.procedure_id and not any(e["name"] == "procedure" for e in events):
                events.append(SlotSet("procedure", reply.procedure_id))
            return events
        reply = respond(
            knowledge_base(),
            settings.commune,
            settings.top_procedures,
            intent,
            _procedure_entity(tracker),
            tracker.get_slot("procedure"),
            tracker.get_slot("topic"),
        )
        card = reply.extra.get("checklist_card")
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons, json_message=reply.custom,
                                 image=card["png"] if card else None)
        # A clarifying question remembers the topic it is waiting to answer.
        topic = reply.extra.get("pending_topic", reply.topic)
        events.append(SlotSet("procedure", reply.procedure_id))
        if topic in ANSWER_TOPICS:
            events.append(SlotSet("topic", topic))
        return events
