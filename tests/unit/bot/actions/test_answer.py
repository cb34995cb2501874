"""The action's conversion from Rasa's tracker to a Turn."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.actions.answer import topics_of, turn_from_parse, turn_of
from bot.dialogue.intents import Intent, Topic


def test_topics_of_keeps_answer_topics_only() -> None:
    assert topics_of("time,where") == (Topic.TIME, Topic.WHERE)
    assert topics_of("status,,fee") == (Topic.FEE,)
    assert topics_of(None) == ()


def test_a_turn_carries_the_entities_the_dialogue_reads() -> None:
    entities = [
        {"entity": "procedure", "value": "can_cuoc"}, {"entity": "procedure", "value": "khai_sinh"},
        {"entity": "also_asked", "value": "time"}, {"entity": "object", "value": "sổ đỏ"},
    ]
    tracker = Tracker("telegram:1", {"procedure": "ket_hon", "topic": "fee"},
                      {"intent": {"name": "ask_where"}, "entities": entities},
                      [{"event": "user", "text": "Làm căn cước ở đâu, mất bao lâu?"}], False, None, {}, None)
    turn = turn_of(tracker)
    assert (turn.intent, turn.procedure, turn.also_asked) == (Intent.ASK_WHERE, "can_cuoc", (Topic.TIME,))
    assert turn.unknown_object == "sổ đỏ" and turn.text == "Làm căn cước ở đâu, mất bao lâu?"
    assert (turn.context.procedure, turn.context.topic) == ("ket_hon", Topic.FEE)


def test_a_parse_becomes_the_turn_action_answer_builds() -> None:
    parse = {"intent": {"name": "ask_where"}, "entities": [
        {"entity": "object", "value": "sổ đỏ"}, {"entity": "procedure", "value": "khai_sinh", "extractor": "x"}]}
    turn = turn_from_parse(parse, "làm sổ đỏ ở đâu", "eval")
    assert turn.intent == Intent.ASK_WHERE and turn.unknown_object == "sổ đỏ" and turn.procedure == "khai_sinh"
    assert not turn.procedure_guessed and turn.text == "làm sổ đỏ ở đâu"
