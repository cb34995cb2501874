"""The Telegram channel inside the Rasa server.

Building the python-telegram-bot application (here) is separate from running it (`TelegramRunner`,
started by the Sanic server's listeners). Polling needs no public URL, which a commune server
behind NAT does not have; webhook mode receives updates at /webhooks/telegram/webhook and checks
Telegram's secret-token header. If Telegram cannot be reached at start (villages lose
connectivity), the runner keeps trying in the background while the other channels work.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application, ApplicationBuilder

from bot.channels.config import TelegramConfig, telegram_config
from bot.channels.guard import Rejected, body_of, guarded, json_object, secret_matches
from bot.channels.inbox import Inbox
from bot.channels.proactive import ProactiveOutput
from bot.channels.seen import SeenMessages
from bot.channels.telegram.keyboard import CallbackPayloads
from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.updates import CHANNEL, UpdateRouter, chat_id_of, malformed
from bot.settings import load_settings
from bot.voice.service import optional_voice_service

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
COMMANDS = [("start", "Bắt đầu, chọn thủ tục"), ("help", "Mình giúp được gì")]
LANGUAGE_COMMAND = ("ngonngu", "Đổi tiếng / chọn ngôn ngữ")  # only when a language is offered


def commands() -> list[tuple[str, str]]:
    """The menu beside the text box: /ngonngu too once a commune's team has made a language."""
    from bot.languages.shared import languages

    return COMMANDS + [LANGUAGE_COMMAND] if languages().offered else COMMANDS


def build_application(config: TelegramConfig) -> Application:
    return (
        ApplicationBuilder()
        .token(config.token)
        .base_url(config.api_base_url)
        .base_file_url(config.file_base_url)
        # Different chats are answered in parallel; one chat's messages keep their order (Inbox).
        .concurrent_updates(64)
        .connect_timeout(10)
        .read_timeout(20)
        .get_updates_read_timeout(40)
        .build()
    )


class TelegramRunner:
    """Starts and stops the application on the server's event loop."""

    def __init__(self, application: Application, config: TelegramConfig, retry_max: float = 60.0) -> None:
        self.application = application
        self.config = config
        self.retry_max = retry_max
        self._task: asyncio.Task | None = None
        self.ready = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._start_when_reachable())

    async def _start_when_reachable(self) -> None:
        delay = 1.0
        while True:
            try:
                await self._start_once()
                break
            except InvalidToken:
                logger.error("Telegram rejected TELEGRAM_BOT_TOKEN: check the token from @BotFather.")
                return
            except NetworkError as exc:
                logger.warning("Telegram not reachable (%s); trying again in %.0f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(self.retry_max, delay * 2)
        self.ready.set()
        logger.info("Telegram channel is on (%s).", self.config.mode)

    async def _start_once(self) -> None:
        app = self.application
        if not app._initialized:
            await app.initialize()
        if self.config.mode == "webhook":
            await app.bot.set_webhook(self.config.webhook_url, secret_token=self.config.webhook_secret,
                                      allowed_updates=ALLOWED_UPDATES)
        else:
            await app.updater.start_polling(timeout=30, allowed_updates=ALLOWED_UPDATES,
                                            error_callback=self._polling_error)
        await app.start()
        try:  # the menu beside the text box; nice to have, never a reason not to start
            await app.bot.set_my_commands(await asyncio.to_thread(commands))
        except Exception as exc:
            logger.warning("Telegram setMyCommands failed: %s", exc)

    @staticmethod
    def _polling_error(error: Exception) -> None:
        # The updater retries on its own with backoff; one line per failure is enough.
        logger.warning("Telegram polling: %s: %s", type(error).__name__, error)

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()  # handles the updates already fetched before returning
        if app._initialized:
            await app.shutdown()


class TelegramInput(InputChannel):
    def __init__(self, config: TelegramConfig, data_dir: Any) -> None:
        self.config = config
        self.payloads = CallbackPayloads(data_dir / "channels.db")
        self.seen = SeenMessages(data_dir / "channels.db")
        self.application = build_application(config)
        self.sender = TelegramSender(self.application.bot, self.payloads)

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        # Secrets come from the environment or caunoi.yml, never from the credentials file.
        settings = load_settings()
        config = telegram_config(settings)
        if not config.enabled:
            raise ValueError("the Telegram channel needs TELEGRAM_BOT_TOKEN")
        return cls(config, settings.data_dir)

    def get_output_channel(self) -> OutputChannel:
        return ProactiveOutput(CHANNEL, lambda to, replies: self.sender.send(chat_id_of(to), replies))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        inbox = Inbox(on_new_message, self.seen)
        UpdateRouter(inbox, self.sender, self.payloads, optional_voice_service()).install(self.application)
        runner = TelegramRunner(self.application, self.config)
        bp = Blueprint("telegram_webhook", __name__)

        @bp.listener("after_server_start")
        async def start(_app: Any, _loop: Any) -> None:
            runner.start()

        @bp.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            await runner.stop()

        @bp.route("/", methods=["GET"])
        async def health(_request: Request) -> response.HTTPResponse:
            return response.json({"status": "ok", "mode": self.config.mode, "connected": runner.ready.is_set()})

        @bp.route("/webhook", methods=["POST"])
        @guarded
        async def webhook(request: Request) -> response.HTTPResponse:
            if self.config.mode != "webhook":
                raise Rejected(404, "webhook mode is off")
            if not secret_matches(request.headers.get(SECRET_HEADER), self.config.webhook_secret):
                raise Rejected(403, "bad secret token")
            data = json_object(body_of(request, too_large="update too large"), "not a Telegram update")
            try:
                update = Update.de_json(data, self.application.bot)
            except Exception:  # any junk: Telegram never sends it, so tell whoever did
                raise Rejected(400, "not a Telegram update") from None
            problem = malformed(update)
            if problem is not None:
                raise Rejected(400, f"not a Telegram update: {problem}")
            if not runner.ready.is_set():
                raise Rejected(503, "starting")  # Telegram retries later
            await self.application.update_queue.put(update)
            return response.json({"ok": True})

        return bp
