"""The question part of a long message."""

from __future__ import annotations

from bot.nlu.focus import BOUNDARIES, QUESTION_END, SENTENCE_END, focus, with_boundaries


def _focus(text: str) -> str:
    return " ".join(focus(with_boundaries(text).split()))


def test_sentences_are_separated_by_boundary_tokens() -> None:
    assert with_boundaries("Con tôi 2 tuổi. Làm gì?") == f"con toi 2 tuoi {SENTENCE_END} lam gi {QUESTION_END}"
    assert with_boundaries("Cần gì? Ở đâu?") == f"can gi {QUESTION_END} o dau {QUESTION_END}"
    assert with_boundaries("Cần gì? Ở đâu.") == f"can gi {QUESTION_END} o dau"


def test_codes_and_numbers_with_dots_are_not_sentence_ends() -> None:
    assert not BOUNDARIES & set(with_boundaries("Mã H12.22-251103-0042 xong chưa, phí 1.000.000 đ").split())


def test_the_story_is_dropped_and_the_question_kept() -> None:
    text = "Bà tôi năm nay 81 tuổi, sống một mình. Không có lương hưu. Vậy bà có được nhận trợ cấp không?"
    assert _focus(text) == "ba co duoc nhan tro cap khong"


def test_several_questions_are_all_kept() -> None:
    assert _focus("Tôi mất thẻ. Làm lại ở đâu? Mất bao lâu?") == "lam lai o dau mat bao lau"


def test_without_punctuation_the_question_starts_after_xin_hoi() -> None:
    text = "nha toi co bon nguoi thu nhap thap xin hoi gia dinh toi co duoc xet ho ngheo khong"
    assert _focus(text) == "gia dinh toi co duoc xet ho ngheo khong"


def test_a_short_question_is_kept_whole() -> None:
    assert _focus("làm khai sinh cần gì vậy") == "lam khai sinh can gi vay"
    assert _focus("cho em hỏi khai sinh") == "cho em hoi khai sinh"


def test_a_message_without_a_question_is_kept_whole() -> None:
    assert _focus("Tôi ở xã Ea Tul. Tôi muốn làm căn cước.") == "toi o xa ea tul toi muon lam can cuoc"


def test_a_conditional_follow_up_is_a_question_of_its_own() -> None:
    from bot.nlu.focus import questions

    text = "Bà tôi có được nhận trợ cấp không, nếu được thì làm ở đâu?"
    assert [" ".join(q) for q in questions(with_boundaries(text).split())] == [
        "ba toi co duoc nhan tro cap khong", "neu duoc thi lam o dau"]
    assert len(questions(with_boundaries("nếu mất giấy thì làm lại ở đâu").split())) == 1


def test_a_sentence_that_only_says_hoi_is_the_story_when_another_asks() -> None:
    text = "Tôi muốn hỏi bố tôi bị suy giảm 82% sức lao động. Vậy bố tôi có được nhận trợ cấp không?"
    assert _focus(text) == "bo toi co duoc nhan tro cap khong"


def test_words_that_contain_a_question_word_do_not_ask() -> None:
    # "bản sao", "bảo hiểm", "lần đầu" fold to words that also ask ("sao", "bao", "đâu").
    text = "Tôi cần bản sao giấy tờ. Thẻ bảo hiểm cấp lần đầu. Làm ở xã được không?"
    assert _focus(text) == "lam o xa duoc khong"


def test_speech_without_question_marks_is_split_after_a_yes_or_no_question() -> None:
    from bot.nlu.focus import questions

    asked = questions(with_boundaries("bố tôi có được nhận trợ cấp không mức trợ cấp bao nhiêu").split())
    assert asked == ["bo toi co duoc nhan tro cap khong".split(), "muc tro cap bao nhieu".split()]
    # A "không" that negates is not the end of a question.
    assert len(questions(with_boundaries("con tôi không có giấy tờ gì").split())) == 1


def test_the_last_sentence_asks_when_it_ends_with_a_question_mark() -> None:
    text = "Tôi sống ở Hà Nội nhưng chưa nhập hộ khẩu. Giờ làm căn cước phải về quê hay làm ở Hà Nội?"
    assert _focus(text) == "gio lam can cuoc phai ve que hay lam o ha noi"
