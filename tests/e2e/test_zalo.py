"""The Zalo channel end to end: signed webhook events into the real `caunoi run` (trained model, action
server), answers out to the Zalo stand-in. One stand-in and one assistant serve the whole module; the
token test at the end restarts the assistant on the same data folder.

Answers are checked against facts read from the knowledge base, never against whole hard-coded answers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels import notices
from bot.channels.config import ZaloConfig
from bot.channels.inbox import Inbox
from bot.channels.zalo.channel import ZaloInput
from bot.channels.zalo.sender import MORE_BUTTONS
from bot.kb import Procedure
from bot.kb.shared import knowledge_base
from bot.settings import load_settings
from tests.support.assistant import RunningAssistant, start_assistant
from tests.support.standins.zalo_api import (
    MESSAGE_PATH,
    REFRESH_PATH,
    ZaloAPI,
    event_body,
    post_event,
    sign_event,
    zalo_event,
)
from voice.errors import AudioUnreadable

APP_ID = "4211839406358273371"
OA_SECRET = "oa-secret-e2e-Qx7Rk2"
APP_SECRET = "app-secret-e2e-Lm3Pz8"
AT0 = "AT-env-original-e2e-0001"
RT0 = "RT-env-original-e2e-0001"
WAIT = 30.0

Message = dict[str, Any]


class Deployment:
    """The running assistant (replaced on restart) and everything it printed."""

    def __init__(self, zalo: ZaloAPI, data_dir: Path) -> None:
        self.zalo = zalo
        self.data_dir = data_dir
        self.env = {
            "ZALO_APP_ID": APP_ID, "ZALO_OA_SECRET_KEY": OA_SECRET, "ZALO_APP_SECRET": APP_SECRET,
            "ZALO_ACCESS_TOKEN": AT0, "ZALO_REFRESH_TOKEN": RT0,
            "ZALO_OPENAPI_URL": zalo.url, "ZALO_OAUTH_URL": zalo.url, "TELEGRAM_BOT_TOKEN": "",
        }
        self.logs: list[RunningAssistant] = []
        self.assistant: RunningAssistant | None = None
        self.start()

    def start(self) -> None:
        self.assistant = start_assistant(self.data_dir, self.env)
        self.logs.append(self.assistant)

    def output(self) -> str:
        return "".join(running.output() for running in self.logs)

    def stop(self) -> None:
        if self.assistant is not None:
            self.assistant.stop()
            self.assistant = None

    @property
    def base(self) -> str:
        assert self.assistant is not None
        return f"http://127.0.0.1:{self.assistant.port}/webhooks/zalo"

    def post(self, event: dict[str, Any], *, sign_app_id: str = APP_ID, key: str = OA_SECRET) -> int:
        body = event_body(event)
        status, _ = post_event(self.base + "/webhook", body, sign_event(body, sign_app_id, event["timestamp"], key))
        return status

    def post_raw(self, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
        return httpx.post(self.base + "/webhook", content=body, timeout=WAIT,
                          headers=headers or {"Content-Type": "application/json"})


@pytest.fixture(scope="module")
def zalo() -> Iterator[ZaloAPI]:
    with ZaloAPI(APP_ID, APP_SECRET, AT0, RT0) as server:
        yield server  # type: ignore[misc]


@pytest.fixture(scope="module")
def deployment(trained_model: Path, zalo: ZaloAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    running = Deployment(zalo, tmp_path_factory.mktemp("zalo-data"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def kb_procedure() -> Callable[[str], Procedure]:
    kb = knowledge_base()
    return lambda procedure_id: kb.procedures[procedure_id]


def new_user() -> str:
    return str(secrets.randbelow(10**17) + 10**17)


def text_event(user: str, text: str, **kwargs: Any) -> dict[str, Any]:
    return zalo_event("user_send_text", user, app_id=APP_ID, text=text, **kwargs)


def buttons(message: Message) -> list[tuple[str, str]]:
    attachment = message.get("attachment")
    return [(b["title"], b["payload"]) for b in attachment["payload"]["buttons"]] if attachment else []


def wait_sent(zalo: ZaloAPI, user: str, done: Callable[[list[Message]], bool], timeout: float = WAIT) -> list[Message]:
    """Poll what the stand-in accepted for `user` until `done` holds."""
    return zalo.wait_sent(user, done, timeout)


def ask(deployment: Deployment, user: str, text: str, until: str | None = None) -> str:
    """Send a text as `user`; the new answer's text once its last message (the one with buttons) is in.

    `until`: a fragment the answer must contain (for answers whose buttons span two messages)."""
    before = len(deployment.zalo.sent_messages(user))
    assert deployment.post(text_event(user, text)) == 200

    def complete(sent: list[Message]) -> bool:
        new = sent[before:]
        return bool(new) and bool(buttons(new[-1])) and (until is None or any(until in (m["text"] or "") for m in new))

    return "\n".join(m["text"] for m in wait_sent(deployment.zalo, user, complete)[before:] if m["text"])


def first_sentence(text: str) -> str:
    return " ".join(text.split()).split(". ")[0]


# -- conversations --------------------------------------------------------------------------------------


def test_multi_turn_conversation_answers_from_the_knowledge_base(
    deployment: Deployment, kb_procedure: Callable[[str], Procedure]
) -> None:
    khai_sinh = kb_procedure("khai_sinh")
    user = new_user()
    answer = ask(deployment, user, "lam giay khai sinh can gi")
    assert khai_sinh.documents[0].name in answer and khai_sinh.short_name in answer
    # The follow-up names no procedure: the conversation remembers it.
    answer = ask(deployment, user, "mất bao lâu?")
    assert first_sentence(khai_sinh.processing_time.text) in " ".join(answer.split())
    assert khai_sinh.documents[0].name not in answer
    last = deployment.zalo.sent_messages(user)[-1]
    assert buttons(last) and all("khai_sinh" in payload for _, payload in buttons(last))


def test_the_checklist_card_is_uploaded_and_sent_as_a_picture(deployment: Deployment) -> None:
    user = new_user()
    assert deployment.post(text_event(user, "gửi ảnh danh sách giấy tờ làm khai sinh")) == 200
    wait_sent(deployment.zalo, user, lambda sent: any(m.get("image") for m in sent), timeout=90)
    [png] = deployment.zalo.images(user)
    assert png.startswith(b"\x89PNG") and len(png) <= 1_000_000
    assert any("Tờ khai đăng ký khai sinh" in (m["text"] or "") for m in deployment.zalo.sent_messages(user))


def test_follow_greets_with_procedure_buttons_and_a_tap_answers(
    deployment: Deployment, kb_procedure: Callable[[str], Procedure]
) -> None:
    user = new_user()
    assert deployment.post(zalo_event("follow", user, app_id=APP_ID)) == 200
    greeting = wait_sent(deployment.zalo, user, lambda sent: any(m["text"] == MORE_BUTTONS for m in sent))
    top = load_settings().top_procedures
    offered = [b for m in greeting for b in buttons(m)]
    assert greeting[0]["text"].strip() and len(buttons(greeting[0])) == 5  # Zalo's maximum, the rest follow
    assert [json.loads(payload[payload.index("{"):])["procedure"] for _, payload in offered] == list(top)
    assert [title for title, _ in offered] == [kb_procedure(pid).button_label for pid in top]  # short labels
    # Tap the button that came in the follow-up message: its payload comes back as the user's text.
    title, payload = buttons(greeting[-1])[-1]
    procedure = kb_procedure(top[-1])
    answer = ask(deployment, user, payload)
    assert procedure.name in answer and first_sentence(procedure.summary) in " ".join(answer.split())


def test_a_second_user_never_gets_the_first_users_answers(deployment: Deployment) -> None:
    first, second = new_user(), new_user()
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda args: ask(deployment, *args), [
            (first, "lam giay khai sinh can gi", None),
            (second, "có mất tiền không", MORE_BUTTONS),  # no procedure in this conversation: which one?
        ]))
    assert "khai sinh" in answers[0]
    assert "Lệ phí" not in answers[1] and "Giấy tờ" not in answers[1]
    first_texts = set(deployment.zalo.texts(first))
    assert not first_texts & set(deployment.zalo.texts(second))
    # Each conversation keeps its own context.
    assert "khai sinh" in ask(deployment, first, "mất bao lâu?")
    assert "Thời gian" not in ask(deployment, second, "mất bao lâu?", until=MORE_BUTTONS)


# -- delivery -------------------------------------------------------------------------------------------


def test_a_redelivered_event_is_answered_once(deployment: Deployment) -> None:
    user = new_user()
    sequential = text_event(user, "lam giay khai sinh can gi")
    assert [deployment.post(sequential), deployment.post(sequential)] == [200, 200]
    concurrent = text_event(user, "có mất tiền không")
    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(lambda _: deployment.post(concurrent), range(3))) == [200] * 3
    # One user's messages are answered in order: once this one is answered, duplicates would have been too.
    ask(deployment, user, '/ask_where{"procedure":"khai_sinh"}', until="Đi đâu")
    texts = deployment.zalo.texts(user)
    assert sum(t.startswith("Giấy tờ để làm giấy khai sinh") for t in texts) == 1
    assert sum(t.startswith("Lệ phí làm giấy khai sinh") for t in texts) == 1


def test_the_webhook_is_acknowledged_before_the_answer_is_sent(deployment: Deployment) -> None:
    user = new_user()
    deployment.zalo.fail_next(MESSAGE_PATH, None, delay=3.0)  # the next send takes 3 s to be accepted
    assert deployment.post(text_event(user, "làm căn cước cần gì")) == 200
    assert deployment.zalo.sent_messages(user) == []  # acknowledged while the answer was still on its way
    answer = wait_sent(deployment.zalo, user, lambda sent: bool(sent) and bool(buttons(sent[-1])))
    assert "căn cước" in answer[0]["text"]


# -- what is refused ------------------------------------------------------------------------------------


def test_unauthentic_stale_and_foreign_events_are_refused_and_never_answered(deployment: Deployment) -> None:
    now_ms = int(time.time() * 1000)
    users = [new_user() for _ in range(7)]
    forged = text_event(users[0], "lam giay khai sinh can gi")
    assert deployment.post(forged, key="not-the-oa-secret") == 401
    body = event_body(text_event(users[1], "lam giay khai sinh can gi"))
    assert deployment.post_raw(body).status_code == 401  # no signature header
    assert deployment.post_raw(body, {"X-ZEvent-Signature": "mac=" + "0" * 64}).status_code == 401
    stale = text_event(users[2], "lam giay khai sinh can gi", timestamp_ms=now_ms - 10 * 60 * 1000)
    assert deployment.post(stale) == 403
    future = text_event(users[3], "lam giay khai sinh can gi", timestamp_ms=now_ms + 10 * 60 * 1000)
    assert deployment.post(future) == 403
    other_app = zalo_event("user_send_text", users[4], app_id="999888777666555444", text="khai sinh")
    assert deployment.post(other_app) == 403  # signed with our key, but for another app
    assert deployment.post(other_app, sign_app_id="999888777666555444") == 401  # signed as the other app
    # Tampered after signing: the text changed, the signature did not.
    tampered = text_event(users[5], "lam giay khai sinh can gi")
    headers = sign_event(event_body(tampered), APP_ID, tampered["timestamp"], OA_SECRET)
    tampered["message"]["text"] = "lam can cuoc can gi"
    assert deployment.post_raw(event_body(tampered), headers).status_code == 401

    ask(deployment, users[6], "lam giay khai sinh can gi")  # the server still answers real events
    refused = set(users[:6])
    assert not deployment.zalo.recorded(
        lambda r: r.path == MESSAGE_PATH and r.params.get("recipient", {}).get("user_id") in refused)


def test_junk_is_a_4xx_never_a_500_and_the_server_keeps_answering(deployment: Deployment) -> None:
    oversized = text_event(new_user(), "a" * (1024 * 1024 + 10))
    body = event_body(oversized)
    signed = sign_event(body, APP_ID, oversized["timestamp"], OA_SECRET)
    assert deployment.post_raw(body, signed).status_code == 413
    cases = [b"\x00\xff\xfe not json", b"", b"[1, 2, 3]", b'"a string"', b'{"app_id": "1"}', b"[" * 100_000,
             json.dumps({"app_id": APP_ID, "event_name": "user_send_text", "timestamp": "soon"}).encode()]
    for junk in cases:
        answer = deployment.post_raw(junk)
        assert answer.status_code == 400, junk[:40]
        assert "error" in answer.json()
    # Signed by Zalo but a shape we do not know: acknowledged (a redelivery cannot help), not answered.
    odd_user = new_user()
    odd = zalo_event("user_send_image", odd_user, app_id=APP_ID, attachments=[{"type": "image", "payload": "?"}])
    assert deployment.post(odd) == 200
    assert httpx.get(deployment.base + "/", timeout=WAIT).json()["status"] == "ok"
    assert "khai sinh" in ask(deployment, new_user(), "lam giay khai sinh can gi")
    assert deployment.zalo.sent_messages(odd_user) == []


# -- events that are not text ---------------------------------------------------------------------------


def attachment(kind: str, **payload: Any) -> list[dict[str, Any]]:
    return [{"type": kind, "payload": payload}]


def test_media_get_a_short_notice_and_echoes_get_nothing(deployment: Deployment) -> None:
    cases = {
        "user_send_image": (attachment("image", url="https://photo.zdn.vn/a.jpg", thumbnail="https://photo.zdn.vn/t.jpg"),
                            notices.NOT_TEXT),
        "user_send_sticker": (attachment("sticker", id="bd51a8f0", url="https://zalo-api.zadn.vn/sticker?eid=1"),
                              notices.NOT_TEXT),
        # A recording nobody could play (real ones: tests/e2e/test_voice_messages.py).
        "user_send_audio": (attachment("audio", url=deployment.zalo.add_file(b"not audio", "v.aac")),
                            AudioUnreadable.user_message),
        "user_send_location": (attachment("location", coordinates={"latitude": "21.0", "longitude": "105.8"}),
                               notices.NOT_TEXT),
    }
    users = {name: new_user() for name in cases}
    for name, (attachments, _) in cases.items():
        assert deployment.post(zalo_event(name, users[name], app_id=APP_ID, attachments=attachments)) == 200
    recording, document = new_user(), new_user()
    file_event = "user_send_file"
    voice_file = attachment("file", url=deployment.zalo.add_file(b"\0" * 64, "ghi am.m4a"), name="ghi am.m4a",
                            size="64", checksum="c", type="m4a")
    pdf = attachment("file", url="https://f.zdn.vn/to_khai.pdf", name="to_khai.pdf", size="1024", checksum="c",
                     type="pdf")
    assert deployment.post(zalo_event(file_event, recording, app_id=APP_ID, attachments=voice_file)) == 200
    assert deployment.post(zalo_event(file_event, document, app_id=APP_ID, attachments=pdf)) == 200
    expected = {users[name]: notice for name, (_, notice) in cases.items()}
    expected |= {recording: AudioUnreadable.user_message, document: notices.NOT_TEXT}
    for user, notice in expected.items():
        assert [m["text"] for m in wait_sent(deployment.zalo, user, bool)] == [notice]

    # The OA's own echoes, read receipts and unfollows are acknowledged and never answered.
    quiet = new_user()
    for name in ("oa_send_text", "user_seen_message", "user_received_message", "some_future_event"):
        assert deployment.post(zalo_event(name, quiet, app_id=APP_ID, text="xin chào")) == 200
    assert deployment.post(zalo_event("unfollow", quiet, app_id=APP_ID)) == 200
    ask(deployment, quiet, "lam giay khai sinh can gi")
    assert not any(t in (notices.NOT_TEXT, notices.VOICE_NOT_YET) for t in deployment.zalo.texts(quiet))
    assert deployment.zalo.texts(quiet)[0].startswith("Giấy tờ để")


# -- tokens, stopping, restarting -----------------------------------------------------------------------


def test_expired_token_is_refreshed_once_and_the_stored_pair_survives_a_restart(deployment: Deployment) -> None:
    zalo = deployment.zalo
    refreshes = zalo.refresh_count
    zalo.expire_access_token()
    user = new_user()
    assert "khai sinh" in ask(deployment, user, "lam giay khai sinh can gi")
    assert zalo.refresh_count == refreshes + 1
    pair = zalo.current_tokens
    stored = json.loads((deployment.data_dir / "zalo_tokens.json").read_text())
    assert (stored["access_token"], stored["refresh_token"]) == (pair.access_token, pair.refresh_token)
    assert pair.refresh_token != RT0 and zalo.sent_messages(user)[-1]["access_token"] == pair.access_token

    # A clean stop finishes the answers in flight: the greeting's second message is sent after the stop began.
    follower = new_user()
    zalo.fail_next(MESSAGE_PATH, None, delay=1.5)
    assert deployment.post(zalo_event("follow", follower, app_id=APP_ID)) == 200
    zalo.wait_for(lambda r: r.path == MESSAGE_PATH and r.params["recipient"]["user_id"] == follower)
    deployment.stop()
    assert [m["text"] for m in zalo.sent_messages(follower)][-1] == MORE_BUTTONS

    # The environment still holds the original, long spent pair: the stored one must win.
    deployment.start()
    refreshes = zalo.refresh_count
    assert "căn cước" in ask(deployment, user, "làm căn cước cần gì")
    assert zalo.refresh_count == refreshes
    assert zalo.sent_messages(user)[-1]["access_token"] == pair.access_token
    # The original refresh token was spent once, at the first answer ever sent, and never offered again.
    assert len(zalo.recorded(lambda r: r.path == REFRESH_PATH and r.params.get("refresh_token") == RT0)) == 1


def test_the_log_holds_no_tokens_texts_or_user_ids(deployment: Deployment) -> None:
    log = deployment.output()
    assert "Zalo channel is on" in log
    pair = deployment.zalo.current_tokens
    secrets_seen = [AT0, RT0, OA_SECRET, APP_SECRET, pair.access_token, pair.refresh_token]
    user_ids = {m["user_id"] for m in deployment.zalo.sent_messages()}
    for leak in [*secrets_seen, *user_ids, "lam giay khai sinh can gi", "mất bao lâu"]:
        assert leak not in log


# -- in process: no assistant needed --------------------------------------------------------------------


def channel_config(api: ZaloAPI, access_token: str = "", refresh_token: str = "") -> ZaloConfig:
    return ZaloConfig(app_id=APP_ID, oa_secret_key=OA_SECRET, app_secret=APP_SECRET, access_token=access_token,
                      refresh_token=refresh_token, openapi_url=api.url, oauth_url=api.url)


def signed(event: dict[str, Any]) -> tuple[bytes, str]:
    body = event_body(event)
    return body, sign_event(body, APP_ID, event["timestamp"], OA_SECRET)["X-ZEvent-Signature"]


def test_without_tokens_events_are_accepted_and_the_problem_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.channels")
    with ZaloAPI(APP_ID, APP_SECRET, AT0, RT0) as api:
        channel = ZaloInput(channel_config(api), tmp_path)
        user = new_user()
        events = [channel.check(*signed(text_event(user, f"câu hỏi {i}"))) for i in range(3)]
        heard: list[str] = []

        async def engine(message: UserMessage) -> None:
            heard.append(message.text or "")
            await message.output_channel.send_response(message.sender_id, {"text": "Chào bạn"})

        async def main() -> None:
            inbox = Inbox(engine, channel.seen)
            for event in events:
                await channel.handle(inbox, event)  # never raises: the answers are dropped, and logged
            await channel.client.aclose()

        asyncio.run(main())
        assert heard == ["câu hỏi 0", "câu hỏi 1", "câu hỏi 2"]
        assert api.recorded() == []
    [error] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "ZALO_REFRESH_TOKEN" in error.getMessage()
    assert user not in caplog.text and "câu hỏi" not in caplog.text


def test_proactive_messages_go_out_through_the_output_channel(tmp_path: Path) -> None:
    with ZaloAPI(APP_ID, APP_SECRET, AT0, RT0) as api:
        channel = ZaloInput(channel_config(api, AT0, RT0), tmp_path)
        output = channel.get_output_channel()
        assert output.name() == "zalo"
        user = new_user()

        async def main() -> None:
            await output.send_response(f"zalo:{user}", {"text": "Nhắc bạn: mai mang giấy chứng sinh.",
                                                        "buttons": [{"title": "Lệ phí", "payload": "/ask_fee"}]})
            await channel.client.aclose()

        asyncio.run(main())
        [sent] = api.sent_messages(user)
        assert sent["text"] == "Nhắc bạn: mai mang giấy chứng sinh." and buttons(sent) == [("Lệ phí", "/ask_fee")]
        # An environment token of unknown age is refreshed before first use; the new pair is on disk.
        assert api.refresh_count == 1
        assert json.loads(channel.store.path.read_text())["refresh_token"] == api.current_tokens.refresh_token
