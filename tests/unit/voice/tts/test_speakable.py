"""speakable(): screen text → text for the ear, on hand-written cases and on every real KB answer."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dialogue.answers import answer
from bot.dialogue.reply import ANSWER_TOPICS
from bot.kb.shared import knowledge_base
from bot.settings import load_settings
from voice.tts.speakable import speakable


@pytest.mark.parametrize(("screen", "ear"), [
    ("👉 Nơi nộp: UBND xã.", "Nơi nộp: Ủy ban nhân dân xã."),
    ("Xong rồi ✅🎉", "Xong rồi."),
    ("Chào 👋🏽 bạn ❤️", "Chào bạn."),  # skin tone modifier and variation selector go with the emoji
    ("Mang theo:\n• Thẻ căn cước\n• Sổ hộ khẩu", "Mang theo: Thẻ căn cước. Sổ hộ khẩu."),
    ("Các bước:\n1. Nộp hồ sơ\n2. Nhận giấy hẹn.\n10. Ký tên\n11. Về nhà",
     "Các bước: Thứ nhất, Nộp hồ sơ. Thứ hai, Nhận giấy hẹn. Thứ mười, Ký tên. Thứ 11, Về nhà."),
    ("1. Tờ khai – 1 bản chính\n   ↳ Nếu có con", "Thứ nhất, Tờ khai, 1 bản chính. Nếu có con."),
    ("mẫu số 01 – 1 bản chính", "mẫu số 01, 1 bản chính."),  # not a range: "1 bản" follows
    ("sáng 7 giờ 30 – 11 giờ 30, chiều 13 giờ 30 – 17 giờ", "sáng 7 giờ 30 đến 11 giờ 30, chiều 13 giờ 30 đến 17 giờ."),
    ("Công chức tư pháp - hộ tịch xã", "Công chức tư pháp, hộ tịch xã."),
    ("Lệ phí: 20.000 đồng/lần; 5.000 đồng/người/lần",
     "Lệ phí: 20.000 đồng mỗi lần; 5.000 đồng mỗi người mỗi lần."),
    ("Đã ly hôn, hoặc vợ/chồng đã mất", "Đã ly hôn, hoặc vợ hoặc chồng đã mất."),
    ("Từ 01/7/2025 đến hết ngày 31/12/2026", "Từ ngày 1 tháng 7 năm 2025 đến hết ngày 31 tháng 12 năm 2026."),
    ("Trước tháng 7/2025 là 3 ngày", "Trước tháng 7 năm 2025 là 3 ngày."),
    ("Thông tư 75/2022/TT-BTC, Nghị định 01/2024, Nghị định 63/2024",
     "Thông tư 75/2022/TT-BTC, Nghị định 01/2024, Nghị định 63/2024."),  # document numbers stay
    ("Điện thoại: 0123 456 789 (số mẫu)", "Điện thoại: 0 1 2 3, 4 5 6, 7 8 9 (số mẫu)."),
    ("Gọi 0987654321.", "Gọi 0 9 8 7 6 5 4 3 2 1."),
    ("Cổng Dịch vụ công quốc gia (dichvucong.gov.vn).", "Cổng Dịch vụ công quốc gia."),
    ("Đăng nhập VNeID hoặc dichvucong.gov.vn.", "Đăng nhập VNeID hoặc trang web Dịch vụ công quốc gia."),
    ("Xem https://example.org/a?b=1 nhé", "Xem trang web nhé."),
    ("Nguồn: https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfb", "Nguồn: trang web Dịch vụ công quốc gia."),
    ("Thẻ bảo hiểm y tế (BHYT) dùng khi đi khám", "Thẻ bảo hiểm y tế dùng khi đi khám."),
    ("HĐND tỉnh, BHXH huyện, số CCCD", "Hội đồng nhân dân tỉnh, bảo hiểm xã hội huyện, số căn cước công dân."),
    ("Giấy tờ (căn cước, hộ chiếu…) – 1 bản sao", "Giấy tờ (căn cước, hộ chiếu), 1 bản sao."),
    ('Cổng ghi "5".  Hỏi   lại  \n\n  nhé', "Cổng ghi 5. Hỏi lại. nhé."),
    ("Được miễn 100% tiền", "Được miễn 100% tiền."),
    ("-v en --help", "v en --help."),
    ("👉🎉", ""),
])
def test_screen_to_ear(screen: str, ear: str) -> None:
    assert speakable(screen) == ear


def test_decomposed_and_composed_vietnamese_give_the_same_text() -> None:
    composed = "Lệ phí đăng ký khai sinh"
    assert speakable(unicodedata.normalize("NFD", composed)) == speakable(composed) == composed + "."


def _all_answers() -> list[str]:
    kb, commune = knowledge_base(), load_settings().commune
    return [answer(kb.procedures[pid], topic, commune).text for pid in kb.ids for topic in ANSWER_TOPICS]


def test_every_kb_answer_is_clean_stable_and_keeps_its_fees() -> None:
    kb, commune = knowledge_base(), load_settings().commune
    for text in _all_answers():
        said = speakable(text)
        assert said and speakable(said) == said  # idempotent: it is part of the cache key
        assert not re.search(r"[👉↳•–—\n\"]|https?:|\.gov\.vn|UBND|BHYT|\s{2}", said), said
    for pid in kb.ids:
        said = speakable(answer(kb.procedures[pid], "fee", commune).text)
        for amount in re.findall(r"\d[\d.]*\d đồng", kb.procedures[pid].fee.amount):
            assert amount in said


WORDS = ["làm", "giấy", "khai", "sinh", "cần", "gì", "đồng", "lệ", "phí", "thủ", "tục", "ở", "xã", "Ủy", "được",
         "miễn", "người", "dân", "tộc", "thiểu", "số", "nghèo", "mang", "theo", "hồ", "sơ", "Đến", "bưu", "điện"]
DECOR = ["👉", "✅", "⚠️", "•", "↳", "–", "—", "…", "*", "#", "★", "→", "|", "~", "(", ")", ",", ".", ":", "!", "?"]
token = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(DECOR),
    st.integers(1, 9_999_999).map(lambda n: f"{n:,}".replace(",", ".") + " đồng"),
)
line = st.builds(lambda first, rest: " ".join([first, *rest]), st.sampled_from(WORDS), st.lists(token, max_size=12))


@settings(max_examples=150, deadline=None)
@given(st.lists(line, min_size=1, max_size=5).map("\n".join))
def test_letters_and_digits_are_never_dropped(text: str) -> None:
    said = speakable(text)
    assert speakable(said) == said
    assert re.sub(r"\D", "", said) == re.sub(r"\D", "", text)  # every digit, in order
    letters_in, letters_out = (re.sub(r"[\W\d_]", "", s).casefold() for s in (text, said))
    it = iter(letters_out)  # words the ear needs ("đến", "mỗi") may be added; none may go
    assert all(ch in it for ch in letters_in), (text, said)
