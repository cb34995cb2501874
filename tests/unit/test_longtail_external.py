"""The held-out long-tail set (tests/longtail_external.yaml) stays well-formed.

Every case is a real question with the public page it came from, and either the national portal codes
that answer it (all present in the catalog data file) or `absent: true`; no question is repeated, the
questions come from many different sites, and none repeats one of the development set
(../shared/eval/longtail_dev.yaml), which developers tune on.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import pytest

from bot.catalog.store import load_catalog
from tests.support.longtail_sets import CODE, NEAR, cases, folded, site
from tests.support.paths import ROOT

EXTERNAL = ROOT / "tests" / "longtail_external.yaml"
DEV = ROOT.parent / "shared" / "eval" / "longtail_dev.yaml"
MIN_CASES = 40
MIN_SITES = 20
MIN_ABSENT = 3


CASES = cases(EXTERNAL)


def test_enough_cases_and_some_absent() -> None:
    assert len(CASES) >= MIN_CASES
    assert sum(1 for case in CASES if case.get("absent")) >= MIN_ABSENT


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["say"][:40])
def test_case_shape(case: dict) -> None:
    assert set(case) <= {"say", "accept", "absent", "source", "note"}, case
    assert isinstance(case["say"], str) and case["say"].strip()
    assert isinstance(case.get("source"), str) and re.match(r"https?://\S+$", case["source"]), case
    if case.get("absent"):
        assert case["absent"] is True
        assert "accept" not in case, "a case is either absent or has accepted codes, not both"
    else:
        assert isinstance(case.get("accept"), list) and case["accept"], case


def test_accepted_codes_exist_in_the_catalog() -> None:
    catalog = load_catalog()
    assert len(catalog) > 0, "the catalog data file could not be read"
    unknown = [(case["say"][:40], code) for case in CASES for code in case.get("accept", [])
               if not CODE.match(code) or catalog.get(code) is None]
    assert not unknown


def test_no_repeated_question() -> None:
    seen: dict[str, str] = {}
    for case in CASES:
        key = folded(case["say"])
        assert key not in seen, case["say"]
        seen[key] = case["say"]
    keys = list(seen)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            assert SequenceMatcher(None, a, b).ratio() < NEAR, (seen[a], seen[b])


def test_many_sites() -> None:
    assert len({site(case["source"]) for case in CASES}) >= MIN_SITES


def test_no_overlap_with_the_development_set() -> None:
    if not DEV.exists():
        pytest.skip(f"{DEV} not found (../shared is beside the checkout on development machines)")
    dev = [folded(case["say"]) for case in cases(DEV)]
    for case in CASES:
        ours = folded(case["say"])
        for theirs in dev:
            assert ours != theirs and ours not in theirs and theirs not in ours, (case["say"], theirs)
            assert SequenceMatcher(None, ours, theirs).ratio() < NEAR, (case["say"], theirs)
