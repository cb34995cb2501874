"""Scoring helpers of the catalog tier (bot/catalog/evaluate.py); the scores themselves are checked
through the trained engine in tests/e2e/test_catalog_accuracy.py."""

from __future__ import annotations

from bot.catalog.evaluate import accepted
from bot.dialogue.intents import Intent, Topic
from bot.dialogue.reply import Reply, payload


def test_an_answer_or_a_choice_holding_an_accepted_code_is_right() -> None:
    answer = Reply("…", Topic.WHERE, "portal:1.010038")
    assert accepted(answer, ["1.010038"]) and not accepted(answer, ["1.001022"])
    choice = Reply("Bạn hỏi thủ tục nào?", Topic.CLARIFY, None,
                   [{"title": "Tách hộ", "payload": payload(Intent.ASK_OVERVIEW, "portal:1.010038")}])
    assert accepted(choice, ["1.001022", "1.010038"])
    assert accepted(Reply("…", Topic.DOCUMENTS, "thuong_tru"), ["thuong_tru"])
    # Topic buttons under an answer are not a choice offered.
    button = {"title": "x", "payload": payload(Intent.ASK_TIME, "portal:1.010038")}
    other = Reply("…", Topic.FEE, "portal:9.1", [button])
    assert not accepted(other, ["1.010038"])


def test_a_procedure_curated_after_labelling_is_right_under_its_kb_id() -> None:
    curated = Reply("…", Topic.DOCUMENTS, "tach_ho")
    assert accepted(curated, ["1.010038"], {"1.010038": "tach_ho"})
    assert not accepted(curated, ["1.010038"]) and not accepted(curated, ["1.001022"], {"1.010038": "tach_ho"})
