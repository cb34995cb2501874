"""The last word on the intent: rules the classifier cannot learn from short examples.

- The status conversation opens only on an application code or an explicit status question (an age,
  a year or "hồ sơ" in a question about a procedure is not one).
- The handoff to a person only on an explicit wish (HUMAN_CUES); "cho con", "cán bộ nói" are not.
- A message that names a procedure is a question about it: small talk, "out of scope" and the
  low-confidence fallback give way to the best procedure question, or to the overview.
- A question's one specific topic cue (papers, fee, time, place, online) decides its topic: "làm ở
  xã được không" asks where, not whether. Without one, "trình tự / như thế nào" asks the steps unless
  the question is whether ("có được … không … thủ tục thế nào" is answered by the overview).

Pure logic over the classifier's ranking; `bot.nlu.components.IntentArbiter` wraps it for Rasa.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.dialogue.intents import INTENT_TOPIC, Intent, Topic
from bot.nlu import cues
from bot.status.codes import find_codes

OVERVIEW = Intent.ASK_OVERVIEW.value
FALLBACK = Intent.NLU_FALLBACK.value
# Intents that mean nothing about a procedure: they lose to it when the message names one.
SMALL_TALK = frozenset(i.value for i in (Intent.GREET, Intent.GOODBYE, Intent.THANKS, Intent.HELP,
                                         Intent.OUT_OF_SCOPE, Intent.NLU_FALLBACK))
SPECIFIC_TOPICS = tuple(t.value for t in (Topic.DOCUMENTS, Topic.FEE, Topic.TIME, Topic.WHERE, Topic.ONLINE))
# The questions about one procedure and their topics, by name: "ask_fee" ⇄ "fee".
_TOPIC_OF = {intent.value: topic.value for intent, topic in INTENT_TOPIC.items()}
_QUESTION_ON = {topic: intent for intent, topic in _TOPIC_OF.items()}
MAX_ALSO_ASKED = 2  # a longer answer than three topics does not fit a phone screen
# Below this, the runner-up is a guess: the overview (procedure named) or the fallback is safer.
MIN_QUESTION_CONFIDENCE = 0.15


def blocked(intent: str, tokens: Sequence[str], text: str, names_procedure: bool) -> bool:
    """Whether the classifier's intent lacks what it needs in this message."""
    if intent == Intent.CHECK_STATUS:
        return not (find_codes(text) or cues.find(tokens, cues.STATUS_CUES))
    if intent == Intent.SUBSCRIBE_STATUS:
        return not (find_codes(text) or cues.find(tokens, cues.SUBSCRIBE_CUES)
                    or cues.find(tokens, cues.STATUS_CUES))
    if intent == Intent.TALK_TO_HUMAN:
        return not cues.find(tokens, cues.HUMAN_CUES)
    return names_procedure and intent in SMALL_TALK


def by_cues(intent: str, topics: Sequence[str], online_procedure: bool = False, whether_first: bool = False,
            asking: Sequence[str] = ()) -> str:
    """The question intent its topic cues name, `intent` when they name none or several.

    `online_procedure`: the procedure named is itself the online account (VNeID): "VNeID" names it,
    it does not ask about doing something online. `whether_first`: of several questions, the first
    asks whether ("có được … không? nếu được thì làm ở đâu?"); the others depend on its answer.
    `asking`: the topics named by a cue that asks ("ở đâu", not "về quê"), in the order asked: of
    several, the first asked is answered first."""
    if intent not in _TOPIC_OF and intent != Intent.INFORM_PROCEDURE:
        return intent
    if whether_first:
        return OVERVIEW
    specific = [t for t in topics if t in SPECIFIC_TOPICS and not (online_procedure and t == Topic.ONLINE)]
    asked = [t for t in asking if t in specific]
    if asked:  # asked first, answered first; the others follow (also_asked)
        return _QUESTION_ON[asked[0]]
    if len(specific) == 1:
        return _QUESTION_ON[specific[0]]
    if not specific and Topic.STEPS in topics and intent != Intent.INFORM_PROCEDURE:
        return OVERVIEW if Topic.OVERVIEW in topics else _QUESTION_ON[Topic.STEPS.value]
    if not specific and list(topics) == [Topic.OVERVIEW]:
        return OVERVIEW  # only whether or on what conditions: "định danh điện tử có được không"
    return intent


def also_asked(intent: str, topics: Sequence[str], online_procedure: bool = False) -> list[str]:
    """The other specific topics a question about a procedure asks, at most two ("cần giấy gì, làm ở
    đâu, mất bao lâu?" asked as documents: where and time too)."""
    asked = _TOPIC_OF.get(intent)
    if asked is None:
        return []
    return [t for t in topics if t in SPECIFIC_TOPICS and t != asked
            and not (online_procedure and t == Topic.ONLINE)][:MAX_ALSO_ASKED]


def _unblocked(ranking: Sequence[tuple[str, float]], tokens: Sequence[str], text: str,
               names_procedure: bool) -> str:
    if not blocked(ranking[0][0], tokens, text, names_procedure):
        return ranking[0][0]
    for intent, confidence in ranking[1:]:
        if intent == FALLBACK or blocked(intent, tokens, text, names_procedure):
            continue
        if confidence < MIN_QUESTION_CONFIDENCE:
            break
        return intent
    return OVERVIEW if names_procedure else FALLBACK


def arbitrate(ranking: Sequence[tuple[str, float]], tokens: Sequence[str], text: str,
              names_procedure: bool, topics: Sequence[str] = (), online_procedure: bool = False,
              whether_first: bool = False, asking: Sequence[str] = ()) -> str | None:
    """The intent to use instead of the top of `ranking`, or None to keep it.

    `tokens` are the normalised, folded words of the whole message, `text` the message as sent
    (application codes are looked for in it) and `topics` the topic cues of its question part.
    """
    if not ranking:
        return None
    chosen = by_cues(_unblocked(ranking, tokens, text, names_procedure), topics, online_procedure, whether_first,
                     asking)
    return None if chosen == ranking[0][0] else chosen
