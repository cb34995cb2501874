"""Sentence-only count features and a logistic regression that reads them without copies.

Our classifier reads one vector per message (the "sentence" features). Stock Rasa still builds a
per-token ("sequence") matrix in every CountVectorsFeaturizer, deep-copies and stacks all
features in `Message.get_sparse_features`, then stacks them again with an empty dense block in
`LogisticRegressionClassifier._create_X`: measured, two thirds of the NLU time of a turn. These
two subclasses build the same sentence vector, with the same columns in the same order, straight
from the featurizers' matrices. Add a sequence model (DIET, TED) and use the stock components.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    """CountVectorsFeaturizer without the per-token matrices no component of ours reads."""

    def _create_features(
        self, attribute: str, all_tokens: list[list[str]]
    ) -> tuple[list[scipy.sparse.spmatrix | None], list[scipy.sparse.spmatrix | None]]:
        vectorizer = self.vectorizers.get(attribute) if self.vectorizers else None
        if vectorizer is None or attribute != TEXT:
            return super()._create_features(attribute, all_tokens)
        sentence: list[scipy.sparse.spmatrix | None] = []
        for tokens in all_tokens:
            if not tokens:
                sentence.append(None)
                continue
            # As the stock featurizer does, kept in CSR (its indices come sorted): Features take any
            # sparse matrix, and the classifier below reads CSR rows.
            sentence.append(vectorizer.transform([" ".join(tokens)]))
        return [None] * len(all_tokens), sentence


def sentence_row(message: Message) -> scipy.sparse.csr_matrix | None:
    """The message's sparse sentence features side by side, in pipeline order (the columns stock
    Rasa's `_create_X` produces); None when there are dense features or none at all."""
    blocks = []
    for features in message.features:
        if features.attribute != TEXT or features.type != FEATURE_TYPE_SENTENCE:
            continue
        if not features.is_sparse():
            return None
        blocks.append(features.features.tocsr())  # no copy when already CSR
    if not blocks:
        return None
    columns, values, width = [], [], 0
    for block in blocks:
        columns.append(block.indices.astype(np.int32) + width)
        values.append(block.data)
        width += block.shape[1]
    data = np.concatenate(values)
    return scipy.sparse.csr_matrix(
        (data, np.concatenate(columns), np.array([0, len(data)], dtype=np.int32)), shape=(1, width)
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SentenceLogisticRegression(LogisticRegressionClassifier):
    """LogisticRegressionClassifier whose input rows are built without intermediate copies."""

    def _create_X(self, messages: list[Message]) -> scipy.sparse.csr_matrix:
        rows = [sentence_row(message) for message in messages]
        if any(row is None for row in rows):
            return super()._create_X(messages)
        return rows[0] if len(rows) == 1 else scipy.sparse.vstack(rows, format="csr")
