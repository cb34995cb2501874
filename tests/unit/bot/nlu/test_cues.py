"""Topic, status, subscription and handoff cues on normalised, folded words."""

from __future__ import annotations

import pytest

from bot.nlu import cues
from bot.nlu.normalize import normalize_folded


def _words(text: str) -> list[str]:
    return normalize_folded(text).split()


@pytest.mark.parametrize(("text", "topic"), [
    ("lệ phí bao nhiêu", "fee"),
    ("le phi bn", "fee"),
    ("cần mang giấy tờ gì", "documents"),
    ("mất bao lâu", "time"),
    ("làm ở đâu", "where"),
    ("ở mô", "where"),
    ("trình tự các bước", "steps"),
    ("làm trên VNeID được không", "online"),
    ("có bắt buộc không", "overview"),
    ("pháp luật quy định thế nào", "overview"),
    ("có lấy ngay trong ngày được không", "time"),
    ("bước tiếp theo là gì", "steps"),
    ("mang bản chính hay bản photo", "documents"),
    ("hồ sơ cấp lại thẻ được quy định thế nào", "documents"),
    ("không đăng ký thì mức phạt là bao nhiêu", "time"),
])
def test_a_cue_names_its_topic(text: str, topic: str) -> None:
    assert topic in cues.topics(_words(text))


@pytest.mark.parametrize("text", ["tôi muốn đi làm", "con tôi muốn đi học", "gia đình tôi ở xa"])
def test_words_that_only_look_like_cues_name_no_topic(text: str) -> None:
    # "muốn" folds to "muon" like "muộn", "trẻ" like "trễ", "gia" is in "gia đình": none is a cue.
    assert cues.topics(_words(text)) == []


@pytest.mark.parametrize("text", ["hồ sơ của tôi đến đâu rồi", "hs xong chưa ad", "tra cứu hồ sơ giúp em"])
def test_status_questions_have_a_status_cue(text: str) -> None:
    assert cues.find(_words(text), cues.STATUS_CUES)


@pytest.mark.parametrize("text", [
    "con tôi 14 tuổi làm căn cước cần hồ sơ gì",
    "năm 2020 tôi làm giấy khai sinh cho con",
    "khai sinh cho con cần gì",
])
def test_questions_about_a_procedure_have_no_status_cue(text: str) -> None:
    assert not cues.find(_words(text), cues.STATUS_CUES)


@pytest.mark.parametrize(("text", "wish"), [
    ("cho tôi gặp cán bộ", True),
    ("xin sđt xã", True),
    ("ko mun noi voi may", True),
    ("làm khai sinh cho con", False),
    ("cán bộ phường nói phải về quê", False),
])
def test_handoff_needs_an_explicit_wish(text: str, wish: bool) -> None:
    assert cues.find(_words(text), cues.HUMAN_CUES) is wish


def test_phrases_match_whole_words_only() -> None:
    assert cues.find(["o", "dau"], cues.TOPIC_CUES["where"])
    assert not cues.find(["odau"], cues.TOPIC_CUES["where"])


@pytest.mark.parametrize(("text", "place"), [
    ("làm căn cước tại đại sứ quán được không", True),
    ("tôi đến công an phường làm được không", True),
    ("có phải về quê làm không", True),
    ("con tôi ở nhà", False),
    ("xã có làm không", False),
    ("nghe nói đi nước ngoài sẽ bị cắt hộ khẩu đúng không", False),
])
def test_a_place_after_a_word_of_going_asks_where(text: str, place: bool) -> None:
    assert ("where" in cues.topics(_words(text))) is place


@pytest.mark.parametrize(("text", "whether"), [
    ("tôi có thể khai sinh thay cho con anh tôi hay không", True),
    ("cmnd và giấy khai sinh không khớp nhau có sao không", True),
    ("con đi học xa có phải về quê không ạ", True),
    ("khai sinh cần giấy gì", False),
    ("làm căn cước ở đâu", False),
])
def test_a_yes_or_no_question_asks_whether(text: str, whether: bool) -> None:
    assert ("overview" in cues.topics(_words(text))) is whether


def test_each_question_is_read_on_its_own() -> None:
    # Read as one run of words, the first question's "không" is not at the end: only its own end shows
    # that it asks whether.
    first, second = _words("tôi là con dâu có khai tử cho bố chồng được không"), _words("lệ phí bao nhiêu")
    assert cues.topics_asked([first, second]) == ["overview", "fee"]  # in the order asked
    assert "overview" not in cues.topics(first[:-1] + second)


def test_of_several_topics_those_named_by_a_cue_that_asks_come_first() -> None:
    # "về quê" is where the person goes; "giấy tờ gì" is the question.
    words = _words("về quê đăng ký thường trú thì cần giấy tờ gì")
    assert cues.topics_asked([words]) == ["where", "documents"]
    assert cues.asking_topics([words]) == ["documents"]
    assert cues.asking_topics([_words("làm ở đâu"), _words("có tốn phí gì không")]) == ["where", "overview"]
