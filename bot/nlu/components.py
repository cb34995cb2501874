"""Rasa graph components: Vietnamese text normalisation, procedure matching, the question focus and
the intent arbiter.

`VietnameseNormalizer` rewrites the message text in place (before tokenisation) into the
normalised, diacritic-free form, with a boundary token between sentences. `ProcedureMatcher`
extracts the `procedure` entity (canonical id) from the KB-derived lookup table and replaces the
mention by one placeholder token, so the intent classifier learns "<procedure> cần gì" once instead
of once per procedure name. `QuestionFocus` keeps the question part of a long message for the
classifier and notes its topic cues on the message (bot/nlu/focus.py, bot/nlu/cues.py).
`IntentArbiter`, after the classifier, applies the routing rules of bot/nlu/arbiter.py.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.dialogue.intents import STATUS_INTENTS, Intent, Topic
from bot.nlu import cues
from bot.nlu.arbiter import SPECIFIC_TOPICS, also_asked, arbitrate
from bot.nlu.focus import BOUNDARIES, focus, questions, with_boundaries
from bot.nlu.followup import FollowUpWords
from bot.nlu.names import ALSO_ASKED, CLASSIFIER, ENTITY, OBJECT
from bot.nlu.normalize import normalize_folded
from bot.nlu.procedure_classifier import NONE, ProcedureClassifier
from bot.nlu.procedure_index import Mention, ProcedureIndex

SITUATIONS = "procedure_situation"
# A question naming no procedure in this many words or fewer is a follow-up: the classifier's "none".
FOLLOW_UP_WORDS = 5
# How sure the classifier must be to put an acted-on procedure before the paper the message names.
ACTED_ON_PROBABILITY = 0.6
ACTED_ON_WORDS = 2  # "sửa" + a field at least: "làm giấy khai sinh" alone acts on nothing
# Intents whose examples say nothing about a procedure: the classifier's "none" class.
GENERAL_INTENTS = frozenset(i.value for i in (Intent.GREET, Intent.GOODBYE, Intent.THANKS, Intent.HELP,
                                              Intent.TALK_TO_HUMAN, Intent.OUT_OF_SCOPE, *STATUS_INTENTS))
MASK = "zzthutuc"
# A question fits in far fewer characters; a pasted document would only cost CPU for every
# component after this one, so only its beginning is read.
MAX_NLU_CHARS = 1000
# The message as sent and its normalised words, kept on the message for the arbiter.
SENT_TEXT = "caunoi_sent_text"
ALL_TOKENS = "caunoi_all_tokens"
TOPIC_CUES = "caunoi_topic_cues"
FIRST_QUESTION_CUES = "caunoi_first_question_cues"  # when the message asks several questions
ASKING_CUES = "caunoi_asking_cues"  # topics named by a cue that asks ("ở đâu"), in the order asked
UNMASKED = "caunoi_unmasked"  # the normalised text before the procedure mention was masked
INTENT_RANKING = "intent_ranking"


def _words(tokens: list[str]) -> str:
    """The normalised words without the sentence boundaries."""
    return " ".join(t for t in tokens if t not in BOUNDARIES)


def _about_the_whole(entity: str, value: str, words: str, extractor: str,
                     confidence: float | None = None) -> dict[str, Any]:
    """An entity read from the message as a whole (a guess, a bundle, the topics asked), not from a span."""
    found: dict[str, Any] = {"entity": entity, "value": value, "start": 0, "end": len(words), "extractor": extractor}
    if confidence is not None:
        found["confidence_entity"] = round(confidence, 3)
    return found


def _add_entities(message: Message, entities: list[dict[str, Any]]) -> None:
    message.set(ENTITIES, (message.get(ENTITIES) or []) + entities, add_to_output=True)


def _is_user_text(message: Message) -> bool:
    text = message.get(TEXT)
    # "/intent{...}" payloads from buttons are parsed by Rasa's RegexMessageHandler: keep them.
    return isinstance(text, str) and not text.startswith("/")


_NOT_YET = "chua"
_NOT_YET_VERBS = frozenset({"dang", "lam", "khai", "di"})  # "chưa đăng ký / làm / khai / đi …"


def _never_registered_first(mentions: list[Mention], tokens: list[str], priority: Collection[str]) -> list[Mention]:
    """A copy or a correction of an event never registered cannot be made: "chưa đăng ký khai tử, nay
    muốn xin trích lục khai tử" needs the (late) registration itself."""
    if len(mentions) < 2 or mentions[0].procedure_id not in priority:
        return mentions

    def not_yet(m: Mention) -> bool:
        before = tokens[max(0, m.start - 2) : m.start]
        return before[-1:] == [_NOT_YET] or (len(before) == 2 and before[0] == _NOT_YET
                                             and before[1] in _NOT_YET_VERBS)

    if not_yet(mentions[0]):
        return mentions
    return sorted(mentions, key=lambda m: not (m.procedure_id != mentions[0].procedure_id and not_yet(m)))


_STORY = 1_000  # the question index of a mention named only in the story


def _question_of(mentions: list[Mention], tokens: list[str]) -> list[int]:
    """For each mention, the index of the first question that names it, or _STORY. Without a story
    or several questions, all are in question 0."""
    if not BOUNDARIES.intersection(tokens) and "hoi" not in tokens and "vay" not in tokens:
        return [0] * len(mentions)
    asked = [f" {' '.join(q)} " for q in questions(tokens)]
    return [next((i for i, q in enumerate(asked) if f" {' '.join(tokens[m.start:m.start + m.length])} " in q),
                 _STORY) for m in mentions]


def _question_first(mentions: list[Mention], tokens: list[str]) -> list[Mention]:
    """Procedures named in the question before those named only in the story ("Tôi đã đăng ký tạm
    trú ở thành phố. Xin hỏi tôi làm căn cước ở đây được không?" asks about căn cước), and those of
    the first question before the next ("… có được xét hộ nghèo không? … có được tham gia bảo hiểm
    y tế không?" is about the poor household)."""
    if len(mentions) < 2:
        return mentions
    where = dict(zip(map(id, mentions), _question_of(mentions, tokens), strict=True))
    return sorted(mentions, key=lambda m: where[id(m)])


class _PerMessage(GraphComponent):
    """A stateless step that rewrites each user message in place, in training and when answering."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config = config or {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config)

    def _one(self, message: Message) -> None:
        raise NotImplementedError

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            if _is_user_text(example):
                self._one(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if _is_user_text(message):
                self._one(message)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class VietnameseNormalizer(_PerMessage):
    def _one(self, message: Message) -> None:
        text = message.get(TEXT)[:MAX_NLU_CHARS]
        message.set(SENT_TEXT, text)
        message.set(TEXT, with_boundaries(text))


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class ProcedureMatcher(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": [], "mask": True, "bundles": {}}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        index: ProcedureIndex | None = None,
        classifier: ProcedureClassifier | None = None,
        followup: FollowUpWords | None = None,
    ) -> None:
        self.config = config
        self.model_storage = model_storage
        self.resource = resource
        self.index = index or ProcedureIndex({}, config.get("priority"))
        self.classifier = classifier or ProcedureClassifier()
        self.followup = followup or FollowUpWords()

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
                classifier = ProcedureClassifier.load(directory)
            return cls(config, model_storage, resource, ProcedureIndex.from_dict(data), classifier,
                       FollowUpWords.from_dict(data.get("followup") or {}))
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
        self.classifier, self.followup = self._learn(training_data, aliases)
        with self.model_storage.write_to(self.resource) as directory:
            data = {**self.index.to_dict(), "followup": self.followup.to_dict()}
            (directory / "index.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            self.classifier.save(directory)
        return self.resource

    def _learn(self, training_data: TrainingData,
               aliases: dict[str, str]) -> tuple[ProcedureClassifier, FollowUpWords]:
        """The procedure classifier (aliases, situations, questions naming a procedure; the general
        intents as "none") and the words of follow-up questions (questions naming none)."""
        synonyms = training_data.entity_synonyms
        texts: list[str] = []
        labels: list[str] = []
        for table in training_data.lookup_tables:
            if table.get("name") == SITUATIONS:
                for element in table.get("elements", []):
                    if synonyms.get(element):
                        texts.append(normalize_folded(element))
                        labels.append(synonyms[element])
        for alias, pid in aliases.items():
            texts.append(normalize_folded(alias))
            labels.append(pid)
        followups: list[str] = []
        for example in training_data.intent_examples:
            if not _is_user_text(example):
                continue
            words = _words(example.get(TEXT).split())
            mentions = self.index.find(words.split())
            if mentions:
                texts.append(words)
                labels.append(mentions[0].procedure_id)
            elif example.get(INTENT) in GENERAL_INTENTS:
                texts.append(words)
                labels.append(NONE)
            else:
                followups.append(example.get(SENT_TEXT) or example.get(TEXT))
                # "mất bao lâu": about no procedure, though "mất" is in "bố mất"
                if len(words.split()) <= FOLLOW_UP_WORDS:
                    texts.append(words)
                    labels.append(NONE)
        return ProcedureClassifier.train(texts, labels), FollowUpWords.learn(followups)

    def _match(self, message: Message, add_entities: bool) -> None:
        if not _is_user_text(message):
            return
        tokens = message.get(TEXT).split()
        mentions = _never_registered_first(_question_first(self.index.find(tokens), tokens), tokens,
                                           self.index.priority)
        if not mentions:
            if add_entities:
                self._guess(message, tokens)
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
            named = {m.procedure_id for m in mentions}
            rest = len(tokens) - sum(m.length for m in mentions)  # words besides the names
            words = _words(tokens)
            # A bundle's parts count when the question names them: "con đã khai sinh … muốn cấp thẻ
            # BHYT thì làm gì" asks about the card alone.
            asked = {m.procedure_id for m, q in zip(mentions, _question_of(mentions, tokens), strict=True)
                     if q != _STORY}
            first = self._bundle(asked, words) or (self._acted_on(words, named) if rest >= ACTED_ON_WORDS else None)
            if first is not None:
                entities.insert(0, first)
            _add_entities(message, entities)
        message.set(UNMASKED, " ".join(tokens))
        if self.config.get("mask", True):
            for m in sorted(mentions, key=lambda m: -m.start):
                tokens[m.start : m.start + m.length] = [MASK]
            message.set(TEXT, " ".join(tokens))

    def _bundle(self, named: set[str], words: str) -> dict[str, Any] | None:
        """Two or more parts of a bundle named ("khai sinh, thường trú, thẻ bảo hiểm cho con"): the bundle."""
        for bundle, parts in (self.config.get("bundles") or {}).items():
            if bundle not in named and len(named & set(parts)) >= 2:
                return _about_the_whole(ENTITY, bundle, words, self.__class__.__name__, 1.0)
        return None

    def _acted_on(self, words: str, named: set[str]) -> dict[str, Any] | None:
        """A paper named but something done to it ("giấy khai sinh ghi sai họ, sửa thế nào"): when the
        classifier is sure the message is about correcting, copying or certifying it, that wins."""
        if named & set(self.index.priority):
            return None
        guess = self.classifier.guess(words)
        if guess is None or guess.procedure_id not in self.index.priority or guess.procedure_id in named:
            return None
        if guess.probability < ACTED_ON_PROBABILITY:
            return None
        return _about_the_whole(ENTITY, guess.procedure_id, words, CLASSIFIER, guess.probability)

    def _guess(self, message: Message, tokens: list[str]) -> None:
        """No alias named: the classifier's procedure, or the words that name something unknown."""
        words = _words(tokens)
        unknown = self.followup.unknown(message.get(SENT_TEXT) or words)
        if not unknown:
            return  # only follow-up words ("mất bao lâu?"): about the procedure being discussed
        guess = self.classifier.guess(words)
        if guess is not None:
            entity = _about_the_whole(ENTITY, guess.procedure_id, words, CLASSIFIER, guess.probability)
        else:
            entity = _about_the_whole(OBJECT, " ".join(unknown), words, self.__class__.__name__)
        _add_entities(message, [entity])

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._match(example, add_entities=False)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._match(message, add_entities=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class QuestionFocus(_PerMessage):
    """Keeps the question part of the message for the intent classifier, and its topic cues."""

    def _one(self, message: Message) -> None:
        tokens = message.get(TEXT).split()
        message.set(ALL_TOKENS, [t for t in tokens if t not in BOUNDARIES])
        kept = focus(tokens)
        if MASK in tokens and MASK not in kept:
            kept.append(MASK)  # the procedure was named in the story: the question is about it
        # Cues are read with the procedure's name in place: "tạm trú online" keeps its "online".
        asked = questions((message.get(UNMASKED) or " ".join(tokens)).split())
        message.set(TOPIC_CUES, cues.topics_asked(asked))
        message.set(ASKING_CUES, cues.asking_topics(asked))
        message.set(FIRST_QUESTION_CUES, cues.topics(asked[0]) if len(asked) > 1 else None)
        message.set(TEXT, " ".join(kept))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentArbiter(_PerMessage):
    """Runs last: the status and handoff intents need their cue, a named procedure beats small talk."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"online_procedures": []}

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self.online = frozenset(self.config.get("online_procedures") or ())

    def _one(self, message: Message) -> None:
        ranking = [(r.get(INTENT_NAME_KEY), r.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
                   for r in message.get(INTENT_RANKING) or []]
        procedures = [e.get("value") for e in message.get(ENTITIES) or [] if e.get("entity") == ENTITY]
        tokens = message.get(ALL_TOKENS) or message.get(TEXT).split()
        topics = message.get(TOPIC_CUES) or []
        first = message.get(FIRST_QUESTION_CUES)
        # "Có được … không? (Nếu được) thủ tục / ở đâu / bao nhiêu?": it asks whether first.
        whether_first = first is not None and Topic.OVERVIEW in first and not set(first) & set(SPECIFIC_TOPICS)
        chosen = arbitrate(ranking, tokens, message.get(SENT_TEXT) or "", bool(procedures), topics,
                           bool(procedures) and procedures[0] in self.online, whether_first,
                           message.get(ASKING_CUES) or ())
        if chosen is not None:
            confidence = dict(ranking).get(chosen, 0.0)
            message.set(INTENT, {INTENT_NAME_KEY: chosen, PREDICTED_CONFIDENCE_KEY: confidence},
                        add_to_output=True)
        intent = chosen or (ranking[0][0] if ranking else "")
        also = also_asked(intent, topics, bool(procedures) and procedures[0] in self.online)
        if also:
            _add_entities(message, [_about_the_whole(ALSO_ASKED, ",".join(also), "", self.__class__.__name__)])
