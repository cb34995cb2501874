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


def _through(text: str, matcher: ProcedureMatcher) -> Message:
    from bot.nlu.components import QuestionFocus

    message = Message({TEXT: text})
    for component in (_normalizer(), matcher, QuestionFocus()):
        component.process([message])
    return message


def test_focus_keeps_the_question_and_the_procedure_named_in_the_story() -> None:
    from bot.nlu.components import TOPIC_CUES

    matcher = ProcedureMatcher({"mask": True}, None, None, ProcedureIndex({"căn cước": "can_cuoc"}))
    message = _through("Tôi làm căn cước năm ngoái ở huyện. Giờ bị mất thì làm lại ở đâu?", matcher)
    assert message.get(TEXT) == f"gio bi mat thi lam lai o dau {MASK}"
    assert message.get(TOPIC_CUES) == ["where"]
    assert [e["value"] for e in message.get(ENTITIES)] == ["can_cuoc"]


def test_cues_are_read_before_the_mask() -> None:
    from bot.nlu.components import TOPIC_CUES

    matcher = ProcedureMatcher({"mask": True}, None, None, ProcedureIndex({"tạm trú online": "tam_tru"}))
    message = _through("đăng ký tạm trú online thế nào", matcher)
    assert "online" in message.get(TOPIC_CUES)


def test_matcher_names_an_unknown_object_when_no_procedure_is_found() -> None:
    from bot.nlu.followup import FollowUpWords

    matcher = ProcedureMatcher({"mask": True}, None, None, ProcedureIndex({"căn cước": "can_cuoc"}),
                               followup=FollowUpWords.learn(["làm ở đâu", "mất bao lâu"]))
    [entity] = _through("làm sổ đỏ ở đâu", matcher).get(ENTITIES)
    assert (entity["entity"], entity["value"]) == ("object", "sổ đỏ")
    assert _through("mất bao lâu", matcher).get(ENTITIES) in (None, [])
    assert [e["entity"] for e in _through("làm căn cước ở đâu", matcher).get(ENTITIES)] == ["procedure"]


def test_arbiter_rewrites_the_intent_with_its_confidence() -> None:
    from bot.nlu.components import IntentArbiter

    message = _through("con tôi 14 tuổi làm căn cước cần giấy gì",
                       ProcedureMatcher({"mask": True}, None, None, ProcedureIndex({"căn cước": "can_cuoc"})))
    message.set("intent", {"name": "check_status", "confidence": 0.7})
    message.set("intent_ranking", [{"name": "check_status", "confidence": 0.7},
                                   {"name": "ask_documents", "confidence": 0.25}])
    IntentArbiter().process([message])
    assert message.get("intent") == {"name": "ask_documents", "confidence": 0.25}


def test_two_parts_of_a_bundle_name_the_bundle_first() -> None:
    index = ProcedureIndex({"khai sinh": "khai_sinh", "thường trú": "thuong_tru", "bảo hiểm y tế": "bhyt"})
    config = {"mask": True, "bundles": {"khai_sinh_lien_thong": ["khai_sinh", "thuong_tru", "bhyt"]}}
    message = _through("khai sinh, thường trú và bảo hiểm y tế cho con", ProcedureMatcher(config, None, None, index))
    assert [e["value"] for e in message.get(ENTITIES)][0] == "khai_sinh_lien_thong"
    alone = _through("khai sinh cho con", ProcedureMatcher(config, None, None, index))
    assert [e["value"] for e in alone.get(ENTITIES)] == ["khai_sinh"]


def test_the_procedure_named_in_the_question_comes_before_the_story() -> None:
    index = ProcedureIndex({"tạm trú": "tam_tru", "căn cước": "can_cuoc"})
    matcher = ProcedureMatcher({"mask": True}, None, None, index)
    story = _through("Tôi đã đăng ký tạm trú ở thành phố. Xin hỏi tôi làm căn cước ở đây được không?", matcher)
    assert [e["value"] for e in story.get(ENTITIES)] == ["can_cuoc", "tam_tru"]
    one_sentence = _through("đăng ký tạm trú rồi thì làm căn cước ở đâu", matcher)
    assert [e["value"] for e in one_sentence.get(ENTITIES)][0] == "tam_tru"  # leftmost, as before


def test_a_copy_of_an_event_never_registered_is_its_registration() -> None:
    index = ProcedureIndex({"đăng ký khai tử": "khai_tu", "trích lục khai tử": "trich_luc_ho_tich"},
                           priority=["trich_luc_ho_tich", "khai_tu"])
    matcher = ProcedureMatcher({"mask": True}, None, None, index)
    never = _through("Ông mất từ năm 1991 nhưng chưa đăng ký khai tử, nay xin trích lục khai tử thế nào?", matcher)
    assert [e["value"] for e in never.get(ENTITIES)][0] == "khai_tu"
    lost = _through("Đã đăng ký khai tử nhưng mất giấy, xin trích lục khai tử thế nào?", matcher)
    assert [e["value"] for e in lost.get(ENTITIES)][0] == "trich_luc_ho_tich"
