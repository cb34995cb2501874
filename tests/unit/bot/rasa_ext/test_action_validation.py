"""The per-event-type check of action answers agrees with Rasa's full schema, valid or not."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from bot.rasa_ext.action_validation import ActionResponseValidator
from tests.support.fuzz import mutate

SCHEMA = RemoteAction.action_response_format_spec()
FULL = validator_for(SCHEMA)(SCHEMA)
FAST = ActionResponseValidator(SCHEMA)

EVENTS = [
    SlotSet("procedure", "khai_sinh").as_dict(), SlotSet("topic", None).as_dict(),
    BotUttered("Bạn cần mang:", {"custom": {"procedure_id": "khai_sinh", "topic": "documents"}}).as_dict(),
    UserUttered("lam khai sinh", {"name": "ask_documents", "confidence": 0.9},
                [{"entity": "procedure", "value": "khai_sinh", "start": 4, "end": 13}]).as_dict(),
    ActionExecuted("action_answer").as_dict(), FollowupAction("action_listen").as_dict(),
    ActiveLoop(None).as_dict(), AllSlotsReset().as_dict(), Restarted().as_dict(), SessionStarted().as_dict(),
]
ANSWER = {
    "events": EVENTS,
    "responses": [{"text": "Làm giấy khai sinh cần:", "buttons": [{"title": "Lệ phí", "payload": "/ask_fee"}],
                   "custom": {"procedure_id": "khai_sinh", "topic": "documents", "checklist": [{"name": "a"}]}}],
}
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8),
    st.sampled_from(["user", "bot", "slot", "action", "reset_slots", "no_such_event", ""]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def _agree(answer: Any) -> None:
    assert FAST.is_valid(answer) == FULL.is_valid(answer)
    expected = best_match(FULL.iter_errors(answer))
    got = FAST.error(answer)
    assert (got is None) == (expected is None)
    if expected is not None:
        assert (got.message, list(got.path)) == (expected.message, list(expected.path))


def test_real_answers_are_valid() -> None:
    assert FAST.is_valid(ANSWER) and FAST.error(ANSWER) is None
    _agree(ANSWER)
    _agree({"events": [], "responses": []})
    _agree({})


def test_known_bad_answers_are_refused_like_stock() -> None:
    for bad in ({"events": "not a list"}, {"events": [{"name": "procedure"}]},
                {"events": [{"event": "no_such_event"}]}, {"events": [{"event": "slot", "name": 5}]},
                {"events": [7]}, {"responses": "x"}, [], "text"):
        assert not FAST.is_valid(bad)
        _agree(bad)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_answers_agree_with_the_full_schema(data: st.DataObject) -> None:
    times = data.draw(st.integers(min_value=1, max_value=4))
    _agree(mutate(data.draw, ANSWER, JUNK, times))


def test_falls_back_to_the_full_schema_when_event_types_are_not_distinct() -> None:
    schema = {"type": "object", "properties": {"events": {"type": "array", "items": {
        "type": "object", "required": ["event"],
        "oneOf": [{"properties": {"event": {"const": "slot"}}}, {"properties": {"event": {"const": "slot"}}}],
    }}}}
    validator = ActionResponseValidator(schema)
    # both alternatives fit a slot event, so oneOf refuses it; the shortcut would have accepted it
    assert not validator.is_valid({"events": [{"event": "slot"}]})
