"""BM25 over the parts of a record (its name, its field, its body), each part scored on its own and
the scores added with weights.

Each part keeps its own word statistics and lengths: a long list of papers must not make a record's
name count for less (SQLite FTS5 uses one length for the whole row), and a word common in papers
("bản sao") must not weigh less in names. The scores sit in one sparse matrix per part (scipy,
already installed with Rasa), built record by record: a question of forty words is scored against
every record in well under a millisecond, and indexing never holds the whole tokenised catalog at
once (`bm25s` does, which costs a commune laptop about 70 MB more).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from scipy.sparse import csc_matrix

K1, B = 1.2, 0.75  # the usual values (Lucene, SQLite FTS5)


class PartIndex:
    """BM25 weights of one part of every record: a records × words sparse matrix."""

    def __init__(self, docs: Iterable[Iterable[str]]) -> None:
        self.vocabulary: dict[str, int] = {}
        rows, cols, counts = array("i"), array("i"), array("f")
        lengths = array("f")
        for row, words in enumerate(docs):
            tally = Counter(words)
            lengths.append(sum(tally.values()))
            for word, count in tally.items():
                rows.append(row)
                cols.append(self.vocabulary.setdefault(word, len(self.vocabulary)))
                counts.append(count)
        self.size = len(lengths)
        rows_np, cols_np = np.frombuffer(rows, np.int32), np.frombuffer(cols, np.int32)
        tf = np.frombuffer(counts, np.float32)
        length = np.frombuffer(lengths, np.float32)
        average = float(length.mean()) if self.size and length.mean() > 0 else 1.0
        df = np.bincount(cols_np, minlength=len(self.vocabulary)).astype(np.float32)
        idf = np.log(1.0 + (self.size - df + 0.5) / (df + 0.5))  # Lucene's: never negative
        weights = idf[cols_np] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length[rows_np] / average))
        self._matrix = csc_matrix((weights, (rows_np, cols_np)), shape=(self.size, len(self.vocabulary)),
                                  dtype=np.float32)

    def scores(self, words: Iterable[str]) -> np.ndarray:
        ids = [self.vocabulary[w] for w in dict.fromkeys(words) if w in self.vocabulary]
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._matrix[:, ids].sum(axis=1)).ravel()


class FieldedBM25:
    def __init__(self, parts: Sequence[Iterable[Iterable[str]]], weights: Sequence[float]) -> None:
        """`parts[i]`: the words of part i of each record, the records in one order in every part."""
        self._parts = [(PartIndex(docs), weight) for docs, weight in zip(parts, weights, strict=True) if weight]
        self.size = self._parts[0][0].size if self._parts else 0

    def scores(self, words: Sequence[str]) -> np.ndarray:
        """Every record's score for these words (0 where none of them is found)."""
        total = np.zeros(self.size, dtype=np.float32)
        for index, weight in self._parts:
            total += weight * index.scores(words)
        return total

    def top(self, words: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """The `limit` best records (by position) with their scores, best first; none that score 0."""
        scores = self.scores(words)
        found = np.flatnonzero(scores > 0)
        if len(found) > limit:
            found = found[np.argpartition(-scores[found], limit)[:limit]]
        return sorted(((int(i), float(scores[i])) for i in found), key=lambda pair: -pair[1])
