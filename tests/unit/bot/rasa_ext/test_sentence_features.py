"""The sentence-only featurizer and classifier give stock Rasa's input rows, for less work."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SEQUENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_ext.sentence_features import (
    SentenceCountVectorsFeaturizer,
    SentenceLogisticRegression,
    sentence_row,
)

EXAMPLES = [
    ("lam zzthutuc can giay to gi", "ask_documents"), ("zzthutuc mat bao nhieu tien", "ask_fee"),
    ("lam zzthutuc mat bao lau", "ask_time"), ("lam zzthutuc o dau", "ask_where"),
    ("xin chao", "greet"), ("cam on nhieu", "thanks"),
]
# Same settings as config.yml: word 1-2 grams, then character 2-4 grams.
FEATURIZERS = [
    {"analyzer": "word", "min_ngram": 1, "max_ngram": 2},
    {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4},
]


def _storage(path: Path) -> LocalModelStorage:
    path.mkdir(parents=True, exist_ok=True)
    return LocalModelStorage(path)


def _build(cls: type, config: dict, storage: LocalModelStorage, name: str):
    context = ExecutionContext(GraphSchema({}), node_name=name)
    return cls.create({**cls.get_default_config(), **config}, storage, Resource(name), context)


def _messages(texts: list[str]) -> list[Message]:
    messages = [Message({TEXT: text}) for text in texts]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    return messages


def _train_featurizers(featurizer_cls: type, storage: LocalModelStorage, texts: list[str]
                       ) -> tuple[TrainingData, list[Message]]:
    """Trains the two featurizers of `featurizer_cls` on EXAMPLES; the featurized training data and `texts`."""
    training = TrainingData([Message({TEXT: t, INTENT: i}) for t, i in EXAMPLES])
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process_training_data(training)
    messages = _messages(texts)
    for n, config in enumerate(FEATURIZERS):
        featurizer = _build(featurizer_cls, config, storage, f"featurizer{n}")
        featurizer.train(training)
        featurizer.process_training_data(training)
        featurizer.process(messages)
    return training, messages


def _featurize(featurizer_cls: type, tmp_path: Path, texts: list[str]) -> list[Message]:
    return _train_featurizers(featurizer_cls, _storage(tmp_path / featurizer_cls.__name__), texts)[1]


@pytest.fixture()
def pairs(tmp_path: Path) -> list[tuple[Message, Message]]:
    texts = ["lam zzthutuc can gi", "cam on ban", "o dau vay", "tu khong co trong tu dien"]
    stock = _featurize(CountVectorsFeaturizer, tmp_path, texts)
    ours = _featurize(SentenceCountVectorsFeaturizer, tmp_path, texts)
    return list(zip(stock, ours, strict=True))


def test_rows_equal_stock_rasa_rows(pairs, tmp_path: Path) -> None:
    storage = _storage(tmp_path / "lr")
    stock_lr = _build(LogisticRegressionClassifier, {}, storage, "stock")
    for stock, ours in pairs:
        expected = stock_lr._create_X([stock]).toarray()
        got = sentence_row(ours)
        assert got is not None and got.shape == expected.shape
        assert np.array_equal(got.toarray(), expected)
        assert expected.sum() > 0 or stock.get(TEXT) == "tu khong co trong tu dien"


def test_no_per_token_matrices_for_the_text(pairs) -> None:
    for stock, ours in pairs:
        assert any(f.type == FEATURE_TYPE_SEQUENCE for f in stock.features)
        assert not any(f.type == FEATURE_TYPE_SEQUENCE and f.attribute == TEXT for f in ours.features)


def test_classifier_batch_and_fallback(pairs, tmp_path: Path) -> None:
    storage = _storage(tmp_path / "ours")
    ours_lr = _build(SentenceLogisticRegression, {}, storage, "ours")
    stock_lr = _build(LogisticRegressionClassifier, {}, storage, "stock")
    stock_messages = [stock for stock, _ in pairs]
    our_messages = [ours for _, ours in pairs]
    # several messages at once (training) stack into the same matrix as stock Rasa's
    assert np.array_equal(ours_lr._create_X(our_messages).toarray(), stock_lr._create_X(stock_messages).toarray())
    # a message with no sentence features at all goes the stock way (and fails the stock way)
    assert sentence_row(Message({TEXT: "x"})) is None


def test_trained_classifier_predicts_like_stock(tmp_path: Path) -> None:
    texts = [t for t, _ in EXAMPLES] + ["lam zzthutuc het bao nhieu tien", "chao ban"]
    results = {}
    for featurizer_cls, lr_cls in ((CountVectorsFeaturizer, LogisticRegressionClassifier),
                                   (SentenceCountVectorsFeaturizer, SentenceLogisticRegression)):
        storage = _storage(tmp_path / lr_cls.__name__)
        training, messages = _train_featurizers(featurizer_cls, storage, texts)
        classifier = _build(lr_cls, {"random_state": 42}, storage, "classifier")
        classifier.train(training)
        classifier.process(messages)
        results[lr_cls] = [(m.get(INTENT)["name"], round(m.get(INTENT)["confidence"], 9)) for m in messages]
    assert results[SentenceLogisticRegression] == results[LogisticRegressionClassifier]
    assert results[SentenceLogisticRegression][-2][0] == "ask_fee"
