"""Sending replies to a Telegram chat: split at 4,096 characters, buttons on the last part, retried
on flood control (429, waiting Telegram's retry_after) and on network errors and timeouts.

A reply may come with a picture (a checklist card) and, in a language a commune's team translated, with
the team's recording of it (`custom.audio`, bot/dialogue/language.py): both follow the text, the
recording as a voice note (the OGG/Opus file the server stores, bot/channels/recording_files/)."""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging

from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.channels.card_files.channel import load_card
from bot.channels.recording_files.channel import load_recording
from bot.channels.replies import Outgoing
from bot.channels.retry import with_retries
from bot.channels.telegram.keyboard import CallbackPayloads, inline_keyboard
from bot.channels.text import split_text, utf16_len

logger = logging.getLogger(__name__)

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units


def retry_delay(exc: BaseException) -> float | None:
    if isinstance(exc, RetryAfter):
        wait = exc._retry_after  # a timedelta; the public property warns while PTB migrates types
        return max(0.5, wait.total_seconds() if isinstance(wait, dtm.timedelta) else float(wait))
    if isinstance(exc, BadRequest):  # our request is wrong: sending it again cannot help
        return None
    if isinstance(exc, NetworkError):  # connection trouble, timeouts, Telegram's 5xx
        return 0.0
    return None


def recording_urls(reply: Outgoing) -> list[str]:
    """The OGG/Opus recordings a reply carries: the team's recording of it, then, with the language
    choice, each language's recorded "which language?" (`custom.prompts`)."""
    found = [reply.custom.get("audio"), *(reply.custom.get("prompts") or ())]
    return [a["ogg"] for a in found if isinstance(a, dict) and isinstance(a.get("ogg"), str) and a["ogg"]]


class TelegramSender:
    def __init__(self, bot: Bot, payloads: CallbackPayloads, attempts: int = 5, base_delay: float = 0.5) -> None:
        self.bot = bot
        self.payloads = payloads
        self.attempts = attempts
        self.base_delay = base_delay

    async def send(self, chat_id: int, replies: list[Outgoing], after: asyncio.Task | None = None) -> None:
        if after is not None:
            # The typing indicator must not arrive after the answer (it would linger for 5 s).
            await asyncio.gather(after, return_exceptions=True)
        for reply in replies:
            parts = split_text(reply.text, MAX_MESSAGE, utf16_len) or ["…"]
            keyboard = inline_keyboard(reply.buttons, self.payloads)
            for index, part in enumerate(parts):
                markup = keyboard if index == len(parts) - 1 else None
                await with_retries(
                    lambda part=part, markup=markup: self.bot.send_message(chat_id, part, reply_markup=markup),
                    retry_delay, attempts=self.attempts, base_delay=self.base_delay, what="Telegram sendMessage",
                )
            if reply.image:
                await self.send_image(chat_id, reply.image)
            for recording in recording_urls(reply):
                await self.send_recording(chat_id, recording)

    async def send_image(self, chat_id: int, url: str) -> None:
        """A checklist card as a photo (the text answer has already gone: a failure here loses nothing)."""
        card = await load_card(url)
        if card is None:
            return
        body, filename = card
        await with_retries(
            lambda: self.bot.send_photo(chat_id, body, filename=filename),
            retry_delay, attempts=self.attempts, base_delay=self.base_delay, what="Telegram sendPhoto",
        )

    async def send_recording(self, chat_id: int, url: str) -> None:
        """A team member's recording of the answer as a voice note (the text has already gone: a file
        gone missing since the reply was made only loses the sound)."""
        recording = await load_recording(url)
        if recording is None:
            logger.info("Telegram: recording %s not found; the answer went as text only", url)
            return
        body, filename = recording
        await self.send_voice(chat_id, body, filename)

    async def send_voice(self, chat_id: int, ogg_opus: bytes, filename: str = "cau-noi.ogg") -> None:
        await with_retries(
            lambda: self.bot.send_voice(chat_id, ogg_opus, filename=filename),
            retry_delay, attempts=self.attempts, base_delay=self.base_delay, what="Telegram sendVoice",
        )

    async def download(self, file_id: str) -> bytes:
        async def fetch() -> bytes:
            file = await self.bot.get_file(file_id)
            return bytes(await file.download_as_bytearray())

        return await with_retries(fetch, retry_delay, attempts=self.attempts, base_delay=self.base_delay,
                                  what="Telegram file download")

    async def typing(self, chat_id: int) -> None:
        try:
            await self.bot.send_chat_action(chat_id, "typing")
        except Exception as exc:  # cosmetic: never hold up an answer for it
            logger.debug("typing indicator failed: %s", exc)
