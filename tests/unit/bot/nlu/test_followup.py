"""Words of follow-up questions, and the words that name something else."""

from __future__ import annotations

from bot.nlu.followup import FollowUpWords

FOLLOW_UPS = ["mất bao lâu", "ở đâu vậy", "thế còn lệ phí", "cho con tôi thì sao", "làm ở xã nào", "số điện thoại"]


def test_a_follow_up_names_nothing() -> None:
    words = FollowUpWords.learn(FOLLOW_UPS)
    assert words.unknown("mất bao lâu vậy?") == []
    assert words.unknown("MAT BAO LAU") == []
    assert words.unknown("con tôi 14 tuổi thì sao") == ["tuổi"]


def test_a_new_object_is_named() -> None:
    words = FollowUpWords.learn(FOLLOW_UPS)
    assert words.unknown("làm thẻ thư viện ở đâu") == ["thẻ", "thư", "viện"]
    assert words.unknown("đăng ký xe máy mất bao lâu") == ["xe", "máy"]


def test_marked_words_are_compared_with_their_marks() -> None:
    # "số" (number) is a follow-up word; "sổ" (a book) is not, though both fold to "so".
    words = FollowUpWords.learn(FOLLOW_UPS)
    assert words.unknown("sổ") == ["sổ"]
    assert words.unknown("so") == []


def test_round_trip_and_empty() -> None:
    words = FollowUpWords.learn(FOLLOW_UPS)
    assert FollowUpWords.from_dict(words.to_dict()).unknown("sổ đỏ") == words.unknown("sổ đỏ")
    assert FollowUpWords().unknown("sổ đỏ") == []  # nothing learned: never claims an object


def test_common_objects_outside_the_kb_are_named_even_without_diacritics() -> None:
    words = FollowUpWords.learn(["hồ sơ ở đâu", "làm ở đâu vậy", "đó là gì"])
    assert words.unknown("lam so do o dau vay") == ["so", "do"]
    assert words.unknown("làm hộ chiếu ở đâu") == ["hộ", "chiếu"]
