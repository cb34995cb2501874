"""The procedure conversation: answer one turn from the intent, the procedure named and the context.

No Rasa, no transport, so it is tested directly and reused by any front end. The context is the
procedure and topic of the previous answer: "mất bao lâu?" keeps the procedure, "thế còn kết hôn?"
keeps the topic; a clarifying question keeps the topic it is waiting to answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.catalog import answers as catalog_answers
from bot.catalog.tier import PORTAL, Found, Tier, portal_id
from bot.dialogue import answers
from bot.dialogue.intents import ANSWER_TOPICS, INTENT_TOPIC, STATUS_INTENTS, TOPIC_INTENT, Intent, Topic
from bot.dialogue.more import ENTITY as MORE
from bot.dialogue.more import asks_for_more, more_button
from bot.dialogue.reply import CardLinks, Reply, payload
from bot.dialogue.turn import Context, Outcome, Turn
from bot.kb import KnowledgeBase, Procedure
from bot.languages.registry import NONE as NO_LANGUAGES
from bot.languages.registry import Languages
from bot.languages.wording import VIETNAMESE, Untranslated, Wording, in_language
from bot.settings import Commune

# Words nobody asks about ("cảm ơn nhiều lắm") come with greetings and thanks: those stay small talk.
_NOT_A_QUESTION = frozenset({None, Intent.NLU_FALLBACK})
CHOICE_TITLE = 60  # a portal name on a button, cut at a word: Telegram and Zalo show about this much


class ProcedureAnswers:
    def __init__(self, kb: KnowledgeBase, commune: Commune, top_procedures: Sequence[str] = (),
                 catalog: Tier | None = None, languages: Languages = NO_LANGUAGES) -> None:
        self.kb = kb
        self.commune = commune
        self.top = tuple(top_procedures)
        self.catalog = catalog  # the national portal's records, behind the curated ones
        self.languages = languages  # the packs a commune's team translated (none: Vietnamese only)

    def _exists(self, procedure_id: str | None) -> bool:
        if not procedure_id:
            return False
        return bool(self.kb.get(procedure_id)) or (self.catalog is not None
                                                   and self.catalog.record(procedure_id) is not None)

    def procedure_buttons(self, intent: Intent = Intent.ASK_OVERVIEW, w: Wording = VIETNAMESE) -> list[dict[str, str]]:
        """One button per top procedure, labelled with its short button text, not the formal name: a
        name such as "Đăng ký, cấp thẻ bảo hiểm y tế; cấp lại, đổi…" is cut off on a phone."""
        chosen = [pid for pid in self.top if self.kb.get(pid)] or self.kb.ids[:6]
        return [{"title": _label(self.kb.procedures[pid], w), "payload": payload(intent, pid)} for pid in chosen]

    def clarify(self, topic: Topic, intent: Intent | None = None, context: Context | None = None,
                w: Wording = VIETNAMESE) -> Outcome:
        """Ask which procedure; the topic waits in the context for the answer."""
        context = context or Context()
        text, _ = in_language(w, lambda w: w.phrase("clarify"))
        buttons = self.procedure_buttons(intent or TOPIC_INTENT.get(topic, Intent.ASK_OVERVIEW), w)
        return Outcome(Reply(text, Topic.CLARIFY, None, buttons, language=w.marks),
                       context.with_(procedure=None, topic=topic))

    def answer(self, procedure_id: str, topic: Topic, context: Context, also: tuple[Topic, ...] = (),
               w: Wording = VIETNAMESE) -> Outcome:
        record = self.catalog.record(procedure_id) if self.catalog is not None else None
        more = None
        if record is not None:
            text = catalog_answers.answer_text(record, topic, self.commune, also)
            buttons = answers.topic_buttons(procedure_id, skip=(topic, *also))
            listed = Topic.DOCUMENTS in (topic, *also)
            more = catalog_answers.more_start(record) if listed else None
            if more:
                buttons.insert(0, more_button(catalog_answers.MORE_BUTTON, procedure_id, more))
            reply = Reply(text, topic, procedure_id, buttons, source="portal",
                          checklist=catalog_answers.checklist(record) if listed else None)
        else:
            reply = answers.answer(self.kb.procedures[procedure_id], topic, self.commune, also, w)
        return Outcome(reply, context.with_(procedure=procedure_id, topic=topic, more_from=more and str(more)))

    def more_documents(self, turn: Turn) -> Outcome | None:
        """The next papers of a long portal list: the "xem thêm" button (which names the procedure and
        where to start), or the words right after a list that has more."""
        start, pid = turn.entities.get(MORE), turn.procedure
        if not start:
            if not (turn.context.more_from and asks_for_more(turn.text)):
                return None
            start, pid = turn.context.more_from, turn.context.procedure
        record = self.catalog.record(pid) if self.catalog is not None and pid else None
        if record is None or not str(start).isdigit():
            return None
        text, after = catalog_answers.more_documents(record, int(start))
        buttons = [more_button(catalog_answers.MORE_BUTTON, pid, after)] if after else []
        buttons += answers.topic_buttons(pid, skip=Topic.DOCUMENTS)
        reply = Reply(text, Topic.DOCUMENTS, pid, buttons, source="portal")
        return Outcome(reply, turn.context.with_(procedure=pid, topic=Topic.DOCUMENTS,
                                                 more_from=after and str(after)))

    def long_tail(self, turn: Turn, topic: Topic, context: Context) -> Outcome:
        """A procedure the curated KB does not have: the national catalog's answer, a choice of its
        closest records, or an honest "not this one"."""
        found = self.catalog.find(turn.text) if self.catalog is not None else None
        if found is None or found.kind == "none":
            return self.unknown(context, self.wording(turn))
        if found.kind == "kb" and found.kb_id:
            return self.answer(found.kb_id, topic, context, turn.also_asked, self.wording(turn))
        if found.kind == "answer":
            return self.answer(portal_id(found.records[0].code), topic, context, turn.also_asked)
        return self._offer(found, topic, context)

    def _offer(self, found: Found, topic: Topic, context: Context) -> Outcome:
        """Two to four portal procedures to choose from; the topic waits in the context."""
        intent = TOPIC_INTENT.get(topic, Intent.ASK_OVERVIEW)
        titles = catalog_answers.choice_titles([r.name for r in found.records], CHOICE_TITLE)
        buttons = [{"title": title, "payload": payload(intent, portal_id(r.code))}
                   for title, r in zip(titles, found.records, strict=True)]
        text = ("Tôi tìm thấy vài thủ tục gần với câu hỏi trên Cổng Dịch vụ công quốc gia. "
                "Bạn hỏi thủ tục nào? Chọn bên dưới.")
        return Outcome(Reply(text, Topic.CLARIFY, None, buttons, source="portal"),
                       context.with_(procedure=None, topic=topic))

    def wording(self, turn: Turn) -> Wording:
        return self.languages.wording(turn.context.language)

    def respond(self, turn: Turn) -> Outcome:
        """The reply for this turn and the context to keep."""
        intent, context, w = turn.intent, turn.context, self.wording(turn)
        if (more := self.more_documents(turn)) is not None:
            return more
        named = turn.procedure if self._exists(turn.procedure) else None
        if named and self.catalog is not None and not named.startswith(PORTAL) and turn.text:
            found = self.catalog.more_specific(turn.text, named)
            if found is None and turn.procedure_guessed:
                found = self.catalog.named_outright(turn.text)
            if found is not None and found.kind == "choose":
                return self._offer(found, INTENT_TOPIC.get(intent, Topic.OVERVIEW), context)
            named = portal_id(found.records[0].code) if found is not None else named
        known = context.procedure if self._exists(context.procedure) else None
        # The previous procedure carries over only to a message that names nothing else: "mất bao
        # lâu?" asks about it, "làm sổ đỏ ở đâu?" does not.
        other = turn.unknown_object if not named else None
        pid = named or (None if other else known)

        if intent == Intent.ASK_CHECKLIST_IMAGE:
            if not pid and other:  # "gửi ảnh giấy tờ làm sổ đỏ": the portal's papers, on a card too
                outcome = self.long_tail(turn, Topic.DOCUMENTS, context)
            elif not pid:
                return self.clarify(Topic.DOCUMENTS, Intent.ASK_CHECKLIST_IMAGE, context, w)
            else:
                outcome = self.answer(pid, Topic.DOCUMENTS, context, w=w)
            if outcome.reply.topic == Topic.DOCUMENTS and outcome.reply.procedure_id:
                outcome.reply.card = CardLinks.of(outcome.reply.procedure_id)
            return outcome

        if intent in INTENT_TOPIC or intent == Intent.INFORM_PROCEDURE or (
            intent in (None, Intent.NLU_FALLBACK) and named
        ):
            if intent in INTENT_TOPIC:
                topic = INTENT_TOPIC[intent]
            else:  # only a procedure named: keep the topic being discussed
                topic = context.topic if context.topic in ANSWER_TOPICS else Topic.OVERVIEW
            if not pid and other:
                return self.long_tail(turn, topic, context)
            if not pid:
                return self.clarify(topic, context=context, w=w)
            return self.answer(pid, topic, context, turn.also_asked, w)

        if intent in _NOT_A_QUESTION and other:
            # "đăng ký cai nghiện": procedural, but not one we curated
            return self.long_tail(turn, Topic.OVERVIEW, context)
        if intent == Intent.OUT_OF_SCOPE and other:
            # The classifier has no intent for what it never saw and often guesses out of scope: a
            # portal procedure answers it; if none is close, it is out of scope ("thời tiết thế nào").
            outcome = self.long_tail(turn, Topic.OVERVIEW, context)
            if outcome.reply.topic != Topic.UNKNOWN_PROCEDURE:
                return outcome

        # Small talk does not forget what we were talking about.
        return Outcome(self.small_talk(intent, known, w), context.with_(procedure=known))

    def unknown(self, context: Context, w: Wording = VIETNAMESE) -> Outcome:
        """An honest "not this one": never another procedure's answer. The previous procedure is
        forgotten, so the next "mất bao lâu?" is not answered about it either."""
        text, _ = in_language(w, lambda w: w.phrase("unknown", contact=w.contact(self.commune)))
        reply = Reply(text, Topic.UNKNOWN_PROCEDURE, None, self.procedure_buttons(w=w),
                      contact=dict(self.commune.__dict__), language=w.marks)
        return Outcome(reply, context.with_(procedure=None, topic=None))

    def small_talk(self, intent: Intent | None, keep: str | None, w: Wording = VIETNAMESE) -> Reply:
        commune = self.commune
        if intent == Intent.GREET:
            return self._say(w, "greet", Topic.GREET, keep, self.procedure_buttons(w=w))
        if intent == Intent.GOODBYE:
            return self._say(w, "goodbye", Topic.GOODBYE, keep)
        if intent == Intent.THANKS:
            return self._say(w, "thanks", Topic.THANKS, keep)
        if intent == Intent.HELP:
            return self._say(w, "help", Topic.HELP, keep, self.procedure_buttons(w=w))
        if intent == Intent.TALK_TO_HUMAN:
            reply = self._say(w, "human", Topic.HUMAN, keep, contact=lambda w: w.contact(commune))
            reply.contact = dict(commune.__dict__)
            return reply
        if intent in STATUS_INTENTS:
            # Reached only when the status store cannot be used (bot/dialogue/status.py answers otherwise).
            return self._say(w, "status_unavailable", Topic.STATUS, keep, phone=lambda w: commune.phone)
        if intent == Intent.OUT_OF_SCOPE:
            return self._say(w, "out_of_scope", Topic.OUT_OF_SCOPE, keep, self.procedure_buttons(w=w))
        return self._say(w, "fallback", Topic.FALLBACK, keep, self.procedure_buttons(w=w))

    @staticmethod
    def _say(w: Wording, key: str, topic: Topic, keep: str | None, buttons: list[dict[str, str]] | None = None,
             **values: Callable[[Wording], str]) -> Reply:
        """The phrase `key` in this wording (its values worded alike), else in Vietnamese after the line
        saying so."""
        text, _ = in_language(w, lambda w: w.phrase(key, **{name: value(w) for name, value in values.items()}))
        return Reply(text, topic, keep, buttons or [], language=w.marks)


def _label(p: Procedure, w: Wording) -> str:
    """A procedure button's title in this wording, else in Vietnamese (a button has no room to say so)."""
    try:
        return w.procedure(p).button_label
    except Untranslated:
        return p.button_label
