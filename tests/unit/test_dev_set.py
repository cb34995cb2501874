"""The development set of real questions (tests/nlu_dev_real.yml) stays well-formed and apart from the
held-out external set: rules are tuned on it, so it must share no page with the set they are tested on."""

from __future__ import annotations

import re
from collections import Counter

import yaml

from tests.support.external_set import with_derived
from tests.support.paths import ROOT
from tests.unit.test_external_set import INTENTS, PHONE_LIKE, PROCEDURES

DEV_SET = ROOT / "tests" / "nlu_dev_real.yml"
EXTERNAL_SET = ROOT / "tests" / "nlu_external.yml"


def _originals(path) -> list[tuple[str, str, dict]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(b["intent"], ex["text"], ex["metadata"]) for b in data["nlu"] for ex in b["examples"]
            if not ex["metadata"].get("derived")]


def test_originals_name_their_page_use_known_labels_and_have_unique_ids() -> None:
    originals = _originals(DEV_SET)
    for intent, text, meta in originals:
        assert re.match(r"https?://\S+$", meta["source"]), text
        assert intent in INTENTS and meta["procedure"] in PROCEDURES, text
        assert not PHONE_LIKE.search(text), text
    assert [i for i, n in Counter(m["id"] for _, _, m in originals).items() if n > 1] == []


def test_no_page_is_shared_with_the_external_test_set() -> None:
    external = {meta["source"] for _, _, meta in _originals(EXTERNAL_SET)}
    assert [meta["source"] for _, _, meta in _originals(DEV_SET) if meta["source"] in external] == []


def test_derived_forms_are_the_mechanical_transforms() -> None:
    text = DEV_SET.read_text(encoding="utf-8")
    assert with_derived(text) == text
