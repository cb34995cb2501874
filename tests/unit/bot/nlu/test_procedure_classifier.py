"""The procedure classifier on a small, real training set."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu.normalize import normalize_folded
from bot.nlu.procedure_classifier import NONE, ProcedureClassifier, fit_pipeline

DATA = [
    ("con mới sinh cần làm giấy", "khai_sinh"), ("vợ vừa sinh em bé", "khai_sinh"),
    ("làm giấy khai sinh cho con", "khai_sinh"), ("bé nhà em chưa có giấy khai sinh", "khai_sinh"),
    ("bố tôi mới mất", "khai_tu"), ("ông nội qua đời hôm qua", "khai_tu"),
    ("làm giấy chứng tử cho bà", "khai_tu"), ("người nhà chết ở bệnh viện", "khai_tu"),
    ("xin chào", NONE), ("cảm ơn nhiều", NONE), ("hôm nay trời mưa không", NONE), ("tạm biệt nhé", NONE),
]


def _trained() -> ProcedureClassifier:
    return ProcedureClassifier.train([normalize_folded(t) for t, _ in DATA], [label for _, label in DATA])


def test_it_recognises_a_situation_it_was_not_given_word_for_word() -> None:
    guess = _trained().guess(normalize_folded("nhà em vừa sinh cháu, làm giấy cho cháu"))
    assert guess is not None and guess.procedure_id == "khai_sinh"
    guess = _trained().guess(normalize_folded("ông tôi mất tuần trước"))
    assert guess is not None and guess.procedure_id == "khai_tu"


def test_it_stays_quiet_on_small_talk_and_empty_text() -> None:
    assert _trained().guess(normalize_folded("chào bạn, cảm ơn nhé")) is None
    assert _trained().guess("") is None


def test_untrained_or_one_class_guesses_nothing() -> None:
    assert ProcedureClassifier().guess("khai sinh") is None
    assert ProcedureClassifier.train(["khai sinh"], ["khai_sinh"]).guess("khai sinh") is None


def test_saved_and_loaded_it_guesses_the_same(tmp_path: Path) -> None:
    classifier = _trained()
    classifier.save(tmp_path)
    loaded = ProcedureClassifier.load(tmp_path)
    text = normalize_folded("vợ vừa sinh con")
    assert loaded.guess(text) == classifier.guess(text)
    assert ProcedureClassifier.load(tmp_path / "missing").guess(text) is None


@pytest.mark.parametrize("labels", ["three classes", "two classes"])
def test_its_arithmetic_gives_scikit_learns_probabilities(labels: str) -> None:
    data = DATA if labels == "three classes" else [(t, y) for t, y in DATA if y != NONE]
    texts, ys = [normalize_folded(t) for t, _ in data], [y for _, y in data]
    reference = fit_pipeline(texts, ys)
    ours = ProcedureClassifier.train(texts, ys)
    for text in ["con mới sinh", "ông tôi mất", "khaisinh", "xyz", "a", "chào"]:
        folded = normalize_folded(text)
        expected = dict(zip(reference.classes_, reference.predict_proba([folded])[0], strict=True))
        got = ours.probabilities(folded)
        assert got.keys() == expected.keys()
        assert all(abs(got[k] - expected[k]) < 1e-9 for k in got), (text, got, expected)
