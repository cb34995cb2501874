"""Which procedure a message is about when it names none: "cháu nó mới đẻ hôm qua, làm giấy cho nó".

A linear classifier over word and character n-grams, trained on the knowledge base's aliases and
situations (how people describe their need) and on the training questions that name a procedure.
Messages of the general intents (greetings, status, out of scope) teach it the class `NONE`, so it
stays quiet when nothing procedural is said. Character n-grams catch typos and run-together words
("khaisinh", "tam chu").

Pure scikit-learn, no Rasa: `bot.nlu.components.ProcedureMatcher` trains, stores and calls it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

NONE = "_none"
# Below this probability the classifier's guess is not used: asking "which procedure?" is cheaper
# for the user than an answer about the wrong one.
MIN_PROBABILITY = 0.55


@dataclass(frozen=True)
class Guess:
    procedure_id: str
    probability: float


class ProcedureClassifier:
    def __init__(self, pipeline: object | None = None) -> None:
        self._pipeline = pipeline

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[str]) -> ProcedureClassifier:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, Pipeline

        if len(set(labels)) < 2:
            return cls(None)
        features = FeatureUnion([
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                      token_pattern=r"\S+")),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)),
        ])
        pipeline = Pipeline([
            ("features", features),
            ("model", LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced", random_state=42)),
        ])
        pipeline.fit(list(texts), list(labels))
        return cls(pipeline)

    def guess(self, text: str) -> Guess | None:
        """The likeliest procedure for folded, normalised text, or None below MIN_PROBABILITY."""
        if self._pipeline is None or not text.strip():
            return None
        probabilities = self._pipeline.predict_proba([text])[0]  # type: ignore[attr-defined]
        classes = self._pipeline.classes_  # type: ignore[attr-defined]
        best = max(range(len(classes)), key=lambda i: probabilities[i])
        label, probability = str(classes[best]), float(probabilities[best])
        if label == NONE or probability < MIN_PROBABILITY:
            return None
        return Guess(label, probability)

    def save(self, path: Path) -> None:
        import joblib

        joblib.dump(self._pipeline, path)

    @classmethod
    def load(cls, path: Path) -> ProcedureClassifier:
        import joblib

        return cls(joblib.load(path) if path.exists() else None)
