"""Application codes: found in what citizens type, canonical, and never confused with phones, dates, IDs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.status.codes import find_codes, normalize_code

A, B = "H12.22-251103-0042", "000.00.21.H12-251104-0007"


@pytest.mark.parametrize("value, expected", [
    (A, A), (B, B), ("h12.22-251103-0042", A), ("  H12.22-251103-0042  ", A),
    ("h12.22 - 251103 - 0042", A), ("H12 22-251103-0042", A), ("h12 22 251103 0042", A),
    ("000 00 21 h12 - 251104 - 0007", B), ("000.00.21.h12–251104–0007", B), ("H12 . 22-251103-0042", A),
    ("G01.28-250101-123456", "G01.28-250101-123456"),
])
def test_normalize_accepts_what_people_type(value, expected):
    assert normalize_code(value) == expected


@pytest.mark.parametrize("value", [
    "", "H12.22", "H12.22-251103", "H12-251103-0042",  # one agency segment
    "12.22-251103-0042",  # no lettered segment
    "H12.22-251303-0042", "H12.22-251100-0042",  # month 13, day 0
    "H12.22-251103-042", "H12.22-251103-0042X", "H12.22-2511030-0042",
    "0912345678", "0912 345 678", "03/11/2025", "03-11-2025", "001234567890",
    "12 H12.22-251103-0042", "mã H12.22-251103-0042",  # more than one code
    "H1234.22-251103-0042",
])
def test_normalize_refuses_non_codes(value):
    assert normalize_code(value) is None


@pytest.mark.parametrize("sentence, expected", [
    ("ma ho so h12.22 - 251103 - 0042", [A]),
    ("Mã hồ sơ của tôi là H12.22-251103-0042 ạ", [A]),
    ("hồ sơ 000.00.21.H12-251104-0007, sđt 0912 345 678", [B]),
    ("toi co 2 ho so: h12 22 251103 0042 va 000 00 21 h12 - 251104 - 0007", [A, B]),
    ("toi co 2 h12.22-251103-0042", [A]),  # the count before the code is not part of it
    ("nộp 3 000.00.21.H12-251104-0007", [B]),
    ("(H12.22-251103-0042).", [A]),
    ("H12.22-251103-0042 H12.22-251103-0042", [A]),  # repeated once
])
def test_find_codes_in_sentences(sentence, expected):
    assert find_codes(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "số điện thoại của tôi là 0912345678",
    "sdt 0912 345 678 hoặc +84 912 345 678 hoặc 0912.345.678",
    "tôi nộp ngày 03/11/2025, hẹn trả 10-11-2025 hoặc 2025-11-10",
    "căn cước 001234567890, cmnd 012345678",
    "ngày 12.05.2024 - 251103 - 0042",
    "hồ sơ khai sinh nộp hôm qua",
    "0912-345-678 và 024 3825 1234",
])
def test_no_false_matches(sentence):
    assert find_codes(sentence) == []


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_find_codes_never_raises_and_finds_only_canonical_codes(text):
    for code in find_codes(text):
        assert normalize_code(code) == code


@settings(max_examples=400, deadline=None)
@given(st.one_of(
    st.text(),
    st.text(alphabet="Hh0123456789.- –", max_size=40),
    st.from_regex(r"[A-Za-z]{0,2}[0-9]{1,3}([ .][A-Za-z]{0,2}[0-9]{1,3}){1,4} ?- ?[0-9]{6} ?- ?[0-9]{4,6}",
                  fullmatch=True),
))
def test_normalize_is_idempotent(value):
    once = normalize_code(value)
    if once is not None:
        assert normalize_code(once) == once
        assert find_codes(value) == [once]


def test_non_text_is_not_a_code():
    assert find_codes(None) == []  # type: ignore[arg-type]
    assert normalize_code(42) is None  # type: ignore[arg-type]
