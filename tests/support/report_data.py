"""A real tracker database for the report tests: Rasa trackers saved through the project's store.

Conversations (Vietnam local times, Asia/Ho_Chi_Minh):
- telegram:1, 2025-11-03: khai sinh documents, time; a spoken out-of-scope question (the reply
  still carries procedure_id khai_sinh, which must not count as asked).
- zalo:2, 2025-11-04 23:59:59 an out-of-scope question answered after midnight; 2025-11-05 06:00
  (2025-11-04 23:00 UTC) a fallback with a phone number; a question the assistant asked back about.
- rest-3, 2025-11-10: ket_hon fee, the same fallback with another phone, a fallback with a name and
  an application code, then a message with no stored reply; an engine-triggered (external) status
  notice that is nobody's message.
- kiosk-4, 2025-10-31: tam_tru where, spoken.

PORTAL_TURNS, a second database: answers from the national catalog ("portal:<code>", source portal)
beside a curated one, the catalog's "nothing close" and a choice of portal procedures offered.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.tracker_store import CachedSQLTrackerStore
from bot.report.collect import LOCAL_TZ

# (sender, channel, local time, text, intent, voice, replies as (topic, procedure_id[, source]))
TURNS = [
    ("telegram:1", "telegram", (2025, 11, 3, 9, 0, 0), "làm giấy khai sinh cần gì", "ask_documents", False,
     [("documents", "khai_sinh")]),
    ("telegram:1", "telegram", (2025, 11, 3, 9, 1, 0), "mất bao lâu", "ask_time", False, [("time", "khai_sinh")]),
    ("telegram:1", "telegram", (2025, 11, 3, 9, 2, 0), "thời tiết hôm nay thế nào", "out_of_scope", True,
     [("out_of_scope", "khai_sinh")]),
    ("zalo:2", "zalo", (2025, 11, 4, 23, 59, 59), "Thời tiết  hôm nay thế nào?", "out_of_scope", False,
     [("out_of_scope", None)]),
    ("zalo:2", "zalo", (2025, 11, 5, 6, 0, 0), "gọi lại cho tôi 0912 345 678 nhé", "nlu_fallback", False,
     [("fallback", None)]),
    ("zalo:2", "zalo", (2025, 11, 5, 6, 1, 0), "cần mang gì", "ask_documents", False, [("clarify", None)]),
    ("rest-3", "rest", (2025, 11, 10, 14, 0, 0), "lệ phí kết hôn", "ask_fee", False, [("fee", "ket_hon")]),
    ("rest-3", "rest", (2025, 11, 10, 14, 1, 0), "Gọi lại cho tôi 0987654321 nhé", "nlu_fallback", False,
     [("fallback", "ket_hon")]),
    ("rest-3", "rest", (2025, 11, 10, 14, 2, 0),
     "tên tôi là Nguyễn Văn An, hồ sơ H12.22-251103-0042 sao chưa xong", "nlu_fallback", False,
     [("fallback", "ket_hon")]),
    ("rest-3", "rest", (2025, 11, 10, 14, 3, 0), "alo", "greet", False, []),
    ("kiosk-4", "kiosk", (2025, 10, 31, 8, 0, 0), "đăng ký tạm trú ở đâu", "ask_where", True,
     [("where", "tam_tru")]),
]
PORTAL_TURNS = [
    # Tách hộ (1.010038), three turns; the first has two replies about it and still counts once.
    ("telegram:10", "telegram", (2026, 7, 1, 9, 0, 0), "tách hộ cần giấy tờ gì", "ask_documents", False,
     [("documents", "portal:1.010038", "portal"), ("documents", "portal:1.010038", "portal")]),
    ("telegram:10", "telegram", (2026, 7, 1, 9, 1, 0), "mất bao lâu", "ask_time", False,
     [("time", "portal:1.010038", "portal")]),
    ("zalo:11", "zalo", (2026, 7, 2, 10, 0, 0), "tách hộ khẩu hết bao nhiêu tiền", "ask_fee", False,
     [("fee", "portal:1.010038", "portal")]),
    ("zalo:11", "zalo", (2026, 7, 2, 10, 1, 0), "khai báo tạm vắng ở đâu", "ask_where", False,
     [("where", "portal:1.003677", "portal")]),
    ("rest-12", "rest", (2026, 7, 3, 8, 0, 0), "đăng ký giám hộ cho cháu", "ask_overview", False,
     [("overview", "portal:1.004837", "portal")]),
    # a code the catalog no longer has: listed by its code
    ("rest-12", "rest", (2026, 7, 3, 8, 1, 0), "thủ tục gì đó", "ask_overview", False,
     [("overview", "portal:9.999999", "portal")]),
    # answered from the portal before khai_sinh covered its code (1.004884 is a related code now)
    ("rest-12", "rest", (2026, 7, 3, 8, 2, 0), "đăng ký lại khai sinh", "ask_overview", False,
     [("overview", "portal:1.004884", "portal")]),
    # the catalog has nothing close; then a choice of close portal procedures is offered
    ("rest-12", "rest", (2026, 7, 3, 8, 3, 0), "xin học bổng cho con", "ask_overview", False,
     [("unknown_procedure", None)]),
    ("rest-12", "rest", (2026, 7, 3, 8, 4, 0), "làm giấy tờ đất", "ask_overview", False,
     [("clarify", None, "portal")]),
    ("kiosk-13", "kiosk", (2026, 7, 4, 8, 0, 0), "làm giấy khai sinh cần gì", "ask_documents", True,
     [("documents", "khai_sinh", "kb")]),
]
# Answered after midnight: the turn of 2025-11-04 23:59:59 gets its reply at 00:00:00.5 next day.
LATE_REPLY_SECONDS = 1.5
PERSONAL_DATA = ("0912 345 678", "0912345678", "0987654321", "Nguyễn", "H12.22-251103-0042")


def local(*parts: int) -> float:
    return datetime(*parts, tzinfo=LOCAL_TZ).timestamp()


def _user(text: str, intent: str, ts: float, channel: str, voice: bool) -> UserUttered:
    return UserUttered(
        text, intent={"name": intent, "confidence": 0.9}, entities=[], timestamp=ts, input_channel=channel,
        metadata={"input": "voice"} if voice else {"model_id": "test"},
    )


def trackers(domain: Domain, turns: list[tuple] = TURNS) -> list[DialogueStateTracker]:
    by_sender: dict[str, DialogueStateTracker] = {}
    for sender, channel, when, text, intent, voice, replies in turns:
        ts = local(*when)
        tracker = by_sender.get(sender)
        if tracker is None:
            tracker = by_sender[sender] = DialogueStateTracker(sender, domain.slots)
            tracker.update(ActionExecuted("action_session_start", timestamp=ts - 1))
            tracker.update(SessionStarted(timestamp=ts - 1))
            tracker.update(ActionExecuted("action_listen", timestamp=ts - 1))
        tracker.update(_user(text, intent, ts, channel, voice))
        tracker.update(ActionExecuted("action_answer", timestamp=ts + 0.1))
        reply_ts = ts + (LATE_REPLY_SECONDS if when[3:] == (23, 59, 59) else 0.2)
        for topic, procedure_id, *source in replies:
            custom = {"procedure_id": procedure_id, "topic": topic, **({"source": source[0]} if source else {})}
            tracker.update(BotUttered("…", data={"custom": custom}, timestamp=reply_ts))
        tracker.update(ActionExecuted("action_listen", timestamp=ts + 0.3))
    if "rest-3" not in by_sender:  # PORTAL_TURNS: no status notice
        return list(by_sender.values())
    # A status notice the engine triggered (Rasa stores it as an external user event): not a person.
    notice_ts = local(2025, 11, 10, 15, 0, 0)
    external = UserUttered.create_external("status_changed", input_channel="rest")
    external.timestamp = notice_ts
    by_sender["rest-3"].update(external)
    by_sender["rest-3"].update(BotUttered("Hồ sơ đã xong", data={"custom": {"procedure_id": None, "topic": "status"}},
                                          timestamp=notice_ts + 0.1))
    return list(by_sender.values())


def build_tracker_db(root: Path, db: Path, turns: list[tuple] = TURNS) -> Path:
    """Save the conversations above (TURNS, or PORTAL_TURNS) to a new SQLite file through CachedSQLTrackerStore."""
    domain = Domain.load(str(root / "domain.yml"))

    async def save_all() -> None:
        store = CachedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db), host=None)
        for tracker in trackers(domain, turns):
            await store.save(tracker)
        store.engine.dispose()

    asyncio.run(save_all())
    return db
