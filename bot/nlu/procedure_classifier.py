"""Which procedure a message is about when it names none: "cháu nó mới đẻ hôm qua, làm giấy cho nó".

A linear classifier over word and character n-grams, trained on the knowledge base's aliases and
situations (how people describe their need) and on the training questions that name a procedure.
Messages of the general intents (greetings, status, out of scope) and short follow-ups teach it the
class `NONE`, so it stays quiet when nothing procedural is said. Character n-grams catch typos and
run-together words ("khaisinh", "tam chu").

Trained with scikit-learn (TF-IDF, logistic regression); answered without it: the vocabularies, idf
weights and coefficients are kept as plain arrays and the same arithmetic is done directly, because
scikit-learn's per-call checks cost more than the sums (1.6 ms → about 0.1 ms a message).
`tests/unit/bot/nlu/test_procedure_classifier.py` checks both give the same probabilities.

No Rasa: `bot.nlu.components.ProcedureMatcher` trains, stores and calls it.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

NONE = "_none"
# Below this probability the classifier's guess is not used: asking "which procedure?" is cheaper
# for the user than an answer about the wrong one.
MIN_PROBABILITY = 0.55
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 4)


@dataclass(frozen=True)
class Guess:
    procedure_id: str
    probability: float


def word_ngrams(text: str) -> list[str]:
    words = text.split()
    grams = list(words)
    grams.extend(" ".join(words[i : i + 2]) for i in range(len(words) - 1))
    return grams


def char_ngrams(text: str) -> list[str]:
    """scikit-learn's `char_wb` n-grams: inside each word padded with one space, short words once."""
    grams: list[str] = []
    low, high = CHAR_NGRAMS
    for word in text.split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) < n:
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
            if len(padded) == n:
                break
    return grams


@dataclass
class _Block:
    """One TF-IDF vectoriser: n-gram → column, and its idf weights."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int

    def add(self, grams: list[str], columns: list[int], values: list[float]) -> None:
        counts = Counter(g for g in grams if g in self.vocabulary)
        if not counts:
            return
        weights = [(self.vocabulary[g], (1.0 + math.log(c)) * self.idf[self.vocabulary[g]]) for g, c in counts.items()]
        norm = math.sqrt(sum(w * w for _, w in weights))
        for column, weight in weights:
            columns.append(self.offset + column)
            values.append(weight / norm)


class ProcedureClassifier:
    def __init__(self, classes: Sequence[str] = (), words: _Block | None = None, chars: _Block | None = None,
                 coef: np.ndarray | None = None, intercept: np.ndarray | None = None) -> None:
        self.classes = list(classes)
        self._words, self._chars = words, chars
        self._coef, self._intercept = coef, intercept

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[str]) -> ProcedureClassifier:
        if len(set(labels)) < 2:
            return cls()
        pipeline = fit_pipeline(texts, labels)
        words, chars = (v for _, v in pipeline.named_steps["features"].transformer_list)
        model = pipeline.named_steps["model"]
        coef, intercept = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # binary: one row for the second class; softmax needs both
            coef, intercept = np.vstack([-coef[0] / 2, coef[0] / 2]), np.array([-intercept[0] / 2, intercept[0] / 2])
        return cls(
            [str(c) for c in model.classes_],
            _Block({k: int(v) for k, v in words.vocabulary_.items()}, words.idf_, 0),
            _Block({k: int(v) for k, v in chars.vocabulary_.items()}, chars.idf_, len(words.vocabulary_)),
            np.ascontiguousarray(coef.T), intercept,
        )

    def probabilities(self, text: str) -> dict[str, float]:
        if self._coef is None or self._words is None or self._chars is None or self._intercept is None:
            return {}
        columns: list[int] = []
        values: list[float] = []
        self._words.add(word_ngrams(text), columns, values)
        self._chars.add(char_ngrams(text), columns, values)
        scores = self._intercept + (np.asarray(values) @ self._coef[columns] if columns else 0.0)
        scores = np.exp(scores - scores.max())
        scores /= scores.sum()
        return dict(zip(self.classes, scores.tolist(), strict=True))

    def guess(self, text: str) -> Guess | None:
        """The likeliest procedure for folded, normalised text, or None below MIN_PROBABILITY."""
        if not text.strip():
            return None
        probabilities = self.probabilities(text)
        if not probabilities:
            return None
        label = max(probabilities, key=probabilities.__getitem__)
        if label == NONE or probabilities[label] < MIN_PROBABILITY:
            return None
        return Guess(label, probabilities[label])

    def save(self, directory: Path) -> None:
        if self._coef is None or self._words is None or self._chars is None:
            return
        (directory / "classifier.json").write_text(json.dumps(
            {"classes": self.classes, "words": self._words.vocabulary, "chars": self._chars.vocabulary},
            ensure_ascii=False), encoding="utf-8")
        np.savez(directory / "classifier.npz", words_idf=self._words.idf, chars_idf=self._chars.idf,
                 coef=self._coef, intercept=self._intercept)

    @classmethod
    def load(cls, directory: Path) -> ProcedureClassifier:
        if not (directory / "classifier.json").exists():
            return cls()
        data = json.loads((directory / "classifier.json").read_text(encoding="utf-8"))
        with np.load(directory / "classifier.npz") as arrays:
            words = _Block(data["words"], arrays["words_idf"], 0)
            chars = _Block(data["chars"], arrays["chars_idf"], len(data["words"]))
            return cls(data["classes"], words, chars, arrays["coef"], arrays["intercept"])


def fit_pipeline(texts: Sequence[str], labels: Sequence[str]) -> Any:
    """The scikit-learn model the arrays come from (also used by the test that compares them).
    scikit-learn is imported here, at training, not when a trained model answers."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([
        ("words", TfidfVectorizer(analyzer="word", ngram_range=WORD_NGRAMS, sublinear_tf=True, token_pattern=r"\S+")),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True)),
    ])
    model = Pipeline([
        ("features", features),
        ("model", LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced", random_state=42)),
    ])
    model.fit(list(texts), list(labels))
    return model
