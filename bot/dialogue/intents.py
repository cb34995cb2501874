"""Intents and topics, named once. `domain.yml` and the NLU data must list the same intents
(tests/unit/bot/dialogue/test_intents.py checks both ways).

Both enums are `str` enums, so an `Intent` equals the name Rasa sends ("ask_fee") and a `Topic` the
value in `custom.topic`.
"""

from __future__ import annotations

from enum import Enum


class Intent(str, Enum):
    ASK_OVERVIEW = "ask_overview"
    ASK_DOCUMENTS = "ask_documents"
    ASK_FEE = "ask_fee"
    ASK_TIME = "ask_time"
    ASK_WHERE = "ask_where"
    ASK_STEPS = "ask_steps"
    ASK_ONLINE = "ask_online"
    ASK_CHECKLIST_IMAGE = "ask_checklist_image"  # "gửi danh sách giấy tờ dạng ảnh": documents + the card
    INFORM_PROCEDURE = "inform_procedure"  # only a procedure named ("còn kết hôn?")
    GREET = "greet"
    GOODBYE = "goodbye"
    THANKS = "thanks"
    HELP = "help"
    TALK_TO_HUMAN = "talk_to_human"
    OUT_OF_SCOPE = "out_of_scope"
    CHOOSE_LANGUAGE = "choose_language"  # "đổi ngôn ngữ", and the language buttons
    CHECK_STATUS = "check_status"
    SUBSCRIBE_STATUS = "subscribe_status"
    STATUS_CHANGED = "status_changed"  # never typed: the status notifier triggers it
    NLU_FALLBACK = "nlu_fallback"  # Rasa's FallbackClassifier: nothing confident

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, name: str | None) -> Intent | None:
        """The intent Rasa named; None for no intent or one we do not know (handled as a fallback)."""
        try:
            return cls(name) if name else None
        except ValueError:
            return None


class Topic(str, Enum):
    OVERVIEW = "overview"
    DOCUMENTS = "documents"
    FEE = "fee"
    TIME = "time"
    WHERE = "where"
    STEPS = "steps"
    ONLINE = "online"
    CLARIFY = "clarify"
    STATUS = "status"
    GREET = "greet"
    GOODBYE = "goodbye"
    THANKS = "thanks"
    HELP = "help"
    HUMAN = "human"
    OUT_OF_SCOPE = "out_of_scope"
    UNKNOWN_PROCEDURE = "unknown_procedure"  # a procedure question about something the KB does not cover
    FALLBACK = "fallback"
    LANGUAGE = "language"  # the language menu, or the choice made

    def __str__(self) -> str:
        return self.value


# Topics that answer a question about one procedure, in the order answers are listed.
ANSWER_TOPICS = (Topic.OVERVIEW, Topic.DOCUMENTS, Topic.FEE, Topic.TIME, Topic.WHERE, Topic.STEPS, Topic.ONLINE)
INTENT_TOPIC = {
    Intent.ASK_OVERVIEW: Topic.OVERVIEW,
    Intent.ASK_DOCUMENTS: Topic.DOCUMENTS,
    Intent.ASK_FEE: Topic.FEE,
    Intent.ASK_TIME: Topic.TIME,
    Intent.ASK_WHERE: Topic.WHERE,
    Intent.ASK_STEPS: Topic.STEPS,
    Intent.ASK_ONLINE: Topic.ONLINE,
}
TOPIC_INTENT = {topic: intent for intent, topic in INTENT_TOPIC.items()}
STATUS_INTENTS = frozenset({Intent.CHECK_STATUS, Intent.SUBSCRIBE_STATUS, Intent.STATUS_CHANGED})
# Intents that clearly ask something else: they end a status question left half-way.
LEAVING_STATUS = frozenset(set(INTENT_TOPIC) | {
    Intent.ASK_CHECKLIST_IMAGE, Intent.INFORM_PROCEDURE, Intent.GREET, Intent.GOODBYE, Intent.THANKS,
    Intent.HELP, Intent.TALK_TO_HUMAN, Intent.OUT_OF_SCOPE, Intent.CHOOSE_LANGUAGE,
})
