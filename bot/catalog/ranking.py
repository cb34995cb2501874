"""BM25 over the parts of a record (its name, its field, its body), each part scored on its own and
the scores added with weights.

Each part keeps its own word statistics and lengths: a long list of papers must not make a record's
name count for less (SQLite FTS5 uses one length for the whole row), and a word common in papers
("bản sao") must not weigh less in names. The weights are fixed, so the parts' BM25 weights are added
into one records × words sparse matrix (scipy, already installed with Rasa): a question is one column
slice, scored against every record in well under a millisecond. The matrix is built record by record,
so indexing never holds the whole tokenised catalog at once (`bm25s` does, which costs a commune
laptop about 70 MB more).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from scipy.sparse import csc_matrix

K1, B = 1.2, 0.75  # the usual values (Lucene, SQLite FTS5)


_Part = tuple[np.ndarray, np.ndarray, np.ndarray, int]


def _part(docs: Iterable[Iterable[str]], vocabulary: dict[str, int]) -> _Part:
    """One part's BM25 weights as (record, word, weight) triples, and its number of records; new words
    join `vocabulary`."""
    rows, cols, counts, lengths = array("i"), array("i"), array("f"), array("f")
    for row, words in enumerate(docs):
        tally = Counter(words)
        lengths.append(sum(tally.values()))
        for word, count in tally.items():
            rows.append(row)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
            counts.append(count)
    rows_np, cols_np = np.frombuffer(rows, np.int32), np.frombuffer(cols, np.int32)
    tf, length = np.frombuffer(counts, np.float32), np.frombuffer(lengths, np.float32)
    average = float(length.mean()) if len(length) and length.mean() > 0 else 1.0
    # How many of this part's records hold each word: the words' own rarity in this part.
    df = np.bincount(cols_np, minlength=len(vocabulary)).astype(np.float32)
    idf = np.log(1.0 + (len(length) - df + 0.5) / (df + 0.5))  # Lucene's: never negative
    weights = idf[cols_np] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length[rows_np] / average))
    return rows_np, cols_np, weights, len(length)


class FieldedBM25:
    def __init__(self, parts: Sequence[Iterable[Iterable[str]]], weights: Sequence[float]) -> None:
        """`parts[i]`: the words of part i of each record, the records in one order in every part."""
        self.vocabulary: dict[str, int] = {}
        built = [(_part(docs, self.vocabulary), weight) for docs, weight in zip(parts, weights, strict=True) if weight]
        self.size = max((n for (_, _, _, n), _ in built), default=0)
        empty = np.zeros(0, np.int32)
        self._matrix = csc_matrix(  # a word in several parts: its weights are added
            (np.concatenate([w * part_weights for (_, _, part_weights, _), w in built] or [np.zeros(0)]),
             (np.concatenate([rows for (rows, _, _, _), _ in built] or [empty]),
              np.concatenate([cols for (_, cols, _, _), _ in built] or [empty]))),
            shape=(self.size, len(self.vocabulary)), dtype=np.float32)

    def scores(self, words: Iterable[str]) -> np.ndarray:
        """Every record's score for these words (0 where none of them is found)."""
        ids = [self.vocabulary[w] for w in dict.fromkeys(words) if w in self.vocabulary]
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._matrix[:, ids].sum(axis=1)).ravel()

    def top(self, words: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """The `limit` best records (by position) with their scores, best first; none that score 0."""
        scores = self.scores(words)
        found = np.flatnonzero(scores > 0)
        if len(found) > limit:
            found = found[np.argpartition(-scores[found], limit)[:limit]]
        return sorted(((int(i), float(scores[i])) for i in found), key=lambda pair: -pair[1])
