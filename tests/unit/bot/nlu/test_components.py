"""The Rasa NLU components on real Rasa messages."""

from __future__ import annotations

from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.components import MASK, MAX_NLU_CHARS, ProcedureMatcher, VietnameseNormalizer
from bot.nlu.procedure_index import ProcedureIndex


def _normalizer() -> VietnameseNormalizer:
    return VietnameseNormalizer()


def test_normalizer_rewrites_text_but_not_button_payloads() -> None:
    typed, payload = Message({TEXT: "Lm KHAI SINH cần j z ad"}), Message({TEXT: '/ask_fee{"procedure":"bhyt"}'})
    _normalizer().process([typed, payload])
    assert typed.get(TEXT) == "lam khai sinh can gi vay"
    assert payload.get(TEXT) == '/ask_fee{"procedure":"bhyt"}'


def test_normalizer_reads_only_the_beginning_of_a_huge_message() -> None:
    message = Message({TEXT: "khai sinh " * 20000})
    _normalizer().process([message])
    assert len(message.get(TEXT)) <= MAX_NLU_CHARS


def test_matcher_adds_the_entity_and_masks_the_mention() -> None:
    matcher = ProcedureMatcher({"mask": True}, None, None, ProcedureIndex({"khai sinh": "khai_sinh"}))
    message = Message({TEXT: "lam khai sinh can gi"})
    matcher.process([message])
    [entity] = message.get(ENTITIES)
    assert (entity["entity"], entity["value"]) == ("procedure", "khai_sinh")
    assert "lam khai sinh can gi"[entity["start"]:entity["end"]] == "khai sinh"
    assert message.get(TEXT) == f"lam {MASK} can gi"
