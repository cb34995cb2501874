"""The path every platform message takes to the engine, shared by all channels.

once (deduplicated) → in order per sender → rate-limited → engine → replies as plain data → sent by
the channel. The engine's answers are collected first and sent after the turn is stored, so a
platform outage while sending cannot break the conversation state.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.channels import notices
from bot.channels.ordering import KeyedLocks
from bot.channels.ratelimit import RateLimiter, Verdict
from bot.channels.replies import Outgoing, from_engine
from bot.channels.seen import SeenMessages
from voice.errors import VoiceError

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2000  # longer than any question; the NLU reads only the first 1000 anyway

Engine = Callable[[UserMessage], Awaitable[Any]]
Send = Callable[[list[Outgoing]], Awaitable[None]]


class Outcome(Enum):
    ANSWERED = "answered"
    NOTICE = "notice"
    DUPLICATE = "duplicate"
    LIMITED = "limited"
    TOO_LONG = "too_long"
    FAILED = "failed"


@dataclass(frozen=True)
class Incoming:
    channel: str  # "telegram", "zalo"
    sender_id: str  # the conversation id, prefixed with the channel: "telegram:42"
    message_id: str  # the platform's id, for deduplication
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    # Set when the message cannot go to the engine (a sticker, a voice note before voice is on):
    # the sender gets this short notice instead, still deduplicated and rate-limited.
    notice: str | None = None
    # A voice message: produces the text inside the sender's turn (after deduplication and the rate
    # limit, in order with their typed messages). A VoiceError becomes its user_message.
    transcribe: Callable[[], Awaitable[str]] | None = None


class Collector(OutputChannel):
    """Keeps the engine's messages whole (text, buttons and custom together)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self.messages: list[dict[str, Any]] = []

    def name(self) -> str:  # type: ignore[override]  (Rasa reads the input channel's name here)
        return self._name

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.messages.append(dict(message))


class Inbox:
    def __init__(self, engine: Engine, seen: SeenMessages, limiter: RateLimiter | None = None) -> None:
        self.engine = engine
        self.seen = seen
        self.limiter = limiter or RateLimiter()
        self.locks = KeyedLocks()

    async def handle(self, incoming: Incoming, send: Send) -> Outcome:
        if not self.seen.claim(incoming.channel, incoming.message_id):
            logger.info("%s message %s delivered again: already answered", incoming.channel, incoming.message_id)
            return Outcome.DUPLICATE
        # Taken before any await: the sender's messages keep their arrival order.
        async with self.locks.hold(incoming.sender_id):
            verdict = self.limiter.check(incoming.sender_id)
            if verdict is not Verdict.ALLOWED:
                if verdict is Verdict.LIMITED_FIRST:
                    await send([Outgoing(notices.SLOW_DOWN)])
                return Outcome.LIMITED
            if incoming.notice is not None:
                await send([Outgoing(incoming.notice)])
                return Outcome.NOTICE
            text = incoming.text
            heard: list[Outgoing] = []
            if incoming.transcribe is not None:
                try:
                    text = await incoming.transcribe()
                except VoiceError as exc:
                    await send([Outgoing(exc.user_message)])
                    return Outcome.NOTICE
                # Show what was understood, so a wrong transcript is noticed before the answer is trusted.
                heard = [Outgoing(notices.HEARD.format(text=text), custom={"transcript": text})]
            if len(text) > MAX_TEXT_CHARS:
                await send([Outgoing(notices.TOO_LONG)])
                return Outcome.TOO_LONG
            collector = Collector(incoming.channel)
            try:
                await self.engine(UserMessage(
                    text, collector, incoming.sender_id, input_channel=incoming.channel,
                    message_id=incoming.message_id, metadata=incoming.metadata or None,
                ))
            except Exception:
                logger.exception("engine failed on a %s message", incoming.channel)
                self.seen.release(incoming.channel, incoming.message_id)
                await send([Outgoing(notices.ENGINE_ERROR)])
                return Outcome.FAILED
            replies = [out for out in map(from_engine, collector.messages) if out is not None]
            await send(heard + replies)
            return Outcome.ANSWERED
