import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.nlu.normalize import fix_tone_placement, fold, normalize, normalize_folded


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("lm khai sinh cần j z ad", "làm khai sinh cần gì vậy"),
        ("Làm Giấy Khai Sinh CẦN GÌ???", "làm giấy khai sinh cần gì"),
        ("dc ko", "được không"),
        ("đk tạm trú bn tiền", "đăng ký tạm trú bao nhiêu tiền"),
        ("mik mún lm cccd", "mình muốn làm căn cước công dân"),
        ("thẻ bhyt", "thẻ bảo hiểm y tế"),
        ("cho xin sdt xã", "cho xin số điện thoại xã"),
        ("nhiềuuuu quáaaa", "nhiều quá"),
        ("kooo đcccc", "không được"),
        ("Đăng kí kết hôn", "đăng ký kết hôn"),
    ],
)
def test_normalize_real_world_text(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("old", "canonical"),
    [("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("hòa", "hòa"), ("quả", "quả"),
     ("giữ", "giữ"), ("người", "người"), ("ngoài", "ngoài"), ("hoàn", "hoàn"), ("tuỳ", "tùy")],
)
def test_tone_marks_move_to_one_canonical_place(old: str, canonical: str) -> None:
    assert fix_tone_placement(old) == canonical


def test_decomposed_unicode_equals_composed() -> None:
    composed = "giấy khai sinh"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert normalize(decomposed) == normalize(composed)


def test_without_diacritics_folds_to_the_same_text() -> None:
    assert normalize_folded("làm giấy khai sinh cần gì") == normalize_folded("lam giay khai sinh can gi")
    assert fold("Đăng ký thường trú") == "Dang ky thuong tru"


def test_application_codes_stay_one_token() -> None:
    assert "h12.22-251103-0042" in normalize("Hồ sơ H12.22-251103-0042 đến đâu rồi?").split()


@given(st.text())
def test_never_crashes_and_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert "  " not in once and once == once.strip()


@given(st.text(alphabet=st.characters(min_codepoint=0x41, max_codepoint=0x1EF9)))
def test_folded_text_has_no_combining_marks(text: str) -> None:
    folded = normalize_folded(text)
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", folded))
    assert "đ" not in folded
