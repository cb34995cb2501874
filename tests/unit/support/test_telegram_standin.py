"""The Telegram Bot API stand-in, driven by the real python-telegram-bot client.

If PTB can talk to the stand-in unmodified and gets Telegram's errors as Telegram's exceptions, tests of the
project's Telegram channel that use the stand-in exercise the real protocol.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import time
from collections.abc import Awaitable, Callable, Iterator

import httpx
import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes, MessageHandler, filters

from tests.support.standins.base import RecordedRequest, StandInServer
from tests.support.standins.telegram_bot_api import TelegramBotAPI, TelegramRequest, UploadedFile

TOKEN = "123456:TEST-token"
CHAT = 42


@pytest.fixture
def api() -> Iterator[TelegramBotAPI]:
    with TelegramBotAPI(TOKEN) as server:
        yield server


def make_bot(api: TelegramBotAPI, token: str = TOKEN) -> Bot:
    # PTB appends the token to both base URLs.
    return Bot(token, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot")


def with_bot(api: TelegramBotAPI, body: Callable[[Bot], Awaitable[None]]) -> None:
    async def main() -> None:
        async with make_bot(api) as bot:
            await body(bot)

    asyncio.run(main())


async def until(condition: Callable[[], bool], timeout: float = 5) -> None:
    """Wait without blocking the loop (PTB runs on it)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.02)


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d)] for d in data])


def seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def test_get_me_is_the_bot_of_the_token(api: TelegramBotAPI) -> None:
    async def body(bot: Bot) -> None:
        me = await bot.get_me()
        assert (me.id, me.is_bot, me.username) == (123456, True, "caunoi_test_bot")

    with_bot(api, body)


def test_get_updates_returns_pushed_updates_until_an_offset_confirms_them(api: TelegramBotAPI) -> None:
    first = api.push_message(CHAT, "/start")
    second = api.push_message(CHAT, "xin chào")

    async def body(bot: Bot) -> None:
        updates = await bot.get_updates()
        assert [u.update_id for u in updates] == [first, second]
        assert updates[0].message.entities[0].type == "bot_command"
        assert updates[1].message.text == "xin chào"
        # Unconfirmed updates come again; an offset confirms and forgets them for good.
        assert len(await bot.get_updates()) == 2
        assert await bot.get_updates(offset=second + 1) == ()
        assert await bot.get_updates(offset=first) == ()

    with_bot(api, body)
    assert api.confirmed_offset == second + 1
    assert api.pending_updates() == []


def test_long_poll_answers_as_soon_as_an_update_is_pushed(api: TelegramBotAPI) -> None:
    async def body(bot: Bot) -> None:
        started = time.monotonic()
        assert await bot.get_updates(timeout=1) == ()
        assert 0.9 <= time.monotonic() - started < 2.5

        poll = asyncio.create_task(bot.get_updates(timeout=10))
        await until(lambda: len(api.calls("getUpdates")) == 2)
        started = time.monotonic()
        await asyncio.get_running_loop().run_in_executor(None, api.push_message, CHAT, "có ai không?")
        updates = await poll
        assert time.monotonic() - started < 1
        assert updates[0].message.text == "có ai không?"

    with_bot(api, body)


def test_a_second_poller_ends_the_waiting_one_with_a_conflict(api: TelegramBotAPI) -> None:
    # Two bot instances, the real-world cause (one Bot's getUpdates connection pool holds a single request).
    async def main() -> None:
        async with make_bot(api) as first, make_bot(api) as second:
            waiting = asyncio.create_task(first.get_updates(timeout=10))
            await until(lambda: len(api.calls("getUpdates")) == 1)
            assert await second.get_updates(timeout=0) == ()
            with pytest.raises(Conflict, match="terminated by other getUpdates"):
                await waiting

    asyncio.run(main())


def test_a_long_poll_ends_when_its_client_goes_away(api: TelegramBotAPI) -> None:
    async def body(bot: Bot) -> None:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await until(lambda: len(api.calls("getUpdates")) == 1)
        poll.cancel()
        await until(lambda: api.calls("getUpdates")[0].status is not None, timeout=2)

    with_bot(api, body)


def test_stop_answers_a_pending_long_poll_at_once() -> None:
    api = TelegramBotAPI(TOKEN).start()

    async def main() -> float:
        async with make_bot(api) as bot:
            poll = asyncio.create_task(bot.get_updates(timeout=30))
            await until(lambda: len(api.calls("getUpdates")) == 1)
            started = time.monotonic()
            await asyncio.get_running_loop().run_in_executor(None, api.stop)
            assert await poll == ()
            return time.monotonic() - started

    assert asyncio.run(main()) < 2


def test_send_message_round_trips_an_inline_keyboard(api: TelegramBotAPI) -> None:
    api.push_message(CHAT, "hi")

    async def body(bot: Bot) -> None:
        message = await bot.send_message(CHAT, "  Chọn thủ tục:\n", reply_markup=keyboard("khai_sinh", "ket_hon"))
        assert message.text == "Chọn thủ tục:"  # Telegram strips the text
        assert message.message_id == 2  # the user's message was 1: one sequence per private chat
        assert message.chat.id == CHAT and message.from_user.is_bot
        assert message.reply_markup == keyboard("khai_sinh", "ket_hon")

    with_bot(api, body)
    [params] = api.sent("sendMessage", CHAT)
    assert params["chat_id"] == CHAT
    assert params["reply_markup"]["inline_keyboard"][1][0]["callback_data"] == "ket_hon"
    assert api.texts(CHAT) == ["Chọn thủ tục:"]


def test_rate_limited_message_raises_retry_after_and_is_not_sent(api: TelegramBotAPI) -> None:
    api.push_message(CHAT, "hi")
    api.fail_next("sendMessage", status=429, retry_after=7)

    async def body(bot: Bot) -> None:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(CHAT, "một")
        assert seconds(caught.value.retry_after) == 7
        await bot.send_message(CHAT, "hai")

    with_bot(api, body)
    assert api.texts(CHAT) == ["hai"]
    failed = api.calls("sendMessage")[0]
    assert (failed.status, failed.description) == (429, "Too Many Requests: retry after 7")


def test_injected_errors_map_to_ptb_exceptions(api: TelegramBotAPI) -> None:
    api.push_message(CHAT, "hi")
    api.fail_next("sendMessage", status=403)
    api.fail_next("sendMessage", status=502)
    api.fail_next("sendChatAction", status=400, description="Bad Request: not enough rights")

    async def body(bot: Bot) -> None:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(CHAT, "x")
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(CHAT, "x")
        with pytest.raises(BadRequest, match="Not enough rights"):
            await bot.send_chat_action(CHAT, "typing")
        assert await bot.send_chat_action(CHAT, "typing")

    with_bot(api, body)
    assert api.texts(CHAT) == []
    assert api.chat_actions(CHAT) == ["typing"]


def test_text_limits_are_telegrams(api: TelegramBotAPI) -> None:
    api.push_message(CHAT, "hi")

    async def body(bot: Bot) -> None:
        await bot.send_message(CHAT, "ồ" * 4096 + "\n\n")  # 4096 UTF-16 units once stripped
        await bot.send_message(CHAT, "😀" * 2048)  # each emoji is two UTF-16 units
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(CHAT, "😀" * 2048 + "a")
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(CHAT, " \n ")
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(999, "ai đó")

    with_bot(api, body)
    assert len(api.texts(CHAT)) == 2


def test_keyboard_limits_are_telegrams(api: TelegramBotAPI) -> None:
    api.push_message(CHAT, "hi")

    async def body(bot: Bot) -> None:
        await bot.send_message(CHAT, "ok", reply_markup=keyboard("đ" * 32))  # 64 bytes
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(CHAT, "x", reply_markup=keyboard("thủ_tục_đăng_ký_kết_hôn_" * 2))  # > 64 bytes
        with pytest.raises(BadRequest, match="Reply markup is too long"):
            await bot.send_message(CHAT, "x", reply_markup=keyboard(*(str(i) for i in range(101))))
        with pytest.raises(BadRequest, match="(?i)text buttons are unallowed"):
            await bot.send_message(CHAT, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("a")]]))

    with_bot(api, body)
    assert api.texts(CHAT) == ["ok"]
    assert [r.description for r in api.calls("sendMessage")][1:] == [
        "Bad Request: BUTTON_DATA_INVALID", "Bad Request: reply markup is too long",
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"]


def test_callback_query_is_answered_once(api: TelegramBotAPI) -> None:
    api.push_message(CHAT, "hi")

    async def body(bot: Bot) -> None:
        sent = await bot.send_message(CHAT, "Chọn:", reply_markup=keyboard("yes", "no"))
        offset = (await bot.get_updates())[-1].update_id + 1
        query_id = await asyncio.get_running_loop().run_in_executor(None, api.push_callback, CHAT, "yes")
        [update] = await bot.get_updates(offset=offset)
        query = update.callback_query
        assert (query.id, query.data, query.message.message_id) == (query_id, "yes", sent.message_id)
        assert query.message.reply_markup == keyboard("yes", "no")
        assert await bot.answer_callback_query(query_id, text="Đã chọn")
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(query_id)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query("123")

    with_bot(api, body)
    assert [c["text"] for c in api.answered_callbacks()] == ["Đã chọn"]


def test_edits_and_deletes_follow_telegram(api: TelegramBotAPI) -> None:
    api.push_message(CHAT, "hi")

    async def body(bot: Bot) -> None:
        sent = await bot.send_message(CHAT, "Chọn:", reply_markup=keyboard("yes"))
        # An edit that does not repeat the keyboard removes it, as on Telegram.
        edited = await bot.edit_message_text("Đã chọn", chat_id=CHAT, message_id=sent.message_id)
        assert edited.text == "Đã chọn" and edited.reply_markup is None
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("Đã chọn", chat_id=CHAT, message_id=sent.message_id)
        with_keyboard = await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard("undo"))
        assert with_keyboard.reply_markup == keyboard("undo")
        with pytest.raises(BadRequest, match="Message can't be edited"):
            await bot.edit_message_text("x", chat_id=CHAT, message_id=1)  # the user's message
        assert await bot.delete_message(CHAT, sent.message_id)
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await bot.delete_message(CHAT, sent.message_id)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", chat_id=CHAT, message_id=sent.message_id)

    with_bot(api, body)
    assert [m["text"] for m in api.messages(CHAT)] == ["hi"]


def test_get_file_downloads_the_registered_bytes(api: TelegramBotAPI) -> None:
    data = bytes(range(256)) * 10
    file_id = api.add_file(data, mime_type="application/pdf", file_name="tờ khai.pdf")
    big = api.add_file(b"x", file_size=20 * 1024 * 1024 + 1)

    async def body(bot: Bot) -> None:
        file = await bot.get_file(file_id)
        assert file.file_size == len(data)
        assert file.file_path.startswith(f"{api.url}/file/bot{TOKEN}/documents/")
        assert bytes(await file.download_as_bytearray()) == data
        with pytest.raises(BadRequest, match="Invalid file_id"):
            await bot.get_file("nope")
        with pytest.raises(BadRequest, match="File is too big"):
            await bot.get_file(big)

    with_bot(api, body)
    assert [r.status for r in api.calls("download")] == [200]


def test_pushed_voice_is_downloadable(api: TelegramBotAPI) -> None:
    audio = b"OggS" + bytes(range(256)) * 4
    api.push_voice(CHAT, audio, duration=4)

    async def body(bot: Bot) -> None:
        [update] = await bot.get_updates()
        voice = update.message.voice
        assert (voice.mime_type, voice.file_size, seconds(voice.duration)) == ("audio/ogg", len(audio), 4)
        file = await voice.get_file()
        assert file.file_path.endswith(".oga")
        assert bytes(await file.download_as_bytearray()) == audio

    with_bot(api, body)


def test_send_voice_uploads_the_bytes(api: TelegramBotAPI) -> None:
    api.push_message(CHAT, "hi")
    audio = b"OggS\x00\r\n\x00" + bytes(range(256)) * 40

    async def body(bot: Bot) -> None:
        message = await bot.send_voice(CHAT, audio, duration=3, caption="Trả lời bằng giọng nói")
        assert message.voice.file_size == len(audio) and message.voice.mime_type == "audio/ogg"
        assert message.caption == "Trả lời bằng giọng nói"
        # The uploaded file can be fetched back like any Telegram file.
        file = await bot.get_file(message.voice.file_id)
        assert bytes(await file.download_as_bytearray()) == audio
        with pytest.raises(BadRequest, match="Wrong file identifier"):
            await bot.send_voice(CHAT, "not-a-file-id")

    with_bot(api, body)
    [params] = api.sent("sendVoice", CHAT)
    upload = params["voice"]
    assert isinstance(upload, UploadedFile)
    assert upload.data == audio
    assert params["duration"] == 3


def test_webhook_blocks_polling_and_delivers_with_the_secret(api: TelegramBotAPI) -> None:
    with WebhookReceiver() as receiver:
        hook = f"{receiver.url}/hook"

        async def configure(bot: Bot) -> None:
            with pytest.raises(BadRequest, match="(?i)an https url must be provided"):
                await bot.set_webhook("http://example.com/hook")
            assert await bot.set_webhook(hook, secret_token="s3cr3t_-")
            with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
                await bot.get_updates()
            info = await bot.get_webhook_info()
            assert (info.url, info.pending_update_count) == (hook, 0)

        with_bot(api, configure)
        update_id = api.push_message(CHAT, "qua webhook")
        receiver.answer = 500
        assert api.deliver_to_webhook() == 500
        assert len(api.pending_updates()) == 1  # not confirmed: Telegram retries later
        receiver.answer = 200
        assert api.deliver_to_webhook() == 200
        assert api.pending_updates() == []

        first, second = receiver.recorded()
        assert first.params == second.params
        assert second.params["update_id"] == update_id
        assert second.params["message"]["text"] == "qua webhook"
        assert second.headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cr3t_-"

        async def back_to_polling(bot: Bot) -> None:
            info = await bot.get_webhook_info()
            assert "500" in (info.last_error_message or "")
            assert await bot.delete_webhook()
            assert await bot.get_updates() == ()

        with_bot(api, back_to_polling)


def test_wrong_token_is_refused(api: TelegramBotAPI) -> None:
    async def main() -> None:
        for token in ("123456:wrong", "not-a-token"):
            with pytest.raises(InvalidToken):
                await make_bot(api, token).get_me()

    asyncio.run(main())
    assert [r.status for r in api.calls("getMe")] == [401, 404]


def test_dropped_connection_is_a_network_error_without_effect(api: TelegramBotAPI) -> None:
    api.push_message(CHAT, "hi")
    api.drop_next("sendMessage")

    async def body(bot: Bot) -> None:
        with pytest.raises(NetworkError):
            await bot.send_message(CHAT, "mất")
        await bot.send_message(CHAT, "còn")

    with_bot(api, body)
    assert api.texts(CHAT) == ["còn"]
    assert api.calls("sendMessage")[0].dropped


def test_delayed_answer_times_out_but_the_message_was_sent(api: TelegramBotAPI) -> None:
    api.push_message(CHAT, "hi")
    api.delay_next("sendMessage", 1.0)

    async def body(bot: Bot) -> None:
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, "chậm", read_timeout=0.2)

    with_bot(api, body)
    assert api.texts(CHAT) == ["chậm"]  # the reason a blind retry after a timeout can duplicate a message


def test_my_commands_are_stored_per_scope(api: TelegramBotAPI) -> None:
    async def body(bot: Bot) -> None:
        assert await bot.set_my_commands([("start", "Bắt đầu"), ("help", "Trợ giúp")])
        assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
        with pytest.raises(BadRequest, match="Bot_command_invalid"):
            await bot.set_my_commands([("Start", "x")])
        assert await bot.delete_my_commands()
        assert await bot.get_my_commands() == ()

    with_bot(api, body)


def test_raw_protocol_forms_and_envelopes(api: TelegramBotAPI) -> None:
    api.push_message(CHAT, "hi")
    markup = {"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]}
    base = f"{api.url}/bot{TOKEN}"
    with httpx.Client() as client:
        assert client.get(f"{base}/GETME").json()["result"]["username"] == "caunoi_test_bot"
        # JSON body with a nested object, and with the object JSON-encoded as a string; query string on GET.
        nested = {"chat_id": CHAT, "text": "a", "reply_markup": markup}
        assert client.post(f"{base}/sendMessage", json=nested).json()["ok"]
        assert client.post(f"{base}/sendmessage",
                           json={"chat_id": str(CHAT), "text": "b", "reply_markup": json.dumps(markup)}).json()["ok"]
        assert client.get(f"{base}/sendMessage", params={"chat_id": CHAT, "text": "c"}).json()["ok"]
        missing = client.post(f"{base}/sendMessage", data={"chat_id": CHAT})
        assert (missing.status_code, missing.json()) == (
            400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"})
        unknown = client.post(f"{base}/sendTelepathy")
        assert (unknown.status_code, unknown.json()) == (
            404, {"ok": False, "error_code": 404, "description": "Not Found"})
        wrong = client.post(f"{api.url}/bot1:nope/getMe")
        assert (wrong.status_code, wrong.json()["description"]) == (401, "Unauthorized")
        api.fail_next("sendMessage", retry_after=3)
        limited = client.post(f"{base}/sendMessage", data={"chat_id": CHAT, "text": "d"})
        assert (limited.status_code, limited.json()) == (429, {
            "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3}})
    assert api.wait_for_texts(CHAT, 3, timeout=2) == ["a", "b", "c"]
    assert [p["reply_markup"] for p in api.sent("sendMessage", CHAT)[:2]] == [markup, markup]
    assert {r.api_method for r in api.calls() if isinstance(r, TelegramRequest)} >= {"getMe", "sendMessage"}


def test_application_polls_echoes_and_shuts_down_quickly(api: TelegramBotAPI) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"Bạn nói: {update.message.text}")

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("Xin chào!")

    async def main() -> float:
        app = (ApplicationBuilder().token(TOKEN).base_url(f"{api.url}/bot")
               .base_file_url(f"{api.url}/file/bot").build())
        app.add_handler(CommandHandler("start", start))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
        await app.initialize()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        await asyncio.get_running_loop().run_in_executor(None, api.push_message, CHAT, "/start")
        await asyncio.get_running_loop().run_in_executor(None, api.push_message, CHAT, "làm giấy khai sinh")
        await until(lambda: len(api.texts(CHAT)) == 2)
        # Let a long poll be in flight when stopping: shutdown must not wait for it.
        await until(lambda: any(r.status is None for r in api.calls("getUpdates")))
        started = time.monotonic()
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        return time.monotonic() - started

    assert asyncio.run(main()) < 1.5
    assert api.texts(CHAT) == ["Xin chào!", "Bạn nói: làm giấy khai sinh"]
    assert api.pending_updates() == []  # the updater confirmed what it handled before stopping


class WebhookReceiver(StandInServer):
    """A minimal webhook endpoint answering `answer` to every delivery."""

    def __init__(self) -> None:
        super().__init__()
        self.answer = 200

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/hook", self._hook)

    async def _hook(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.record(RecordedRequest(request.method, request.path, dict(request.query), dict(request.headers), body,
                                    json.loads(body)))
        return web.Response(status=self.answer)

    def __enter__(self) -> WebhookReceiver:
        self.start()
        return self
