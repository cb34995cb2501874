"""Decide the answer for one user turn from the intent, the procedure named and the context.

Pure function of its inputs (no Rasa, no transport), so it is tested directly and reused by any
front end. The context is the procedure and topic of the previous answer: "mất bao lâu?" keeps
the procedure, "thế còn kết hôn?" keeps the topic.
"""

from __future__ import annotations

from bot.dialogue import answers
from bot.dialogue.reply import ANSWER_TOPICS, Reply, payload
from bot.kb import KnowledgeBase
from bot.settings import Commune

INTENT_TOPIC = {
    "ask_overview": "overview",
    "ask_documents": "documents",
    "ask_fee": "fee",
    "ask_time": "time",
    "ask_where": "where",
    "ask_steps": "steps",
    "ask_online": "online",
}
TOPIC_INTENT = {topic: intent for intent, topic in INTENT_TOPIC.items()}
# "gửi danh sách giấy tờ dạng ảnh": the documents answer plus the printable card (bot/cards).
CARD_INTENT = "ask_checklist_image"
CARD_URL = "/webhooks/cards/{procedure_id}.{fmt}"
FALLBACK_INTENTS = ("nlu_fallback", None, "")

WHAT_I_DO = (
    "Tôi là Cầu Nối. Tôi hướng dẫn thủ tục hành chính ở xã: giấy tờ cần mang, lệ phí, "
    "mất bao lâu, nộp ở đâu, làm online trên VNeID. Bạn có thể gõ hoặc nói, có dấu hay không dấu đều được."
)


def _procedure_buttons(kb: KnowledgeBase, ids: tuple[str, ...], intent: str) -> list[dict[str, str]]:
    chosen = [pid for pid in ids if kb.get(pid)] or kb.ids[:6]
    return [
        {"title": kb.procedures[pid].name, "payload": payload(intent, pid)} for pid in chosen
    ]


def card_links(procedure_id: str) -> dict[str, str]:
    """Where the running server serves this procedure's checklist card (relative to its address)."""
    return {"procedure_id": procedure_id, "png": CARD_URL.format(procedure_id=procedure_id, fmt="png"),
            "pdf": CARD_URL.format(procedure_id=procedure_id, fmt="pdf")}


def clarify(kb: KnowledgeBase, top: tuple[str, ...], topic: str, intent: str | None = None) -> Reply:
    intent = intent or TOPIC_INTENT.get(topic, "ask_overview")
    text = "Bạn hỏi về thủ tục nào? Chọn một thủ tục bên dưới, hoặc gõ tên thủ tục (ví dụ: khai sinh, căn cước)."
    return Reply(text, "clarify", None, _procedure_buttons(kb, top, intent), {"pending_topic": topic})


def respond(
    kb: KnowledgeBase,
    commune: Commune,
    top_procedures: tuple[str, ...],
    intent: str | None,
    procedure_id: str | None,
    context_procedure: str | None = None,
    context_topic: str | None = None,
) -> Reply:
    """The reply for this turn; `reply.procedure_id`/`reply.topic` become the next context."""
    if procedure_id and not kb.get(procedure_id):
        procedure_id = None
    if context_procedure and not kb.get(context_procedure):
        context_procedure = None

    if intent == CARD_INTENT:
        pid = procedure_id or context_procedure
        if not pid:
            return clarify(kb, top_procedures, "documents", CARD_INTENT)
        reply = answers.answer(kb.procedures[pid], "documents", commune)
        reply.extra["checklist_card"] = card_links(pid)
        return reply

    if intent in INTENT_TOPIC or intent == "inform_procedure" or (
        intent in FALLBACK_INTENTS and procedure_id
    ):
        if intent in INTENT_TOPIC:
            topic = INTENT_TOPIC[intent]
        else:  # only a procedure named: keep the topic being discussed
            topic = context_topic if context_topic in ANSWER_TOPICS else "overview"
        pid = procedure_id or context_procedure
        if not pid:
            return clarify(kb, top_procedures, topic)
        return answers.answer(kb.procedures[pid], topic, commune)

    keep = context_procedure  # small talk does not forget what we were talking about
    if intent == "greet":
        text = "Xin chào! Tôi là Cầu Nối, giúp bạn làm giấy tờ ở xã. Bạn cần làm thủ tục gì?"
        return Reply(text, "greet", keep, _procedure_buttons(kb, top_procedures, "ask_overview"))
    if intent == "goodbye":
        return Reply("Chào bạn. Khi cần, cứ nhắn hoặc nói với tôi nhé.", "goodbye", keep)
    if intent == "thanks":
        return Reply("Không có gì. Bạn cần hỏi thêm gì cứ nhắn nhé.", "thanks", keep)
    if intent == "help":
        text = WHAT_I_DO + "\nVí dụ: “làm giấy khai sinh cần gì”, “làm căn cước mất bao lâu”."
        return Reply(text, "help", keep, _procedure_buttons(kb, top_procedures, "ask_overview"))
    if intent == "talk_to_human":
        text = "Bạn có thể gặp hoặc gọi cán bộ:\n" + commune.contact_line()
        return Reply(text, "human", keep, extra={"contact": commune.__dict__})
    if intent in ("check_status", "subscribe_status", "status_changed"):
        # Reached only when the status store cannot be used (bot/dialogue/status.py answers otherwise).
        text = (
            "Bây giờ tôi chưa tra được hồ sơ. Bạn xem trên VNeID hoặc Cổng Dịch vụ công (mục Tra cứu hồ sơ) "
            f"bằng mã hồ sơ trên giấy hẹn, hoặc gọi xã: {commune.phone}."
        )
        return Reply(text, "status", keep)
    if intent == "out_of_scope":
        text = "Xin lỗi, việc này tôi không giúp được. " + WHAT_I_DO
        return Reply(text, "out_of_scope", keep, _procedure_buttons(kb, top_procedures, "ask_overview"))
    text = (
        "Xin lỗi, tôi chưa hiểu. Bạn hỏi lại ngắn gọn, ví dụ: “làm giấy khai sinh cần gì”, "
        "hoặc chọn một thủ tục bên dưới."
    )
    return Reply(text, "fallback", keep, _procedure_buttons(kb, top_procedures, "ask_overview"))
