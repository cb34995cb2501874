"""Messages the engine sends on its own reach the right person through the real Telegram client."""

import asyncio

from telegram import Bot

from bot.channels.proactive import ProactiveOutput
from bot.channels.telegram.keyboard import CallbackPayloads
from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.updates import chat_id_of
from tests.support.standins.telegram_bot_api import TelegramBotAPI

TOKEN = "888:PROACTIVE-token"


def test_engine_message_goes_to_the_conversations_chat_with_its_buttons(tmp_path):
    with TelegramBotAPI(TOKEN) as api:
        api.add_chat(31)
        api.add_chat(32)

        async def go() -> None:
            async with Bot(TOKEN, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot") as bot:
                sender = TelegramSender(bot, CallbackPayloads(tmp_path / "channels.db"))
                output = ProactiveOutput("telegram", lambda to, replies: sender.send(chat_id_of(to), replies))
                assert output.name() == "telegram"
                await output.send_response("telegram:32", {
                    "text": "Hồ sơ của bạn đã có kết quả.", "buttons": [{"title": "Nơi nhận", "payload": "/ask_where"}],
                    "custom": {"topic": "status"}})
                await output.send_response("telegram:31", {"custom": {"topic": "status"}})  # nothing to read

        asyncio.run(go())
        assert api.texts(32) == ["Hồ sơ của bạn đã có kết quả."]
        assert api.sent("sendMessage", 32)[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "/ask_where"
        assert api.texts(31) == []
