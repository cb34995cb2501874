"""Accuracy floor on the held-out test set, and that the test set really is held out."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu.evaluate import evaluate, load_cases
from bot.nlu.normalize import normalize_folded

JOINT_FLOOR = 0.95
MAX_DIACRITIC_GAP = 0.02
# Real questions from public pages (tests/nlu_external.yml). A regression floor a little under today's
# 0.724, not the goal: issue 13 aims at 0.95 (docs/understanding.md says what is missing).
EXTERNAL_JOINT_FLOOR = 0.69


@pytest.fixture(scope="module")
def scores(trained_model: Path, root: Path):
    return evaluate(trained_model, root / "tests" / "nlu_test.yml").summary()


def test_joint_accuracy_floor(scores) -> None:
    assert scores["all"]["joint"] >= JOINT_FLOOR, scores["all"]


def test_real_questions_do_not_fall_back(trained_model: Path, root: Path) -> None:
    external = evaluate(trained_model, root / "tests" / "nlu_external.yml").summary()
    assert external["all"]["joint"] >= EXTERNAL_JOINT_FLOOR, external["all"]
    assert external["diacritics"]["joint"] - external["no_diacritics"]["joint"] <= MAX_DIACRITIC_GAP, external


def test_without_diacritics_as_good_as_with(scores) -> None:
    gap = scores["diacritics"]["joint"] - scores["no_diacritics"]["joint"]
    assert gap <= MAX_DIACRITIC_GAP, scores


@pytest.mark.parametrize("variant", ["teencode", "dialect", "spoken"])
def test_teencode_and_spoken_are_understood(scores, variant: str) -> None:
    assert scores[variant]["joint"] >= 0.9, scores[variant]


def test_test_set_shape(root: Path) -> None:
    cases = load_cases(root / "tests" / "nlu_test.yml")
    assert len(cases) >= 300
    ascii_only = [c for c in cases if c.text.isascii()]
    assert len(ascii_only) >= len(cases) / 3
    variants = {c.variant for c in cases}
    assert {"diacritics", "no_diacritics", "teencode", "spoken"} <= variants
    assert len({c.procedure for c in cases if c.procedure}) == 16


@pytest.mark.parametrize("held_out", ["nlu_test.yml", "nlu_external.yml", "nlu_dev_real.yml"])
def test_held_out_sets_are_not_in_the_training_data(root: Path, held_out: str) -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    path = root / "tests" / held_out
    if not path.exists():
        pytest.skip(f"{held_out} not collected yet")
    training = {
        normalize_folded(m.get("text"))
        for path in (root / "nlu").glob("intents_*.yml")
        for m in load_data(str(path)).intent_examples
    }
    # The KB's situations train the procedure classifier: they must not be test questions either (its
    # aliases are the procedures' names, which a test may type on their own).
    generated = load_data(str(root / "nlu" / "procedures_generated.yml"))
    training |= {normalize_folded(element) for table in generated.lookup_tables
                 if table["name"] == "procedure_situation" for element in table["elements"]}
    leaked = [c.text for c in load_cases(path) if normalize_folded(c.text) in training]
    assert leaked == []


def test_training_reads_no_test_set(root: Path) -> None:
    """The model trains on nlu/ and stories/ only: the held-out sets under tests/ are never trained on."""
    from bot.runtime.training import INPUTS, TRAINING_DATA

    for data in (*TRAINING_DATA, *INPUTS):
        assert not (root / data).resolve().is_relative_to((root / "tests").resolve()), data
    assert set(TRAINING_DATA) <= set(INPUTS)
