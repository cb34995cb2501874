"""The intent arbiter's routing rules over a classifier ranking."""

from __future__ import annotations

from bot.nlu.arbiter import OVERVIEW, arbitrate, by_cues
from bot.nlu.normalize import normalize_folded


def _decide(ranking: list[tuple[str, float]], text: str, names_procedure: bool = False,
            topics: tuple[str, ...] = ()) -> str:
    chosen = arbitrate(ranking, normalize_folded(text).split(), text, names_procedure, topics)
    return chosen or ranking[0][0]


def test_status_without_a_code_or_a_status_question_gives_way() -> None:
    ranking = [("check_status", 0.6), ("ask_documents", 0.3), ("out_of_scope", 0.1)]
    assert _decide(ranking, "con tôi 14 tuổi làm căn cước cần gì", names_procedure=True) == "ask_documents"


def test_status_with_a_code_or_an_explicit_question_stays() -> None:
    ranking = [("check_status", 0.6), ("ask_documents", 0.3)]
    assert _decide(ranking, "H12.22-251103-0042") == "check_status"
    assert _decide(ranking, "hồ sơ của tôi đến đâu rồi") == "check_status"


def test_subscription_needs_its_own_cue() -> None:
    ranking = [("subscribe_status", 0.5), ("ask_time", 0.4)]
    assert _decide(ranking, "có kết quả thì nhắn cho tôi") == "subscribe_status"
    assert _decide(ranking, "năm 2019 tôi đăng ký tạm trú bao lâu thì có", names_procedure=True) == "ask_time"


def test_handoff_only_on_an_explicit_wish() -> None:
    ranking = [("talk_to_human", 0.9), ("ask_overview", 0.05), ("out_of_scope", 0.05)]
    assert _decide(ranking, "cho tôi gặp cán bộ") == "talk_to_human"
    assert _decide(ranking, "con trai tôi muốn đăng ký cho con", names_procedure=False) == "nlu_fallback"


def test_a_named_procedure_beats_small_talk_and_the_fallback() -> None:
    assert _decide([("out_of_scope", 0.5), ("ask_fee", 0.3)], "bà tôi mất rồi lệ phí khai tử",
                   names_procedure=True) == "ask_fee"
    assert _decide([("nlu_fallback", 0.3), ("greet", 0.25), ("ask_time", 0.05)], "khai tử",
                   names_procedure=True) == OVERVIEW
    assert _decide([("out_of_scope", 0.9), ("ask_fee", 0.1)], "hôm nay trời mưa") == "out_of_scope"


def test_one_specific_topic_cue_decides_the_topic() -> None:
    assert by_cues("ask_overview", ["where", "overview"]) == "ask_where"
    assert by_cues("inform_procedure", ["fee"]) == "ask_fee"
    assert by_cues("ask_time", ["where", "fee"]) == "ask_time"  # several: the classifier decides
    assert by_cues("ask_overview", ["steps", "overview"]) == OVERVIEW
    assert by_cues("ask_overview", ["steps"]) == "ask_steps"
    assert by_cues("check_status", ["fee"]) == "check_status"  # only questions about a procedure


def test_an_empty_ranking_is_left_alone() -> None:
    assert arbitrate([], [], "", False) is None


def test_when_the_first_of_several_questions_asks_whether_the_overview_answers() -> None:
    assert by_cues("ask_where", ["where", "overview"], whether_first=True) == OVERVIEW
    assert by_cues("check_status", [], whether_first=True) == "check_status"
    assert by_cues("ask_checklist_image", [], whether_first=True) == "ask_checklist_image"


def test_the_other_specific_topics_asked_are_kept_for_the_answer() -> None:
    from bot.nlu.arbiter import also_asked

    assert also_asked("ask_where", ["time", "where", "overview"]) == ["time"]
    assert also_asked("ask_documents", ["documents", "fee", "time", "where"]) == ["fee", "time"]  # two at most
    assert also_asked("check_status", ["time"]) == []
    assert also_asked("ask_overview", ["online"], online_procedure=True) == []


def test_a_question_that_only_asks_whether_gets_the_overview() -> None:
    ranking = [("ask_online", 0.6), ("ask_overview", 0.3)]
    assert arbitrate(ranking, ["x"], "x", True, topics=["overview"]) == "ask_overview"
    # "nộp qua VNeID được không": the online cue names the account, but it still asks about online.
    assert arbitrate(ranking, ["x"], "x", True, topics=["online", "overview"], online_procedure=True) is None


def test_of_several_specific_topics_the_first_asked_decides() -> None:
    assert by_cues("ask_fee", ["where", "fee"], asking=["where"]) == "ask_where"
    # No cue that asks: several topics leave it to the classifier.
    assert by_cues("ask_fee", ["fee", "online"]) == "ask_fee"
