"""The single-turn rule policy: learns intent → action from the rules, answers in constant time."""

from __future__ import annotations

import pytest
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import InvalidConfigException

from bot.rasa_ext.policies import SingleTurnRulePolicy, rules_table


def _rule(intent: str, action: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker("rule", [])
    for event in (ActionExecuted(ACTION_LISTEN_NAME), UserUttered(intent={"name": intent}),
                  ActionExecuted(action), ActionExecuted(ACTION_LISTEN_NAME)):
        tracker.update(event)
    return tracker


def test_table_learned_from_rules() -> None:
    assert rules_table([_rule("greet", "action_answer"), _rule("bye", "utter_bye")]) == {
        "greet": "action_answer", "bye": "utter_bye",
    }


def test_contradicting_rules_are_an_error() -> None:
    with pytest.raises(InvalidConfigException, match="greet"):
        rules_table([_rule("greet", "action_answer"), _rule("greet", "utter_hi")])


def test_answers_after_the_user_then_listens() -> None:
    policy = SingleTurnRulePolicy.__new__(SingleTurnRulePolicy)
    policy.config = {"fallback_action": "action_answer"}
    policy.table = {"greet": "utter_hi"}
    tracker = DialogueStateTracker("u", [])
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    tracker.update(UserUttered("xin chào", intent={"name": "greet"}))
    assert policy.next_action(tracker) == "utter_hi"
    tracker.update(ActionExecuted("utter_hi"))
    assert policy.next_action(tracker) == ACTION_LISTEN_NAME
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    tracker.update(UserUttered("???", intent={"name": "never_seen"}))
    assert policy.next_action(tracker) == "action_answer"  # unknown intents still get an answer


def test_every_intent_has_a_single_turn_rule(root) -> None:
    import yaml

    domain = Domain.load(str(root / "domain.yml"))
    rules = yaml.safe_load((root / "stories" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    trackers = []
    for rule in rules:
        [intent, action] = rule["steps"]
        trackers.append(_rule(intent["intent"], action["action"]))
    table = rules_table(trackers)
    assert set(domain.intents) - {"nlu_fallback", "restart", "back", "session_start"} <= set(table)
    assert "nlu_fallback" in table
