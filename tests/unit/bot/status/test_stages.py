"""Stages: six ids, plain words for each, and every name exports and staff use for them."""

from __future__ import annotations

import pytest

from bot.status.stages import STAGES, Stage, parse_stage

IDS = ["da_tiep_nhan", "dang_xu_ly", "can_bo_sung", "da_co_ket_qua", "da_tra_ket_qua", "tu_choi"]


def test_six_stages_each_with_short_plain_words():
    assert list(STAGES) == IDS
    for sid, stage in STAGES.items():
        assert isinstance(stage, Stage) and stage.id == sid
        assert stage.label and stage.explanation.endswith(".") and stage.next_step.endswith(".")
        assert len(stage.label) <= 20 and len(stage.explanation) <= 60 and len(stage.next_step) <= 90


def test_the_words_say_what_to_do():
    assert STAGES["da_tiep_nhan"].label == "Đã tiếp nhận"
    assert STAGES["da_tiep_nhan"].explanation == "Xã đã nhận hồ sơ của bạn."
    assert STAGES["can_bo_sung"].explanation == "Hồ sơ còn thiếu giấy tờ."
    assert "Xem ghi chú" in STAGES["can_bo_sung"].next_step
    assert "giấy hẹn" in STAGES["da_co_ket_qua"].next_step and "căn cước" in STAGES["da_co_ket_qua"].next_step
    assert "ghi chú" in STAGES["tu_choi"].next_step and "Một cửa" in STAGES["tu_choi"].next_step


def test_stage_is_frozen():
    with pytest.raises(AttributeError):
        STAGES["dang_xu_ly"].label = "x"  # type: ignore[misc]


@pytest.mark.parametrize("value, expected", [
    ("Đang xử lý", "dang_xu_ly"), ("dang xu ly", "dang_xu_ly"), ("DANG_XU_LY", "dang_xu_ly"),
    ("  đang   XỬ lý ", "dang_xu_ly"), ("dang-xu-ly", "dang_xu_ly"),
    ("Chờ bổ sung", "can_bo_sung"), ("Yêu cầu bổ sung", "can_bo_sung"), ("can_bo_sung", "can_bo_sung"),
    ("Đã trả kết quả", "da_tra_ket_qua"), ("Đã trả", "da_tra_ket_qua"), ("da tra", "da_tra_ket_qua"),
    ("Từ chối", "tu_choi"), ("Không giải quyết", "tu_choi"), ("TU CHOI", "tu_choi"),
    ("Có kết quả", "da_co_ket_qua"), ("Đã có kết quả", "da_co_ket_qua"), ("Chờ trả kết quả", "da_co_ket_qua"),
    ("Mới tiếp nhận", "da_tiep_nhan"), ("Đã tiếp nhận", "da_tiep_nhan"), ("da_tiep_nhan", "da_tiep_nhan"),
])
def test_names_with_or_without_diacritics(value, expected):
    assert parse_stage(value) == expected


def test_decomposed_unicode_from_excel_is_understood():
    import unicodedata

    assert parse_stage(unicodedata.normalize("NFD", "Đang xử lý")) == "dang_xu_ly"


@pytest.mark.parametrize("value", ["", "   ", "xong", "đang", "hoàn thành?", "dang xu ly roi"])
def test_unknown_names(value):
    assert parse_stage(value) is None


def test_every_label_and_id_parses_to_itself():
    for sid, stage in STAGES.items():
        assert parse_stage(stage.label) == sid
        assert parse_stage(sid) == sid
