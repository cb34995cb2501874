"""The blind long-tail sets (tests/longtail_blind.yaml, tests/longtail_blind2.yaml) stay well-formed.

This checks shape only. The set is blind: developers must not read its questions or tune on them, so
no test id or failure message here ever shows a question's text, only its position in the file.

Every case is a real question with the public page it came from, and either the national portal codes
that answer it (all present in the catalog data file) or `absent: true`; no question is repeated, the
questions come from many different sites, and none repeats (or nearly repeats) a question of the
held-out set (tests/longtail_external.yaml), of the development set (../shared/eval/longtail_dev.yaml)
or of the other blind set.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import pytest

from bot.catalog.store import load_catalog
from tests.support.longtail_sets import CODE, NEAR, cases, folded, site
from tests.support.paths import ROOT

BLINDS = (ROOT / "tests" / "longtail_blind.yaml", ROOT / "tests" / "longtail_blind2.yaml")
EXTERNAL = ROOT / "tests" / "longtail_external.yaml"
DEV = ROOT.parent / "shared" / "eval" / "longtail_dev.yaml"
MIN_CASES = 20
MIN_SITES = 20
MIN_ABSENT = 3


SETS = {path.name: cases(path) for path in BLINDS}
NAMES = list(SETS)
PLACES = [(name, index) for name, items in SETS.items() for index in range(len(items))]


@pytest.mark.parametrize("name", NAMES)
def test_enough_cases_and_some_absent(name: str) -> None:
    assert len(SETS[name]) >= MIN_CASES
    assert sum(1 for case in SETS[name] if case.get("absent")) >= MIN_ABSENT


@pytest.mark.parametrize(("name", "index"), PLACES, ids=[f"{n}-case{i}" for n, i in PLACES])
def test_case_shape(name: str, index: int) -> None:
    case = SETS[name][index]
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


@pytest.mark.parametrize("name", NAMES)
def test_accepted_codes_exist_in_the_catalog(name: str) -> None:
    catalog = load_catalog()
    assert len(catalog) > 0, "the catalog data file could not be read"
    unknown = [(index, code) for index, case in enumerate(SETS[name]) for code in case.get("accept", [])
               if not CODE.match(code) or catalog.get(code) is None]
    assert not unknown, f"cases with codes missing from the catalog (index, code): {unknown}"


@pytest.mark.parametrize("name", NAMES)
def test_no_repeated_question(name: str) -> None:
    keys = [folded(case["say"]) for case in SETS[name]]
    repeated = [(i, j) for i in range(len(keys)) for j in range(i + 1, len(keys))
                if keys[i] == keys[j] or SequenceMatcher(None, keys[i], keys[j]).ratio() >= NEAR]
    assert not repeated, f"repeated questions (indexes): {repeated}"


@pytest.mark.parametrize("name", NAMES)
def test_many_sites(name: str) -> None:
    assert len({site(case["source"]) for case in SETS[name]}) >= MIN_SITES


def _overlaps(name: str, other: list[str]) -> list[int]:
    hits = []
    for index, case in enumerate(SETS[name]):
        ours = folded(case["say"])
        for theirs in other:
            if (ours == theirs or ours in theirs or theirs in ours
                    or SequenceMatcher(None, ours, theirs).ratio() >= NEAR):
                hits.append(index)
                break
    return hits


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("other", [EXTERNAL, DEV], ids=["held-out", "development"])
def test_no_overlap_with_the_held_out_or_development_set(name: str, other) -> None:
    if not other.exists():
        pytest.skip(f"{other} not found (../shared is beside the checkout on development machines)")
    hits = _overlaps(name, [folded(case["say"]) for case in cases(other)])
    assert not hits, f"cases repeating a question of {other.name} (indexes): {hits}"


def test_the_blind_sets_do_not_overlap() -> None:
    first, second = NAMES
    hits = _overlaps(second, [folded(case["say"]) for case in SETS[first]])
    assert not hits, f"cases of {second} repeating a question of {first} (indexes): {hits}"
