"""Rasa SDK actions. They only translate between the tracker and `bot.dialogue.respond`."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.context import knowledge_base
from bot.dialogue.reply import ANSWER_TOPICS
from bot.dialogue.respond import respond
from bot.settings import load_settings


def _procedure_entity(tracker: Tracker) -> str | None:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "procedure" and entity.get("value"):
            return str(entity["value"])
    return None


# Load the KB when the action server starts, not on the first user's message.
knowledge_base()


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        settings = load_settings()
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        reply = respond(
            knowledge_base(),
            settings.commune,
            settings.top_procedures,
            intent,
            _procedure_entity(tracker),
            tracker.get_slot("procedure"),
            tracker.get_slot("topic"),
        )
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons, json_message=reply.custom)
        # A clarifying question remembers the topic it is waiting to answer.
        topic = reply.extra.get("pending_topic", reply.topic)
        events = [SlotSet("procedure", reply.procedure_id)]
        if topic in ANSWER_TOPICS:
            events.append(SlotSet("topic", topic))
        return events
