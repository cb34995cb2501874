"""What each recording says, in Vietnamese: the text whose hash keeps a recording fresh.

A recording is keyed `<procedure>.<topic>` (one topic's whole answer, as the Vietnamese renderers
give it for this commune) or `phrase.<name>` (one of the assistant's phrases, filled with this
commune's desk). When that Vietnamese changes, the recording is stale and no longer played.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.dialogue.answers import RENDERERS
from bot.dialogue.intents import Topic
from bot.dialogue.phrases import PHRASES, placeholders
from bot.kb import KnowledgeBase
from bot.languages.texts import source_hash
from bot.languages.wording import VIETNAMESE
from bot.settings import Commune

PHRASE = "phrase."
# A recorded phrase can say the desk's details, not a value that changes with the question.
_RECORDABLE_VALUES = frozenset({"contact", "phone"})


def recording_key(procedure_id: str | None, topic: Topic) -> str | None:
    return f"{procedure_id}.{topic.value}" if procedure_id and topic in RENDERERS else None


def phrase_key(name: str) -> str:
    return PHRASE + name


def vietnamese_of(key: str, kb: KnowledgeBase, commune: Commune) -> str | None:
    """The Vietnamese a recording keyed `key` speaks; None for a key that names nothing recordable."""
    if key.startswith(PHRASE):
        name = key[len(PHRASE):]
        template = PHRASES.get(name)
        if template is None or not placeholders(template) <= _RECORDABLE_VALUES:
            return None
        return template.format(contact=VIETNAMESE.contact(commune), phone=commune.phone)
    pid, _, topic = key.rpartition(".")
    p = kb.procedures.get(pid)
    try:
        chosen = Topic(topic)
    except ValueError:
        return None
    if p is None or chosen not in RENDERERS:
        return None
    return RENDERERS[chosen](p, commune, VIETNAMESE)


def recording_keys(kb: KnowledgeBase) -> list[str]:
    """Every key a team can record: each procedure's topics, then the recordable phrases."""
    keys = [f"{pid}.{topic.value}" for pid in kb.procedures for topic in RENDERERS]
    return keys + [phrase_key(n) for n, t in PHRASES.items() if placeholders(t) <= _RECORDABLE_VALUES]


def hasher(kb: KnowledgeBase, commune: Commune) -> Callable[[str], str | None]:
    """The hash of the Vietnamese each recording key speaks today (None: a key that names nothing)."""

    def source_hash_of(key: str) -> str | None:
        text = vietnamese_of(key, kb, commune)
        return source_hash(text) if text is not None else None

    return source_hash_of
