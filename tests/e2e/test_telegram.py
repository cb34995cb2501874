"""Telegram end to end: the real trained engine behind `caunoi run`, the real python-telegram-bot
client, and a local Telegram Bot API that speaks the real protocol."""

from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.channels import notices
from bot.kb.shared import knowledge_base
from tests.support.assistant import RunningAssistant, start_assistant
from tests.support.standins.telegram_bot_api import TelegramBotAPI
from voice.errors import AudioUnreadable

TOKEN = "123456:TEST-telegram-token"
_chat_ids = itertools.count(1000)


class Deployment:
    """The stand-in and a running assistant, restartable on the same data folder."""

    def __init__(self, api: TelegramBotAPI, data_dir: Path, env: dict[str, str]) -> None:
        self.api = api
        self.data_dir = data_dir
        self.env = env
        self.assistant: RunningAssistant = start_assistant(data_dir, env)

    def restart(self) -> None:
        self.assistant.stop()
        self.assistant = start_assistant(self.data_dir, self.env)


@pytest.fixture(scope="module")
def deployment(trained_model, tmp_path_factory):
    with TelegramBotAPI(TOKEN) as api:
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": f"{api.url}/bot"}
        running = Deployment(api, tmp_path_factory.mktemp("telegram-data"), env)
        yield running
        running.assistant.stop()


@pytest.fixture()
def api(deployment) -> TelegramBotAPI:
    return deployment.api


def ask(api: TelegramBotAPI, chat_id: int, text: str, timeout: float = 60) -> str:
    before = len(api.texts(chat_id))
    api.push_message(chat_id, text)
    return api.wait_for_texts(chat_id, before + 1, timeout)[before]


def markup(api: TelegramBotAPI, chat_id: int) -> list[dict]:
    keyboard = api.sent("sendMessage", chat_id)[-1].get("reply_markup") or {}
    return [row[0] for row in keyboard.get("inline_keyboard", [])]


def test_start_greets_in_two_short_lines_with_top_procedure_buttons(api):
    chat = next(_chat_ids)
    greeting = ask(api, chat, "/start")
    assert 1 <= len(greeting.splitlines()) <= 2 and len(greeting) < 200
    titles = [b["text"] for b in markup(api, chat)]
    kb = knowledge_base()
    assert kb.procedures["khai_sinh"].button_label in titles and len(titles) >= 4
    assert "typing" in api.chat_actions(chat)


def test_help_says_what_the_assistant_does(api):
    chat = next(_chat_ids)
    assert ask(api, chat, "/help")
    assert markup(api, chat)


def test_typed_questions_and_follow_ups_keep_the_procedure(api):
    chat = next(_chat_ids)
    kb = knowledge_base()
    documents = ask(api, chat, "lam giay khai sinh can gi")
    assert kb.procedures["khai_sinh"].documents[0].name.split("(")[0].strip() in documents
    time_answer = ask(api, chat, "mất bao lâu?")
    assert kb.procedures["khai_sinh"].processing_time.text.split(".")[0] in time_answer
    other = ask(api, chat, "thế còn kết hôn?")
    assert kb.procedures["ket_hon"].processing_time.text.split(".")[0] in other


def test_tapping_a_button_answers_for_that_procedure(api):
    chat = next(_chat_ids)
    ask(api, chat, "/start")
    button = next(b for b in markup(api, chat) if b["text"] == knowledge_base().procedures["ket_hon"].button_label)
    before = len(api.texts(chat))
    query_id = api.push_callback(chat, button["callback_data"])
    answer = api.wait_for_texts(chat, before + 1, 60)[before]
    assert "kết hôn" in answer.lower()
    api.wait_for(lambda r: getattr(r, "api_method", "") == "answerCallbackQuery"
                 and r.params.get("callback_query_id") == query_id)


def test_flood_control_is_waited_out_and_the_answer_sent_once(api):
    chat = next(_chat_ids)
    api.add_chat(chat)
    api.fail_next("sendMessage", status=429, retry_after=1)
    answer = ask(api, chat, "làm căn cước mất bao nhiêu tiền")
    assert "căn cước" in answer.lower()
    ask(api, chat, "cảm ơn")  # a later message proves nothing more came for the first
    assert len(api.texts(chat)) == 2


def test_a_dropped_connection_is_retried(api):
    chat = next(_chat_ids)
    api.add_chat(chat)
    api.drop_next("sendMessage")
    assert "khai sinh" in ask(api, chat, "lm khai sinh cần j z ad").lower()


def test_a_redelivered_update_is_answered_once(api):
    chat = next(_chat_ids)
    api.push_message(chat, "xin chào")
    first = api.wait_for_texts(chat, 1, 60)
    update = next(u for u in api.calls("getUpdates") if u.result and any(
        (x.get("message") or {}).get("chat", {}).get("id") == chat for x in u.result))
    again = next(x for x in update.result if (x.get("message") or {}).get("chat", {}).get("id") == chat)
    api.push_update(json.loads(json.dumps(again)))  # same update_id, as after a crash before confirming
    ask(api, chat, "cảm ơn")
    assert len(api.texts(chat)) == len(first) + 1


def test_a_flood_is_limited_with_one_notice(api):
    chat = next(_chat_ids)
    for i in range(14):
        api.push_message(chat, f"xin chào {i}")
    texts = api.wait_for_texts(chat, 9, 60)
    # A burst of 8 goes through; the rest get one notice (two if a token refilled meanwhile).
    assert 1 <= texts.count(notices.SLOW_DOWN) <= 2
    assert len([t for t in texts if t != notices.SLOW_DOWN]) <= 10


def test_unplayable_voice_notes_stickers_and_groups_get_a_short_reply(api):
    chat = next(_chat_ids)
    api.push_voice(chat, b"OggS" + b"\x00" * 100)  # a voice note nobody could play
    assert api.wait_for_texts(chat, 1, 30) == [AudioUnreadable.user_message]
    api.push_sticker(chat)
    assert api.wait_for_texts(chat, 2, 30)[1] == notices.NOT_TEXT
    group = -next(_chat_ids)
    api.push_message(group, "/start", chat_type="group", user_id=77)
    assert api.wait_for_texts(group, 1, 30) == [notices.PRIVATE_ONLY]


def test_chats_never_see_each_others_answers(api):
    one, two = next(_chat_ids), next(_chat_ids)
    ask(api, one, "đăng ký kết hôn cần giấy tờ gì")
    answer = ask(api, two, "mất bao lâu?")  # no context in this chat: it must not continue chat one's
    assert "kết hôn" not in answer.lower()
    assert len(api.texts(two)) == 1


def test_messages_sent_while_stopped_are_answered_once_after_restart(deployment):
    api = deployment.api
    chat = next(_chat_ids)
    assert ask(api, chat, "xin chào")
    deployment.assistant.stop()
    api.push_message(chat, "làm thường trú cần gì")
    deployment.restart()
    texts = api.wait_for_texts(chat, 2, 90)
    assert "thường trú" in texts[1].lower()
    assert ask(api, chat, "ở đâu")
    assert len(api.texts(chat)) == 3  # the message from before the restart was not answered twice


def test_rest_keeps_working_beside_telegram(deployment):
    from bot.runtime.chat import send

    messages = send(deployment.assistant.url, "rest-user", "xin chào")
    assert any(m.get("text") for m in messages)


@pytest.fixture(scope="module")
def webhook_deployment(trained_model, tmp_path_factory):
    from bot.runtime.chat import free_port

    with TelegramBotAPI(TOKEN) as api:
        port = free_port()
        env = {
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": f"{api.url}/bot", "TELEGRAM_MODE": "webhook",
            "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/webhooks/telegram/webhook",
            "TELEGRAM_WEBHOOK_SECRET": "s3cret-Token_1",
        }
        data_dir = tmp_path_factory.mktemp("telegram-webhook")
        assistant = start_assistant(data_dir, env, port)
        api.wait_for(lambda r: getattr(r, "api_method", "") == "setWebhook", timeout=60)
        assistant.wait_telegram_connected()
        yield api, assistant
        assistant.stop()


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_webhook_mode_answers_updates_that_carry_the_secret(webhook_deployment):
    api, _assistant = webhook_deployment
    assert api.webhook_secret == "s3cret-Token_1"
    chat = next(_chat_ids)
    api.push_message(chat, "làm căn cước cần giấy tờ gì")
    assert api.deliver_to_webhook() == 200
    assert "căn cước" in api.wait_for_texts(chat, 1, 60)[0].lower()


def test_webhook_refuses_forged_and_junk_requests(webhook_deployment):
    api, assistant = webhook_deployment
    url = f"http://127.0.0.1:{assistant.port}/webhooks/telegram/webhook"
    chat = next(_chat_ids)
    api.add_chat(chat)
    update = {"update_id": 99_000_001, "message": {
        "message_id": 1, "date": 1, "chat": {"id": chat, "type": "private"}, "text": "xin chào",
        "from": {"id": chat, "is_bot": False, "first_name": "X"}}}
    body = json.dumps(update).encode()
    assert post(url, body, {"Content-Type": "application/json"}) == 403
    assert post(url, body, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}) == 403
    secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
    assert post(url, b"\x00\xff junk", secret) == 400
    assert post(url, b"[1, 2]", secret) == 400
    assert post(url, b"x" * (2 * 1024 * 1024), secret) in (400, 413)
    assert api.texts(chat) == []
    assert post(url, body, secret) == 200  # the real one, after all the junk, still works
    assert api.wait_for_texts(chat, 1, 60)
