"""The blind long-tail set (tests/longtail_blind.yaml) stays well-formed.

This checks shape only. The set is blind: developers must not read its questions or tune on them, so
no test id or failure message here ever shows a question's text, only its position in the file.

Every case is a real question with the public page it came from, and either the national portal codes
that answer it (all present in the catalog data file) or `absent: true`; no question is repeated, the
questions come from many different sites, and none repeats (or nearly repeats) a question of the
held-out set (tests/longtail_external.yaml) or of the development set (../shared/eval/longtail_dev.yaml).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import pytest

from bot.catalog.store import load_catalog
from tests.support.longtail_sets import CODE, NEAR, cases, folded, site
from tests.support.paths import ROOT

BLIND = ROOT / "tests" / "longtail_blind.yaml"
EXTERNAL = ROOT / "tests" / "longtail_external.yaml"
DEV = ROOT.parent / "shared" / "eval" / "longtail_dev.yaml"
MIN_CASES = 20
MIN_SITES = 20
MIN_ABSENT = 3


CASES = cases(BLIND)
INDEXES = list(range(len(CASES)))


def test_enough_cases_and_some_absent() -> None:
    assert len(CASES) >= MIN_CASES
    assert sum(1 for case in CASES if case.get("absent")) >= MIN_ABSENT


@pytest.mark.parametrize("index", INDEXES, ids=lambda index: f"case{index}")
def test_case_shape(index: int) -> None:
    case = CASES[index]
    assert set(case) <= {"say", "accept", "absent", "source", "note"}, f"case {index}: unexpected keys"
    assert isinstance(case.get("say"), str) and case["say"].strip(), f"case {index}: empty say"
    source = case.get("source")
    assert isinstance(source, str) and re.match(r"https?://\S+$", source), f"case {index}: bad source"
    if case.get("absent"):
        assert case["absent"] is True, f"case {index}: absent must be true"
        assert "accept" not in case, f"case {index}: either absent or accepted codes, not both"
    else:
        accept = case.get("accept")
        assert isinstance(accept, list) and accept, f"case {index}: no accepted codes"
        assert all(isinstance(code, str) for code in accept), f"case {index}: codes must be strings"


def test_accepted_codes_exist_in_the_catalog() -> None:
    catalog = load_catalog()
    assert len(catalog) > 0, "the catalog data file could not be read"
    unknown = [(index, code) for index, case in enumerate(CASES) for code in case.get("accept", [])
               if not CODE.match(code) or catalog.get(code) is None]
    assert not unknown, f"cases with codes missing from the catalog (index, code): {unknown}"


def test_no_repeated_question() -> None:
    keys = [folded(case["say"]) for case in CASES]
    repeated = [(i, j) for i in range(len(keys)) for j in range(i + 1, len(keys))
                if keys[i] == keys[j] or SequenceMatcher(None, keys[i], keys[j]).ratio() >= NEAR]
    assert not repeated, f"repeated questions (indexes): {repeated}"


def test_many_sites() -> None:
    assert len({site(case["source"]) for case in CASES}) >= MIN_SITES


def _overlaps(other: list[str]) -> list[int]:
    hits = []
    for index, case in enumerate(CASES):
        ours = folded(case["say"])
        for theirs in other:
            if (ours == theirs or ours in theirs or theirs in ours
                    or SequenceMatcher(None, ours, theirs).ratio() >= NEAR):
                hits.append(index)
                break
    return hits


def test_no_overlap_with_the_held_out_set() -> None:
    if not EXTERNAL.exists():
        pytest.skip(f"{EXTERNAL} not found")
    hits = _overlaps([folded(case["say"]) for case in cases(EXTERNAL)])
    assert not hits, f"cases repeating a question of {EXTERNAL.name} (indexes): {hits}"


def test_no_overlap_with_the_development_set() -> None:
    if not DEV.exists():
        pytest.skip(f"{DEV} not found (../shared is beside the checkout on development machines)")
    hits = _overlaps([folded(case["say"]) for case in cases(DEV)])
    assert not hits, f"cases repeating a question of the development set (indexes): {hits}"
