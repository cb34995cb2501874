"""Render every answer the assistant can give with the natural voice, while there is a network,
so that later, offline, people still hear gTTS and not the robotic fallback.

Used by `caunoi voice prerender`. Only the primary (natural) voice counts: an answer the offline
voice could speak is still "failed" here, since the point is to have the natural audio stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.dialogue.answers import answer
from bot.dialogue.intents import ANSWER_TOPICS, Intent
from bot.dialogue.respond import ProcedureAnswers
from bot.dialogue.turn import Turn
from bot.kb import KnowledgeBase
from bot.settings import Commune
from voice.errors import SpeechUnavailable
from voice.tts.speakable import speakable
from voice.tts.speaker import CachedSpeaker

# Replies that do not depend on a procedure (greeting, help, …), by the intent that produces them;
# "ask_overview" with no procedure gives the "which procedure?" question.
FIXED_INTENTS = (Intent.GREET, Intent.GOODBYE, Intent.THANKS, Intent.HELP, Intent.TALK_TO_HUMAN,
                 Intent.CHECK_STATUS, Intent.OUT_OF_SCOPE, Intent.ASK_OVERVIEW, None)
GIVE_UP_AFTER = 3  # failures in a row: the network is down, do not wait out a timeout per answer


@dataclass
class Summary:
    rendered: int = 0
    cached_already: int = 0
    failed: int = 0
    voice: str = ""
    errors: list[str] = field(default_factory=list)  # the first few, for the message

    @property
    def total(self) -> int:
        return self.rendered + self.cached_already + self.failed

    def __str__(self) -> str:
        line = (f"{self.total} answers with {self.voice}: {self.rendered} rendered, "
                f"{self.cached_already} already cached, {self.failed} failed")
        if self.failed:
            line += f". First error: {self.errors[0]}. Run again when the network is back." if self.errors else "."
        return line


def answer_texts(kb: KnowledgeBase, commune: Commune) -> list[tuple[str, str]]:
    """(label, text) for every answer, each spoken text once: procedure × topic, then fixed replies."""
    texts = [(f"{pid}/{topic}", answer(kb.procedures[pid], topic, commune).text)
             for pid in kb.ids for topic in ANSWER_TOPICS]
    answers = ProcedureAnswers(kb, commune)
    for intent in FIXED_INTENTS:
        reply = answers.respond(Turn(sender="prerender", text="", intent=intent)).reply
        texts.append((reply.topic.value, reply.text))
    seen: set[str] = set()
    unique = []
    for label, text in texts:
        said = speakable(text)
        if said and said not in seen:
            seen.add(said)
            unique.append((label, text))
    return unique


def prerender(speaker: CachedSpeaker, kb: KnowledgeBase, commune: Commune,
              progress: Callable[[int, int], None] | None = None) -> Summary:
    texts = answer_texts(kb, commune)
    summary = Summary(voice=speaker.primary.name)
    in_a_row = 0
    for done, (label, text) in enumerate(texts, 1):
        if in_a_row >= GIVE_UP_AFTER:  # still count what is cached: a second run offline is no failure
            if speaker.cache.get(speaker.primary, text) is not None:
                summary.cached_already += 1
            else:
                summary.failed += 1
        else:
            try:
                if speaker.render_primary(text):
                    summary.rendered += 1
                else:
                    summary.cached_already += 1
                in_a_row = 0
            except SpeechUnavailable as error:
                summary.failed += 1
                in_a_row += 1
                if len(summary.errors) < 5:
                    summary.errors.append(f"{label}: {error}")
        if progress is not None:
            progress(done, len(texts))
    return summary
