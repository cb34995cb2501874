"""BM25 over the parts of a record (its name, its field, its body), each part scored on its own and
the scores added with weights.

Each part keeps its own word statistics and lengths: a long list of papers must not make a record's
name count for less (SQLite FTS5 uses one length for the whole row), and a word common in papers
("bản sao") must not weigh less in names. The weights are fixed, so the parts' BM25 weights are added
into one records × words sparse matrix, kept column by column (compressed sparse columns, in numpy
alone: scipy would add 12 MB and half a second to the action server for one sum): a question is its
words' columns added up, every record scored in well under a millisecond. The matrix is built record
by record, so indexing never holds the whole tokenised catalog at once (`bm25s` does, which costs a
commune laptop about 70 MB more).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

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
        rows = np.concatenate([r for (r, _, _, _), _ in built] or [np.zeros(0, np.int32)])
        cols = np.concatenate([c for (_, c, _, _), _ in built] or [np.zeros(0, np.int32)])
        data = np.concatenate([w * d for (_, _, d, _), w in built] or [np.zeros(0, np.float32)])
        order = np.argsort(cols, kind="stable")  # column by column; a word in several parts adds up below
        self._rows, self._data = rows[order], data[order].astype(np.float32)
        self._starts = np.searchsorted(cols[order], np.arange(len(self.vocabulary) + 1))

    def scores(self, words: Iterable[str]) -> np.ndarray:
        """Every record's score for these words (0 where none of them is found)."""
        ids = [self.vocabulary[w] for w in dict.fromkeys(words) if w in self.vocabulary]
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        spans = [slice(self._starts[i], self._starts[i + 1]) for i in ids]
        rows = np.concatenate([self._rows[span] for span in spans])
        data = np.concatenate([self._data[span] for span in spans])
        return np.bincount(rows, weights=data, minlength=self.size).astype(np.float32)

    def top(self, words: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """The `limit` best records (by position) with their scores, best first; none that score 0."""
        scores = self.scores(words)
        found = np.flatnonzero(scores > 0)
        if len(found) > limit:
            found = found[np.argpartition(-scores[found], limit)[:limit]]
        return sorted(((int(i), float(scores[i])) for i in found), key=lambda pair: -pair[1])
