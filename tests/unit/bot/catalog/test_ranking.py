"""BM25 over a record's parts, each scored on its own (bot/catalog/ranking.py)."""

from __future__ import annotations

import numpy as np

from bot.catalog.ranking import FieldedBM25

NAMES = [["dang", "ky", "giam", "ho"], ["tach", "ho"], ["cap", "lai", "giay", "phep", "lai", "xe"]]
BODIES = [["nguoi", "duoc", "giam", "ho", "mo", "coi"], ["so", "ho", "khau"], ["bien", "so", "xe"] * 40]


def _names(names: list[list[str]] = NAMES) -> FieldedBM25:
    return FieldedBM25((names,), (1.0,))


def test_a_word_scores_only_the_records_that_hold_it() -> None:
    index = _names()
    scores = index.scores(["tach"])
    assert scores[1] > 0 and scores[0] == 0 and scores[2] == 0


def test_a_rarer_word_weighs_more() -> None:
    index = _names(NAMES + [["ho", "ngheo"], ["ho", "kinh", "doanh"]])
    assert index.scores(["tach"])[1] > index.scores(["ho"])[1]


def test_unknown_words_and_repeats_change_nothing() -> None:
    index = _names()
    assert not index.scores(["khong", "co"]).any()
    np.testing.assert_allclose(index.scores(["tach", "tach", "zzz"]), index.scores(["tach"]))


def test_the_body_finds_a_record_its_name_does_not() -> None:
    rank = FieldedBM25((NAMES, BODIES), (10.0, 1.0))
    assert [i for i, _ in rank.top(["mo", "coi"], 3)] == [0]


def test_a_long_body_does_not_weaken_the_name() -> None:
    # One BM25 over the whole record would count the name of record 2 for less: its body is long.
    names_only = FieldedBM25((NAMES,), (10.0,)).scores(["xe"])
    with_bodies = FieldedBM25((NAMES, [[]] * 3), (10.0, 1.0)).scores(["xe"])
    np.testing.assert_allclose(names_only, with_bodies)
    assert FieldedBM25((NAMES, BODIES), (10.0, 1.0)).scores(["xe"])[2] > names_only[2]


def test_top_is_best_first_without_the_records_that_score_nothing() -> None:
    rank = FieldedBM25((NAMES, BODIES), (10.0, 1.0))
    top = rank.top(["ho", "tach"], 10)
    assert [i for i, _ in top][0] == 1
    assert all(score > 0 for _, score in top) and [s for _, s in top] == sorted((s for _, s in top), reverse=True)
    assert len(rank.top(["ho"], 1)) == 1


def test_an_empty_catalog_scores_nothing() -> None:
    rank = FieldedBM25(([], []), (10.0, 1.0))
    assert rank.top(["ho"], 5) == []


def test_parts_weigh_as_given_and_add_up() -> None:
    names, bodies = FieldedBM25((NAMES,), (1.0,)), FieldedBM25((BODIES,), (1.0,))
    both = FieldedBM25((NAMES, BODIES), (10.0, 2.0))
    np.testing.assert_allclose(both.scores(["ho"]), 10 * names.scores(["ho"]) + 2 * bodies.scores(["ho"]), rtol=1e-5)
