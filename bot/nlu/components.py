"""Rasa graph components: Vietnamese text normalisation and procedure matching.

`VietnameseNormalizer` rewrites the message text in place (before tokenisation) into the
normalised, diacritic-free form. `ProcedureMatcher` extracts the `procedure` entity (canonical id)
from the KB-derived lookup table and replaces the mention by one placeholder token, so the intent
classifier learns "<procedure> cần gì" once instead of once per procedure name.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.normalize import normalize_folded
from bot.nlu.procedure_index import ProcedureIndex

ENTITY = "procedure"
MASK = "zzthutuc"
# A question fits in far fewer characters; a pasted document would only cost CPU for every
# component after this one, so only its beginning is read.
MAX_NLU_CHARS = 1000


def _is_user_text(message: Message) -> bool:
    text = message.get(TEXT)
    # "/intent{...}" payloads from buttons are parsed by Rasa's RegexMessageHandler: keep them.
    return isinstance(text, str) and not text.startswith("/")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class VietnameseNormalizer(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VietnameseNormalizer:
        return cls()

    def _normalize(self, messages: list[Message]) -> None:
        for message in messages:
            if _is_user_text(message):
                message.set(TEXT, normalize_folded(message.get(TEXT)[:MAX_NLU_CHARS]))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._normalize(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        self._normalize(messages)
        return messages


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class ProcedureMatcher(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": [], "mask": True}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        index: ProcedureIndex | None = None,
    ) -> None:
        self.config = config
        self.model_storage = model_storage
        self.resource = resource
        self.index = index or ProcedureIndex({}, config.get("priority"))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ProcedureMatcher:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ProcedureMatcher:
        try:
            with model_storage.read_from(resource) as directory:
                data = json.loads((directory / "index.json").read_text(encoding="utf-8"))
            return cls(config, model_storage, resource, ProcedureIndex.from_dict(data))
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        synonyms = training_data.entity_synonyms
        aliases: dict[str, str] = {}
        for table in training_data.lookup_tables:
            if table.get("name") != ENTITY:
                continue
            for element in table.get("elements", []):
                canonical = synonyms.get(element)
                if canonical:
                    aliases[element] = canonical
        self.index = ProcedureIndex(aliases, self.config.get("priority"))
        with self.model_storage.write_to(self.resource) as directory:
            (directory / "index.json").write_text(
                json.dumps(self.index.to_dict(), ensure_ascii=False), encoding="utf-8"
            )
        return self.resource

    def _match(self, message: Message, add_entities: bool) -> None:
        if not _is_user_text(message):
            return
        tokens = message.get(TEXT).split()
        mentions = self.index.find(tokens)
        if not mentions:
            return
        if add_entities:
            offsets, position = [], 0
            for token in tokens:
                offsets.append(position)
                position += len(token) + 1
            entities = [
                {
                    "entity": ENTITY,
                    "value": m.procedure_id,
                    "start": offsets[m.start],
                    "end": offsets[m.start + m.length - 1] + len(tokens[m.start + m.length - 1]),
                    "confidence_entity": 1.0,
                    "extractor": self.__class__.__name__,
                }
                for m in mentions
            ]
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        if self.config.get("mask", True):
            for m in sorted(mentions, key=lambda m: -m.start):
                tokens[m.start : m.start + m.length] = [MASK]
            message.set(TEXT, " ".join(tokens))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._match(example, add_entities=False)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._match(message, add_entities=True)
        return messages
