"""The one entry point of the dialogue: `Dialogue.handle(turn) -> Outcome`.

Every turn is decided here: whether it belongs to the application-status conversation
(bot/dialogue/status.py) or to the procedure answers (bot/dialogue/respond.py), and what context
to keep. The Rasa action only converts (bot/actions/answer.py); tests call this directly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.catalog.tier import Tier
from bot.dialogue.intents import STATUS_INTENTS
from bot.dialogue.respond import ProcedureAnswers
from bot.dialogue.status import StatusDialogue
from bot.dialogue.turn import Outcome, Turn
from bot.kb import KnowledgeBase
from bot.settings import Commune
from bot.status.codes import find_codes

logger = logging.getLogger(__name__)

StatusFactory = Callable[[], "StatusDialogue | None"]


class Dialogue:
    def __init__(self, kb: KnowledgeBase, commune: Commune, top_procedures: Sequence[str] = (),
                 status: StatusFactory | None = None, catalog: Tier | None = None) -> None:
        self.answers = ProcedureAnswers(kb, commune, top_procedures, catalog)
        # Called only on turns that may concern an application: the common turn never touches the store.
        self._status = status or (lambda: None)

    def handle(self, turn: Turn) -> Outcome:
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


def status_dialogue_factory(open_store: Callable[[], object], commune: Commune,
                            procedure_names: dict[str, str]) -> StatusFactory:
    """A StatusFactory over a store opened once and kept; a store that cannot be opened is logged and
    retried next time, and the procedure answers go on without it."""
    opened: list[object] = []

    def factory() -> StatusDialogue | None:
        if not opened:
            try:
                opened.append(open_store())
            except Exception:  # a broken status database must not take the procedure answers down
                logger.exception("status store unavailable")
                return None
        return StatusDialogue(opened[0], commune, procedure_names)  # type: ignore[arg-type]

    return factory
