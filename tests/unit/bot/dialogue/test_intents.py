"""Intent and Topic are defined once and agree with domain.yml, the rules and the NLU data."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.dialogue.intents import ANSWER_TOPICS, INTENT_TOPIC, LEAVING_STATUS, STATUS_INTENTS, Intent, Topic
from bot.dialogue.reply import TOPICS
from bot.dialogue.turn import Context

RASA_BUILT_IN = {Intent.NLU_FALLBACK}  # predicted by Rasa's FallbackClassifier, not listed in the domain


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def test_domain_lists_exactly_our_intents(root: Path) -> None:
    assert set(_yaml(root / "domain.yml")["intents"]) == {i.value for i in Intent} - {i.value for i in RASA_BUILT_IN}


def test_domain_slots_are_the_dialogue_context(root: Path) -> None:
    assert list(_yaml(root / "domain.yml")["slots"]) == list(Context.slot_names())


def test_every_rule_and_nlu_example_names_a_known_intent(root: Path) -> None:
    known = {i.value for i in Intent}
    ruled = {step["intent"] for rule in _yaml(root / "stories" / "rules.yml")["rules"]
             for step in rule["steps"] if "intent" in step}
    assert ruled == known  # every intent, the fallback too, is answered by action_answer
    for path in [*sorted((root / "nlu").glob("*.yml")), root / "tests" / "nlu_test.yml"]:
        named = {item["intent"] for item in _yaml(path).get("nlu") or [] if "intent" in item}
        assert named <= known, f"{path.name}: {sorted(named - known)}"


def test_every_intent_a_person_types_has_training_examples(root: Path) -> None:
    trained = {item["intent"] for path in (root / "nlu").glob("*.yml")
               for item in _yaml(path).get("nlu") or [] if "intent" in item}
    never_typed = {Intent.STATUS_CHANGED.value, Intent.NLU_FALLBACK.value}
    assert trained == {i.value for i in Intent} - never_typed


def test_groupings_are_consistent() -> None:
    assert set(INTENT_TOPIC.values()) == set(ANSWER_TOPICS)
    assert not (STATUS_INTENTS & LEAVING_STATUS)
    assert TOPICS == tuple(t.value for t in Topic)
    assert Intent.ASK_FEE == "ask_fee" and f"{Topic.FEE}" == "fee"  # str enums: Rasa's names as they are
    assert Intent.parse("no_such_intent") is None and Intent.parse(None) is None


def test_the_report_names_every_topic() -> None:
    from bot.report.format import TOPIC_LABELS

    assert set(TOPIC_LABELS) == set(TOPICS)
