"""The one entry point of the dialogue: `Dialogue.handle(turn) -> Outcome`.

Every turn is decided here: whether it belongs to the application-status conversation
(bot/dialogue/status.py) or to the procedure answers (bot/dialogue/respond.py), and what context
to keep. The Rasa action only converts (bot/actions/answer.py); tests call this directly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from bot.catalog.tier import Tier
from bot.dialogue.intents import STATUS_INTENTS, Intent
from bot.dialogue.language import ChoiceStoreFactory, LanguageLayer
from bot.dialogue.respond import ProcedureAnswers
from bot.dialogue.status import StatusDialogue
from bot.dialogue.turn import Outcome, Turn
from bot.kb import KnowledgeBase
from bot.languages.recorded import hasher
from bot.languages.registry import NONE as NO_LANGUAGES
from bot.languages.registry import Languages
from bot.languages.team import LanguageTeam
from bot.settings import Commune
from bot.status.codes import find_codes

logger = logging.getLogger(__name__)
# Intents under which "người biết tiếng Ê Đê" asks for a person who speaks it.
_ASKS_FOR_A_PERSON = frozenset({Intent.TALK_TO_HUMAN, Intent.HELP, Intent.NLU_FALLBACK, Intent.OUT_OF_SCOPE, None})

T = TypeVar("T")
StatusFactory = Callable[[], "StatusDialogue | None"]


class Dialogue:
    def __init__(self, kb: KnowledgeBase, commune: Commune, top_procedures: Sequence[str] = (),
                 status: StatusFactory | None = None, catalog: Tier | None = None,
                 languages: Languages = NO_LANGUAGES, teams: dict[str, LanguageTeam] | None = None,
                 choices: ChoiceStoreFactory | None = None) -> None:
        self.answers = ProcedureAnswers(kb, commune, top_procedures, catalog, languages)
        self.language = LanguageLayer(languages, commune, teams, choices, hasher(kb, commune))
        # Called only on turns that may concern an application: the common turn never touches the store.
        self._status = status or (lambda: None)

    def handle(self, turn: Turn) -> Outcome:
        language, first = self.language.language_of(turn)
        turn = replace(turn, context=turn.context.with_(language=language))
        if (chosen := self.language.choose(turn, turn.context)) is not None:
            return chosen
        if turn.intent in _ASKS_FOR_A_PERSON and (team := self.language.team_reply(turn, language)) is not None:
            outcome = Outcome(team, turn.context)
        else:
            outcome = self._decide(turn)
        return self.language.finish(outcome, turn, language, first) if self.language.active else outcome

    def _decide(self, turn: Turn) -> Outcome:
        context = turn.context
        if self._maybe_status(turn):
            status = self._status()
            done = status.turn(turn) if status is not None else None
            if done is not None:
                context = context.with_(**done.slots)
                if done.reply is not None:
                    if done.reply.procedure_id and "procedure" not in done.slots:
                        context = context.with_(procedure=done.reply.procedure_id)
                    return Outcome(done.reply, context)
        return self.answers.respond(replace(turn, context=context))

    @staticmethod
    def _maybe_status(turn: Turn) -> bool:
        """A status intent, a status question under way, or an application code. Other digits (an age,
        a year, a fee) are not a reason: "con tôi 14 tuổi" is a question about a procedure."""
        return (turn.intent in STATUS_INTENTS or turn.context.status_step is not None
                or bool(find_codes(turn.text)))


def opened_once(open_store: Callable[[], T]) -> Callable[[], T | None]:
    """The store, opened on first use and kept; one that cannot be opened is logged and retried next
    time, and the procedure answers go on without it."""
    opened: list[T] = []

    def store() -> T | None:
        if not opened:
            try:
                opened.append(open_store())
            except Exception:  # a broken status database must not take the procedure answers down
                logger.exception("status store unavailable")
                return None
        return opened[0]

    return store


def status_dialogue_factory(store: Callable[[], object | None], commune: Commune,
                            procedure_names: dict[str, str]) -> StatusFactory:
    """A StatusFactory over `store` (made by `opened_once`); None while the store cannot be opened."""

    def factory() -> StatusDialogue | None:
        opened = store()
        return StatusDialogue(opened, commune, procedure_names) if opened is not None else None  # type: ignore[arg-type]

    return factory
