"""Stored events hold no phone, ID number or application code, except the status slots during a session."""

from __future__ import annotations

import asyncio
import copy
import json
import sqlite3
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, EntitiesAdded, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.events import redact_event_dict, redact_text
from bot.privacy.redact import CASE_CODE, ID_NUMBER, NAME, PHONE
from bot.rasa_ext.tracker_store import CachedSQLTrackerStore

PHONE_NUMBER, CCCD, CODE = "0912345678", "012345678901", "H12.22-251103-0042"
MESSAGE = f"tên tôi là Nguyễn Văn An, số tôi {PHONE_NUMBER}, căn cước {CCCD}, mã {CODE}"
SECRETS = (PHONE_NUMBER, CCCD, CODE, "251103", "Nguyễn Văn An")


def _user(text: str = MESSAGE) -> UserUttered:
    return UserUttered(
        text,
        {"name": "check_status", "confidence": 0.9},
        [{"entity": "application_code", "value": CODE, "start": 60, "end": 78, "extractor": "RegexEntityExtractor"},
         {"entity": "procedure", "value": "can_cuoc", "start": 0, "end": 3}],
        input_channel="rest",
        metadata={"input": "voice", "transcript": f"số tôi {PHONE_NUMBER}", "nested": [{"note": CCCD}]},
    )


def _assert_clean(data: object) -> None:
    text = json.dumps(data, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in text, (secret, text)


def test_user_event_text_entities_and_metadata_are_redacted() -> None:
    event = _user()
    original = copy.deepcopy(event.as_dict())
    stored = redact_event_dict(event.as_dict())
    _assert_clean(stored)
    assert stored["text"] == f"tên tôi là {NAME}, số tôi {PHONE}, căn cước {ID_NUMBER}, mã {CASE_CODE}"
    assert stored["parse_data"]["text"] == stored["text"]
    entities = stored["parse_data"]["entities"]
    assert entities[0]["value"] == CASE_CODE and entities[0]["entity"] == "application_code"
    assert entities[1]["value"] == "can_cuoc"  # what the dialogue needs stays
    assert stored["parse_data"]["intent"]["name"] == "check_status"
    assert stored["metadata"]["input"] == "voice" and stored["metadata"]["nested"] == [{"note": ID_NUMBER}]
    assert event.as_dict() == original  # the live event (and the cached tracker) keep what was typed
    # and it reads back into a Rasa event
    assert UserUttered.from_parameters(stored).text == stored["text"]


def test_bot_event_text_and_custom_payload_are_redacted() -> None:
    event = BotUttered(
        f"Hồ sơ {CODE}: đang xử lý.",
        {"custom": {"topic": "status", "procedure_id": "can_cuoc", "application": {"code": CODE, "stage": "dang_xu_ly"},
                    "subscribed": True},
         "buttons": [{"title": f"Báo tôi khi {CODE} đổi", "payload": f"/subscribe{{\"code\": \"{CODE}\"}}"}]},
    )
    stored = redact_event_dict(event.as_dict())
    _assert_clean(stored)
    custom = stored["data"]["custom"]
    assert custom["application"] == {"code": CASE_CODE, "stage": "dang_xu_ly"}
    assert custom["topic"] == "status" and custom["procedure_id"] == "can_cuoc" and custom["subscribed"] is True
    assert event.data["custom"]["application"]["code"] == CODE


def test_codes_only_the_status_dialogue_reads_are_redacted_too() -> None:
    assert redact_text("ma ho so h12 22 251103 0042 den dau roi") == f"ma ho so {CASE_CODE} den dau roi"
    # the application code is replaced even when written in a form redact alone would keep
    custom = {"custom": {"application": {"code": "H12-251103-0042"}}}
    assert redact_event_dict(BotUttered("ok", custom).as_dict())["data"]["custom"]["application"]["code"] == CASE_CODE


def test_status_slots_are_kept_other_slots_redacted() -> None:
    assert redact_event_dict(SlotSet("status_code", CODE).as_dict())["value"] == CODE
    assert redact_event_dict(SlotSet("status_verified", CODE).as_dict())["value"] == CODE
    assert redact_event_dict(SlotSet("procedure", "can_cuoc").as_dict())["value"] == "can_cuoc"
    stored = redact_event_dict(SlotSet("session_started_metadata", {"phone": PHONE_NUMBER}).as_dict())
    assert stored["value"] == {"phone": PHONE}
    added = redact_event_dict(EntitiesAdded([{"entity": "x", "value": CCCD}]).as_dict())
    assert added["entities"][0]["value"] == ID_NUMBER


def test_events_without_personal_data_are_unchanged() -> None:
    for event in (ActionExecuted("action_listen"), SessionStarted(), UserUttered("làm căn cước cần gì"),
                  BotUttered("Bạn cần tờ khai.", {"custom": {"topic": "papers"}}), SlotSet("topic", "fee")):
        assert redact_event_dict(event.as_dict()) == event.as_dict()


def test_saved_tracker_leaves_no_personal_data_in_the_events_table(root: Path, tmp_path: Path) -> None:
    async def scenario() -> None:
        db = tmp_path / "trackers.db"
        domain = Domain.load(str(root / "domain.yml"))
        store = CachedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db), host=None)
        tracker = DialogueStateTracker("u1", domain.slots)
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(_user())
        tracker.update(SlotSet("status_code", CODE))
        tracker.update(BotUttered(f"Mã hồ sơ: {CODE}.\nBạn gõ 4 số cuối.", {"custom": {"topic": "status"}}))
        await store.save(tracker)
        cached = await store.retrieve("u1")  # this process keeps the tracker as it was
        assert cached.latest_message.text == MESSAGE
        cached.update(UserUttered("5678"))
        cached.update(SlotSet("status_verified", CODE))
        cached.update(BotUttered(f"Hồ sơ {CODE} – đang xử lý", {"custom": {"application": {"code": CODE}}}))
        await store.save(cached)

        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT type_name, action_name, data FROM events ORDER BY id").fetchall()
        for type_name, name, data in rows:
            if type_name == "slot" and name in ("status_code", "status_verified"):
                assert json.loads(data)["value"] == CODE  # kept for the session; `caunoi purge` blanks it
                continue
            readable = json.dumps(json.loads(data), ensure_ascii=False)  # the raw text escapes non-ASCII
            for secret in SECRETS:
                assert secret not in data and secret not in readable, (secret, readable)
        assert any(PHONE in json.loads(data).get("text", "") for _, _, data in rows)

        # another process (a replica, a restart) reads the conversation back, status slots intact
        restarted = await CachedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db), host=None).retrieve("u1")
        assert restarted.get_slot("status_code") == CODE and restarted.get_slot("status_verified") == CODE
        assert CCCD not in restarted.events[1].text

    asyncio.run(scenario())
