"""TelegramSender with the real python-telegram-bot client against the Bot API stand-in."""

import asyncio

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.channels.replies import Button, Outgoing
from bot.channels.telegram.keyboard import CallbackPayloads
from bot.channels.telegram.sender import TelegramSender
from bot.channels.text import utf16_len
from tests.support.standins.telegram_bot_api import TelegramBotAPI

TOKEN = "777:SENDER-token"


@pytest.fixture()
def api():
    with TelegramBotAPI(TOKEN) as server:
        yield server


def send(api: TelegramBotAPI, tmp_path, chat_id: int, replies: list[Outgoing]) -> CallbackPayloads:
    payloads = CallbackPayloads(tmp_path / "channels.db")

    async def go() -> None:
        async with Bot(TOKEN, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot") as bot:
            await TelegramSender(bot, payloads, base_delay=0.01).send(chat_id, replies)

    asyncio.run(go())
    return payloads


def test_long_answer_is_split_and_buttons_ride_on_the_last_part(api, tmp_path):
    api.add_chat(5)
    lines = [f"{i}. Giấy tờ số {i}: bản chính và bản sao có chứng thực 📄" for i in range(1, 200)]
    text = "\n".join(lines)
    assert utf16_len(text) > 2 * 4096
    send(api, tmp_path, 5, [Outgoing(text, (Button("Lệ phí", "/ask_fee"),))])
    sent = api.sent("sendMessage", 5)
    assert len(sent) == 3
    assert all(utf16_len(m["text"]) <= 4096 for m in sent)
    # Cut between lines, never inside one, and nothing lost.
    assert "\n".join(m["text"] for m in sent).split("\n") == lines
    assert [bool(m.get("reply_markup")) for m in sent] == [False, False, True]


def test_long_payloads_travel_as_keys_that_decode_back(api, tmp_path):
    api.add_chat(6)
    payload = '/ask_documents{"procedure":"xac_nhan_tinh_trang_hon_nhan"}' + " " * 20
    payloads = send(api, tmp_path, 6, [Outgoing("Chọn:", (Button("Giấy tờ", payload), Button("Lệ phí", "/ask_fee")))])
    keyboard = api.sent("sendMessage", 6)[0]["reply_markup"]["inline_keyboard"]
    data = [row[0]["callback_data"] for row in keyboard]
    assert len(data[0].encode()) <= 64 and data[0] != payload
    assert data[1] == "/ask_fee"
    assert CallbackPayloads(tmp_path / "channels.db").decode(data[0]) == payload  # survives a restart
    assert payloads.decode("k:" + "0" * 32) is None


def test_flood_control_waits_retry_after_and_sends_once(api, tmp_path):
    api.add_chat(7)
    api.fail_next("sendMessage", status=429, retry_after=1)
    send(api, tmp_path, 7, [Outgoing("Xin chào")])
    calls = api.calls("sendMessage")
    assert [c.status for c in calls] == [429, 200]
    assert api.texts(7) == ["Xin chào"]


def test_network_errors_are_retried(api, tmp_path):
    api.add_chat(8)
    api.drop_next("sendMessage")
    api.fail_next("sendMessage", status=502, description="Bad Gateway")
    send(api, tmp_path, 8, [Outgoing("Xin chào")])
    assert api.texts(8) == ["Xin chào"]


def test_a_bad_request_is_not_retried(api, tmp_path):
    api.add_chat(9)
    api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    with pytest.raises(BadRequest):
        send(api, tmp_path, 9, [Outgoing("Xin chào")])
    assert len(api.calls("sendMessage")) == 1
