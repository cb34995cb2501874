"""Telegram updates → engine messages; one handler per kind of update.

A chat is one conversation: `telegram:<chat id>`. Only private chats talk to the engine, because
answers can be about a person's own papers and application.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Chat, Message, MessageEntity, Update, User
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.channels import notices
from bot.channels.inbox import Inbox, Incoming
from bot.channels.replies import Outgoing, in_a_language
from bot.channels.telegram.keyboard import CallbackPayloads
from bot.channels.telegram.sender import TelegramSender
from bot.dialogue.intents import Intent
from bot.dialogue.reply import payload
from bot.voice.service import VoiceService
from voice.encode import Format
from voice.errors import AudioTooLarge

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
PREFIX = f"{CHANNEL}:"
STALE_BUTTON = "Nút này đã cũ. Bạn gõ câu hỏi bằng chữ giúp mình nhé."


def malformed(update: Update) -> str | None:
    """Why an update cannot be from Telegram, or None. `Update.de_json` checks no types, and
    python-telegram-bot's filters and our handlers read these fields as Telegram documents them: a message
    without a chat made the private-chat filter raise AttributeError (found by
    tests/unit/bot/channels/telegram/test_updates_fuzz.py). The webhook answers 400 instead of dispatching it."""
    if not _is_int(update.update_id):
        return "update_id"
    query = update.callback_query
    if query is not None:
        if not isinstance(query.id, str) or not isinstance(query.from_user, User) or not _is_int(query.from_user.id):
            return "callback_query"
        if not isinstance(query.data, (str, type(None))):
            return "callback_query.data"
        if query.message is not None and not isinstance(query.message, Message):
            return "callback_query.message"
    for where, message in (("message", update.message), ("edited_message", update.edited_message),
                           ("callback_query.message", query.message if query else None)):
        if message is None:
            continue
        if not isinstance(message, Message) or not _is_int(message.message_id):
            return where
        chat = message.chat
        if not isinstance(chat, Chat) or not _is_int(chat.id) or not isinstance(chat.type, str):
            return f"{where}.chat"
        sent_by = message.from_user
        if sent_by is not None and not (isinstance(sent_by, User) and _is_int(sent_by.id)):
            return f"{where}.from"
        for key in ("text", "caption"):
            if not isinstance(getattr(message, key), (str, type(None))):
                return f"{where}.{key}"
        for key in ("entities", "caption_entities"):
            entities = getattr(message, key)
            if not isinstance(entities, tuple) or not all(
                    isinstance(e, MessageEntity) and isinstance(e.type, str) and _is_int(e.offset)
                    and _is_int(e.length) for e in entities):
                return f"{where}.{key}"
        for key in ("voice", "audio"):
            media = getattr(message, key)
            if media is not None and not (isinstance(media.file_id, str)
                                          and isinstance(media.file_size, (int, type(None)))):
                return f"{where}.{key}"
    return None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)



def sender_id(chat_id: int) -> str:
    return f"{PREFIX}{chat_id}"


def chat_id_of(sender: str) -> int:
    return int(sender[len(PREFIX):] if sender.startswith(PREFIX) else sender)


class UpdateRouter:
    def __init__(self, inbox: Inbox, sender: TelegramSender, payloads: CallbackPayloads,
                 voice: VoiceService | None = None) -> None:
        self.inbox = inbox
        self.sender = sender
        self.payloads = payloads
        self.voice = voice

    def install(self, application: Application) -> None:
        private = filters.ChatType.PRIVATE
        application.add_handler(MessageHandler(~private & (filters.COMMAND | filters.Entity("mention")),
                                               self.on_group))
        # /start and /help go to the engine as intents: what to say is the engine's business.
        application.add_handler(CommandHandler("start", self.on_start, filters=private))
        application.add_handler(CommandHandler("help", self.on_help, filters=private))
        application.add_handler(MessageHandler(private & filters.TEXT, self.on_text))
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(MessageHandler(private & (filters.VOICE | filters.AUDIO), self.on_voice))
        application.add_handler(MessageHandler(private & ~filters.StatusUpdate.ALL, self.on_other))
        application.add_error_handler(self.on_error)

    async def on_start(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._deliver(update, payload(Intent.GREET))

    async def on_help(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._deliver(update, payload(Intent.HELP))

    async def on_text(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._deliver(update, update.effective_message.text or "")

    async def on_button(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        # Stops the button's spinner; not worth delaying the answer for.
        answered = asyncio.create_task(query.answer())
        answered.add_done_callback(lambda t: t.cancelled() or t.exception())
        if query.message is None or update.effective_chat is None or update.effective_chat.type != "private":
            return
        payload = self.payloads.decode(query.data or "")
        if payload is None:
            await self._deliver(update, "", notice=STALE_BUTTON)
        else:
            await self._deliver(update, payload)

    async def on_voice(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, message = update.effective_chat, update.effective_message
        media = message.voice or message.audio if message else None
        if self.voice is None or chat is None or media is None:
            await self._deliver(update, "", notice=notices.VOICE_NOT_YET)
            return
        voice = self.voice

        async def transcribe() -> str:
            if media.file_size and media.file_size > voice.pipeline.limits.max_bytes:
                raise AudioTooLarge(f"{media.file_size} bytes")
            try:
                data = await self.sender.download(media.file_id)
            except BadRequest as exc:  # "file is too big" (over Telegram's 20 MB download limit)
                raise AudioTooLarge(str(exc)) from exc
            return (await voice.understand(data)).transcript.text

        typing = asyncio.create_task(self.sender.typing(chat.id))

        async def send(replies: list[Outgoing]) -> None:
            await self.sender.send(chat.id, replies, after=typing)
            if in_a_language(replies):
                # A team member's recording, if there is one, went with the text; the Vietnamese voice
                # must not read a minority language's words.
                return
            # They spoke: answer aloud too (everything but the echo of what was heard).
            said = [r.text for r in replies if "transcript" not in r.custom]
            spoken = await voice.speak(said, Format.OGG_OPUS)
            if spoken is not None:
                await self.sender.send_voice(chat.id, spoken.audio)

        incoming = Incoming(CHANNEL, sender_id(chat.id), str(update.update_id), "", metadata={"input": "voice"},
                            transcribe=transcribe)
        await self.inbox.handle(incoming, send)

    async def on_other(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._deliver(update, "", notice=notices.NOT_TEXT)

    async def on_group(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._deliver(update, "", notice=notices.PRIVATE_ONLY)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.error("Telegram update could not be handled: %s: %s", type(context.error).__name__, context.error)

    async def _deliver(self, update: Update, text: str, notice: str | None = None) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        typing = asyncio.create_task(self.sender.typing(chat.id)) if notice is None else None
        incoming = Incoming(CHANNEL, sender_id(chat.id), str(update.update_id), text, notice=notice)
        await self.inbox.handle(incoming, lambda replies: self.sender.send(chat.id, replies, after=typing))
