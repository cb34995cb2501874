"""The reviewed table of everyday, regional and abbreviated words."""

from __future__ import annotations

import pytest

from bot.nlu.normalize import normalize_folded
from bot.nlu.vocabulary import PHRASES, WORDS


@pytest.mark.parametrize(("typed", "standard"), [
    ("khai sanh cho con o dau", "khai sinh cho con o dau"),
    ("làm cc ở đâu", "lam can cuoc o dau"),
    ("vợ chồng sắp cưới", "vo chong sap ket hon"),
    ("sap cuoi thi can gi", "sap ket hon thi can gi"),
    ("con mới đẻ", "con moi sinh"),
    ("con moi de hom qua", "con moi sinh hom qua"),
    ("mần giấy ở mô", "lam giay o dau"),
    ("giay to can chi", "giay to can gi"),
    ("ca xã", "cong an xa"),
    ("sổ kt3", "so tam tru"),
    ("làm CCCD tại TP.HCM được không", "lam can cuoc cong dan tai thanh pho ho chi minh duoc khong"),
    ("ở tp Pleiku", "o thanh pho pleiku"),
    ("làm đơn như nào", "lam don nhu the nao"),
])
def test_everyday_words_become_standard_words(typed: str, standard: str) -> None:
    assert normalize_folded(typed) == standard


@pytest.mark.parametrize(("typed", "kept"), [
    ("cuối tháng", "cuoi thang"),  # "cuối" is not "cưới"
    ("để con đi học", "de con di hoc"),  # "để" is not "đẻ"
    ("chi phí bao nhiêu", "chi phi bao nhieu"),  # "chi" asks only after "cần", "làm"…
    ("ca sĩ", "ca si"),
])
def test_ambiguous_words_stay_outside_their_phrases(typed: str, kept: str) -> None:
    assert normalize_folded(typed) == kept


def test_the_table_is_lower_case_and_maps_to_other_words() -> None:
    for word, standard in WORDS.items():
        assert word == word.lower() and standard and standard != word
    for phrase, standard in PHRASES.items():
        assert phrase == phrase.lower() and len(phrase.split()) >= 2 and standard != phrase
