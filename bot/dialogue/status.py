"""The application-status conversation: code → last 4 phone digits → stage, due date and next step.

Only a sender who gives both the code and the last 4 digits of the phone number on the file sees
anything; a wrong pair and an unknown code get the same answer, and failed attempts are limited per
sender and per code, so nobody can walk through other people's files. The applicant's name is
never shown.

State lives in the turn's Context (bot/dialogue/turn.py): `status_step` ("code" or "phone": what we
asked for), `status_code`, `status_verified` (the code this sender proved in this session) and
`status_then` ("subscribe": the sender asked for notices before proving the code).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from bot.dialogue.intents import LEAVING_STATUS, Intent, Topic
from bot.dialogue.reply import Reply, payload
from bot.dialogue.turn import Turn
from bot.nlu.normalize import normalize_folded
from bot.settings import Commune
from bot.status.codes import find_codes
from bot.status.phone import phone_digits
from bot.status.stages import FINAL_STAGES, STAGES

if TYPE_CHECKING:
    from bot.status.store import StatusStore

# Where a notice can reach the sender later (the engine's proactive output).
NOTIFY_CHANNELS = ("telegram", "zalo")
WINDOW = timedelta(hours=1)
MAX_SENDER_FAILURES = 5  # per sender per hour: a person mistyping a few times still gets through
MAX_CODE_FAILURES = 10  # per code per hour, from any sender: stops guessing with many sender ids
CANCEL_WORDS = {"thoi", "huy", "dung", "thoi khong can", "khong can", "bo qua", "thoi khong"}
SUBSCRIBE_BUTTON = {"title": "🔔 Báo tôi khi có kết quả", "payload": payload(Intent.SUBSCRIBE_STATUS)}
CLEARED = {"status_step": None, "status_code": None, "status_then": None}

# Spoken digits ("năm sáu bảy tám") as speech recognition writes them, folded (no diacritics).
DIGIT_WORDS = {
    "khong": "0", "linh": "0", "mot": "1", "hai": "2", "ba": "3", "bon": "4", "tu": "4", "nam": "5",
    "lam": "5", "sau": "6", "bay": "7", "tam": "8", "chin": "9",
}
FOUR_DIGITS = re.compile(r"(?<!\d)(\d{4})(?!\d)")
DIGIT_RUN = re.compile(r"\+?\d[\d .\-]{6,16}\d")


@dataclass(frozen=True)
class StatusTurn:
    reply: Reply | None  # None: not answered here, the normal answer follows
    slots: dict[str, Any]  # Context fields to change


def last_four(text: str) -> str | None:
    """The last 4 phone digits in a reply: "5678", "5 6 7 8", "năm sáu bảy tám", or a whole number."""
    folded = normalize_folded(text)
    spoken = " ".join(DIGIT_WORDS.get(word, word) for word in folded.split())
    for candidate in (text, spoken):
        for run in DIGIT_RUN.findall(candidate):
            digits = phone_digits(run)
            if digits:
                return digits[-4:]
        joined = re.sub(r"(?<=\d)[ .\-](?=\d)", "", candidate)
        found = FOUR_DIGITS.findall(joined)
        if len(found) == 1:
            return found[0]
    return None


def _day(value: date | None) -> str | None:
    return value.strftime("%d/%m/%Y") if value else None


def _application(app: Any) -> dict[str, Any]:
    return {"code": app.code, "stage": app.stage, "due": app.due.isoformat() if app.due else None}


def describe(app: Any, names: dict[str, str], stage_id: str | None = None, note: str | None = None) -> str:
    stage = STAGES[stage_id or app.stage]
    name = names.get(app.procedure_id)
    lines = [f"Hồ sơ {app.code}" + (f" – {name}" if name else "")]
    lines.append(f"Tình trạng: {stage.label}. {stage.explanation}")
    if app.due and stage.id not in FINAL_STAGES:
        lines.append(f"Ngày hẹn trả: {_day(app.due)}.")
    note = note if stage_id else app.note
    if note:
        lines.append(f"Ghi chú của xã: {note}")
    lines.append(f"👉 {stage.next_step}")
    return "\n".join(lines)


class StatusDialogue:
    def __init__(self, store: StatusStore, commune: Commune, procedure_names: Mapping[str, str] | None = None,
                 now: datetime | None = None) -> None:
        self.store = store
        self.commune = commune
        self.names = dict(procedure_names or {})  # procedure id → name, for "Hồ sơ … – Đăng ký khai sinh"
        self.now = now or datetime.now(timezone.utc)

    def turn(self, ctx: Turn) -> StatusTurn | None:
        """This turn's status answer, or None when the turn is not about an application."""
        if ctx.intent == Intent.STATUS_CHANGED:
            return self._notice(ctx)
        codes = find_codes(ctx.text)
        if ctx.intent == Intent.SUBSCRIBE_STATUS:
            return self._subscribe(ctx, codes)
        if ctx.intent == Intent.CHECK_STATUS or (codes and ctx.context.status_step is None):
            return self._start(ctx, codes)
        if ctx.context.status_step is None:
            return None
        if normalize_folded(ctx.text).strip(" .!") in CANCEL_WORDS:
            return StatusTurn(Reply("Vâng. Bạn cần hỏi gì khác cứ nhắn nhé.", Topic.STATUS), CLEARED)
        if codes:  # a (new) code at any step: start again from it
            return self._ask_digits(ctx, codes[0])
        if ctx.context.status_step == "phone":
            digits = last_four(ctx.text)
            if digits and ctx.context.status_code:
                return self._check(ctx, ctx.context.status_code, digits)
        if ctx.intent in LEAVING_STATUS:
            return StatusTurn(None, CLEARED)
        return self._ask_again(ctx)

    # -- asking -----------------------------------------------------------------------------------

    def _start(self, ctx: Turn, codes: list[str]) -> StatusTurn:
        if codes:
            return self._ask_digits(ctx, codes[0])
        text = (
            "Bạn cho tôi mã hồ sơ. Mã in trên giấy hẹn trả kết quả, ví dụ: H12.22-251103-0042.\n"
            "Bạn gõ hoặc đọc mã đó."
        )
        return StatusTurn(Reply(text, Topic.STATUS, expects="application_code"),
                          {"status_step": "code", "status_code": None})

    def _ask_digits(self, ctx: Turn, code: str) -> StatusTurn:
        text = f"Mã hồ sơ: {code}.\nĐể giữ bí mật, bạn gõ 4 số cuối của số điện thoại ghi trong hồ sơ."
        return StatusTurn(Reply(text, Topic.STATUS, expects="phone_last4"),
                          {"status_step": "phone", "status_code": code})

    def _ask_again(self, ctx: Turn) -> StatusTurn:
        if ctx.context.status_step == "phone":
            text = "Tôi cần 4 số cuối của số điện thoại ghi trong hồ sơ, ví dụ: 5678. Gõ “thôi” để hỏi việc khác."
            expects = "phone_last4"
        else:
            text = ("Tôi chưa thấy mã hồ sơ. Mã có dạng H12.22-251103-0042, in trên giấy hẹn. "
                    "Gõ “thôi” để hỏi việc khác.")
            expects = "application_code"
        return StatusTurn(Reply(text, Topic.STATUS, expects=expects), {})

    # -- checking ---------------------------------------------------------------------------------

    def _locked(self, sender: str, code: str) -> bool:
        since = self.now - WINDOW
        return (self.store.failures_since(sender, since) >= MAX_SENDER_FAILURES
                or self.store.failures_since(_code_key(code), since) >= MAX_CODE_FAILURES)

    def _check(self, ctx: Turn, code: str, digits: str) -> StatusTurn:
        if self._locked(ctx.sender, code):
            text = ("Bạn đã nhập sai nhiều lần. Để bảo vệ hồ sơ, bạn chờ 1 giờ rồi thử lại, "
                    f"hoặc hỏi trực tiếp cán bộ xã: {self.commune.phone}.")
            return StatusTurn(Reply(text, Topic.STATUS), CLEARED)
        app = self.store.verify(code, digits)
        if app is None:
            self.store.add_failure(ctx.sender, self.now)
            self.store.add_failure(_code_key(code), self.now)
            text = ("Không tìm thấy hồ sơ, hoặc số điện thoại không khớp.\n"
                    "Bạn xem lại mã trên giấy hẹn rồi gõ lại mã, hoặc gọi xã: " + self.commune.phone + ".")
            return StatusTurn(Reply(text, Topic.STATUS, expects="application_code"),
                              {"status_step": "code", "status_code": None})
        self.store.clear_failures(ctx.sender)
        slots = {**CLEARED, "status_verified": app.code, "procedure": app.procedure_id}
        if ctx.context.status_then == "subscribe":
            done = self._subscribe_verified(ctx, app)
            return StatusTurn(self._status_reply(ctx, app, extra_text=done.text, offer=False), slots)
        return StatusTurn(self._status_reply(ctx, app), slots)

    def _status_reply(self, ctx: Turn, app: Any, extra_text: str | None = None,
                      offer: bool = True) -> Reply:
        text = describe(app, self.names)
        if extra_text:
            text += "\n" + extra_text
        buttons = []
        if (offer and ctx.channel in NOTIFY_CHANNELS and app.stage not in FINAL_STAGES
                and app.code not in self.store.subscriptions_for(ctx.sender)):
            buttons.append(SUBSCRIBE_BUTTON)
        return Reply(text, Topic.STATUS, app.procedure_id, buttons, application=_application(app))

    # -- notices ----------------------------------------------------------------------------------

    def _subscribe(self, ctx: Turn, codes: list[str]) -> StatusTurn:
        if ctx.channel not in NOTIFY_CHANNELS:
            text = ("Ở đây tôi chưa gửi tin báo được. Bạn nhắn cho Cầu Nối qua Zalo hoặc Telegram, tra cứu hồ sơ "
                    f"rồi bấm “Báo tôi khi có kết quả”. Hoặc gọi xã: {self.commune.phone}.")
            return StatusTurn(Reply(text, Topic.STATUS), {})
        code = codes[0] if codes else ctx.context.status_verified
        if code and code == ctx.context.status_verified:
            app = self.store.get(code)
            if app is not None:
                done = self._subscribe_verified(ctx, app)
                return StatusTurn(done, {})
        started = self._start(ctx, [code] if code else [])
        return StatusTurn(started.reply, {**started.slots, "status_then": "subscribe"})

    def _subscribe_verified(self, ctx: Turn, app: Any) -> Reply:
        if app.stage in FINAL_STAGES:
            text = "Hồ sơ này đã xong, không còn gì để báo thêm."
            return Reply(text, Topic.STATUS, app.procedure_id, application=_application(app), subscribed=False)
        if self.store.subscribe(app.code, ctx.channel or "", ctx.sender):
            text = f"🔔 Được. Khi hồ sơ {app.code} có thay đổi, tôi sẽ nhắn bạn ở đây."
        else:
            text = f"Bạn đã đăng ký rồi. Khi hồ sơ {app.code} có thay đổi, tôi sẽ nhắn bạn ở đây."
        return Reply(text, Topic.STATUS, app.procedure_id, application=_application(app), subscribed=True)

    def _notice(self, ctx: Turn) -> StatusTurn | None:
        code = ctx.entities.get("application_code")
        app = self.store.get(code) if code else None
        if app is None:
            return None
        stage = ctx.entities.get("stage") if ctx.entities.get("stage") in STAGES else None
        text = "🔔 Hồ sơ của bạn có thay đổi.\n" + describe(app, self.names, stage, ctx.entities.get("note"))
        application = {**_application(app), "stage": stage or app.stage}
        return StatusTurn(Reply(text, Topic.STATUS, app.procedure_id, application=application, notice=True), {})


def _code_key(code: str) -> str:
    return "code:" + code


def entity_values(entities: Iterable[dict[str, Any]]) -> dict[str, str]:
    """One value per entity name: the first, which the NLU ranks best ("sửa tên trong giấy khai sinh"
    names cai_chinh_ho_tich before khai_sinh)."""
    values: dict[str, str] = {}
    for e in entities:
        if e.get("entity") and e.get("value") is not None:
            values.setdefault(str(e["entity"]), str(e["value"]))
    return values
