"""The Zalo Official Account channel inside the Rasa server.

Zalo POSTs every event to /webhooks/zalo/webhook and retries (in the end disables the webhook) when the
answer takes longer than 2 s. So the handler only checks the event (size, JSON, signature, age, app id),
acknowledges it at once and answers in a background task, through the shared Inbox: deduplicated by
msg_id, in order per user, rate-limited. A clean stop waits for those tasks; webhooks arriving while
stopping get 503 so Zalo delivers them again to the restarted server.

Someone who speaks gets the answer as text and, with ZALO_PUBLIC_URL set, a link to hear it, served at
/webhooks/zalo/audio/<id>.mp3 (audio_links.py: why a link, and how long it works). An answer in a language
a commune's team translated is never spoken by the Vietnamese voice; with ZALO_PUBLIC_URL set, a team
member's recording of it comes as a link to /webhooks/recordings/... (sender.py), typed or spoken.

Tokens live in `<data dir>/zalo_tokens.json`, or, when a shared database is configured (several replicas),
in its `zalo_tokens` table (token_db.py says which): the environment only seeds them (the refresh token is
single-use, see tokens.py). Without any tokens the channel still acknowledges webhooks and says so, once,
in the log.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot.channels import notices
from bot.channels.config import ZaloConfig, zalo_config
from bot.channels.download import fetch_limited
from bot.channels.guard import Rejected, body_of, error_response, rejection
from bot.channels.inbox import Inbox, Incoming
from bot.channels.proactive import ProactiveOutput
from bot.channels.replies import Outgoing, in_a_language
from bot.channels.seen import SeenMessages
from bot.channels.zalo import signature
from bot.channels.zalo.audio_links import SpokenLinks, no_links
from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.events import (
    AudioMessage,
    FileMessage,
    Follow,
    ImageMessage,
    MessageEvent,
    StickerMessage,
    TextMessage,
    Unsupported,
    ZaloEvent,
    ZaloPayloadError,
    event_from_envelope,
    parse_envelope,
)
from bot.channels.zalo.sender import ZaloSender, anonymous
from bot.channels.zalo.token_db import TOKEN_FILE, SQLTokenStore, open_token_store
from bot.channels.zalo.tokens import TokenStorage, TokenStore, TokenStoreError
from bot.dialogue.intents import Intent
from bot.dialogue.reply import payload
from bot.settings import load_settings
from bot.voice.service import VoiceService, optional_voice_service

logger = logging.getLogger(__name__)

CHANNEL = "zalo"
PREFIX = f"{CHANNEL}:"
DRAIN_SECONDS = 8.0  # `caunoi run` kills the server 10 s after asking it to stop



def sender_id(user_id: str) -> str:
    return f"{PREFIX}{user_id}"


def user_id_of(sender: str) -> str:
    return sender[len(PREFIX):] if sender.startswith(PREFIX) else sender


class EventRouter:
    """Which events reach the engine, and as what. None: acknowledged, nothing to answer."""

    def __init__(self, voice: VoiceService | None = None) -> None:
        self.voice_service = voice

    async def incoming(self, event: ZaloEvent) -> Incoming | None:
        if isinstance(event, TextMessage):
            # A tapped button arrives here too, its payload ("/ask_fee{...}") as the text.
            return self._message(event, event.text) if event.text.strip() else None
        if isinstance(event, Follow):
            # What to say to a new follower is the engine's business (greeting + procedure buttons).
            # A follow has no msg_id; Zalo keeps the timestamp when it retries, so this key is stable.
            return Incoming(CHANNEL, sender_id(event.user_id), f"follow:{event.user_id}:{event.timestamp}",
                            payload(Intent.GREET), {"zalo_event": event.event_name})
        if isinstance(event, AudioMessage):
            return await self.voice(event, event.url)
        if isinstance(event, FileMessage):
            # People forward recordings made in another app as files.
            return await self.voice(event, event.url) if event.looks_like_audio else self._notice(event)
        if isinstance(event, (ImageMessage, StickerMessage)):
            return self._notice(event)
        if isinstance(event, Unsupported) and event.user_id and event.event_name.startswith("user_send_"):
            # Location, link, GIF, video, contact card... Only `user_send_*`: answering receipts such as
            # user_seen_message would make every answer trigger another one.
            key = f"{event.event_name}:{event.user_id}:{event.timestamp}"
            return Incoming(CHANNEL, sender_id(event.user_id), key, "", {"zalo_event": event.event_name},
                            notice=notices.NOT_TEXT)
        return None  # unfollow, the OA's own echoes (oa_send_*), receipts, events we do not know

    async def voice(self, event: MessageEvent, url: str) -> Incoming:
        """Voice messages: fetched from Zalo's CDN and transcribed inside the sender's turn."""
        voice = self.voice_service
        if voice is None:
            return self._notice(event, notices.VOICE_NOT_YET)

        async def transcribe() -> str:
            data = await fetch_limited(url, voice.pipeline.limits.max_bytes)
            return (await voice.understand(data)).transcript.text

        return Incoming(CHANNEL, sender_id(event.user_id), event.msg_id, "",
                        {"zalo_event": event.event_name, "input": "voice"}, transcribe=transcribe)

    @staticmethod
    def _message(event: MessageEvent, text: str) -> Incoming:
        return Incoming(CHANNEL, sender_id(event.user_id), event.msg_id, text, {"zalo_event": event.event_name})

    @staticmethod
    def _notice(event: MessageEvent, notice: str = notices.NOT_TEXT) -> Incoming:
        return Incoming(CHANNEL, sender_id(event.user_id), event.msg_id, "", {"zalo_event": event.event_name},
                        notice=notice)


class ZaloInput(InputChannel):
    def __init__(self, config: ZaloConfig, data_dir: Path, clock: Callable[[], float] = time.time,
                 token_store: TokenStorage | None = None) -> None:
        self.config = config
        self.clock = clock
        data_dir = Path(data_dir)
        self.token_file = TokenStore(data_dir / TOKEN_FILE)
        # The shared SQL store for replicas (open_token_store decides), else the file in the data folder.
        self.store: TokenStorage = token_store if token_store is not None else self.token_file
        self.seen = SeenMessages(data_dir / "channels.db")
        self.client = ZaloClient(config.app_id, config.app_secret, token_store=self.store,
                                 openapi_url=config.openapi_url, oauth_url=config.oauth_url)
        self.sender = ZaloSender(self.client, auth_problem_reported=not self._seed_tokens(),
                                 public_url=config.public_url)
        voice = optional_voice_service()
        self.router = EventRouter(voice)
        self.links = self._spoken_links(voice)
        self.tasks: set[asyncio.Task] = set()  # references, or the loop may collect a running answer
        self.stopping = False

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        # Secrets come from the environment or caunoi.yml, never from the credentials file.
        settings = load_settings()
        config = zalo_config(settings)
        if not config.enabled:
            raise ValueError("the Zalo channel needs ZALO_APP_ID and ZALO_OA_SECRET_KEY")
        return cls(config, settings.data_dir, token_store=open_token_store(settings, config.app_id, settings.data_dir))

    def get_output_channel(self) -> OutputChannel:
        return ProactiveOutput(CHANNEL, lambda to, replies: self.sender.send(user_id_of(to), replies))

    def _seed_tokens(self) -> bool:
        """Seed the token store from the environment; False (after one clear ERROR) when there are no tokens."""
        config = self.config
        try:
            # expires_at=0: an access token of unknown age is refreshed before its first use.
            if isinstance(self.store, SQLTokenStore):  # a file this replica used before is newer than the env
                tokens = self.store.seed(config.access_token or None, config.refresh_token or None, expires_at=0.0,
                                         previous=self.token_file if self.token_file.exists() else None)
            else:
                tokens = self.store.seed(config.access_token or None, config.refresh_token or None, expires_at=0.0)
        except (TokenStoreError, OSError) as exc:
            logger.error("Zalo channel cannot read its tokens: %s. Webhooks are acknowledged, but no answer "
                         "can be sent until this is fixed.", exc)
            return False
        if tokens is None:
            logger.error("Zalo channel has no tokens: set ZALO_REFRESH_TOKEN (and ZALO_ACCESS_TOKEN) from the "
                         "Zalo developer console. Webhooks are acknowledged, but no answer can be sent until then; "
                         "the tokens are kept in %s afterwards.", self.store.location)
            return False
        if not config.app_secret:
            logger.error("ZALO_APP_SECRET is not set: the Zalo access token cannot be refreshed, so answers "
                         "stop when it expires.")
        else:
            logger.info("Zalo channel is on (tokens in %s).", self.store.location)
        return True

    def _spoken_links(self, voice: VoiceService | None) -> SpokenLinks | None:
        if voice is None:
            return None  # voice is off altogether (logged by the voice service)
        if not self.config.public_url:
            logger.info("Zalo: voice messages are answered in text only. To also send a link to hear the answer, "
                        "set ZALO_PUBLIC_URL (zalo.public_url in caunoi.yml) to this server's public https:// "
                        "address, the one before /webhooks/zalo/webhook.")
            return None
        logger.info("Zalo: voice messages are answered in text and with a link to hear the answer "
                    "(%s/webhooks/zalo/audio/..., working for %g h).", self.config.public_url, self.config.audio_hours)
        return SpokenLinks(self.config.public_url, voice, self.config.audio_hours)

    async def answer_aloud(self, user_id: str, sender: str, replies: list[Outgoing]) -> None:
        """A voice turn's answer: the text first, then the link to hear it (when the text got through).
        An answer in a language a commune's team translated is never read by the Vietnamese voice (it
        would read those words as nonsense): the link to the team's recording, if there is one, went
        with the text."""
        if not await self.sender.send(user_id, replies) or self.links is None or in_a_language(replies):
            return
        link = await self.links.message_for(sender, replies)
        if link is not None:
            await self.sender.send(user_id, [link])

    # -- webhook ----------------------------------------------------------------------------------------

    def check(self, body: bytes, signature_header: str | None) -> ZaloEvent:
        """The event in a webhook body. Raises Rejected (with the status to answer) for anything Zalo did
        not send us, and ZaloPayloadError for a genuine event whose shape we do not know."""
        try:
            envelope = parse_envelope(body)
        except ZaloPayloadError as exc:
            raise Rejected(400, f"not a Zalo event: {exc}") from None
        # The configured app id, not the body's: an event naming another app must not verify itself.
        if not signature.verify(signature_header, self.config.app_id, body, envelope.timestamp,
                                self.config.oa_secret_key):
            raise Rejected(401, "bad signature")
        if not signature.is_fresh(envelope.timestamp, self.clock()):
            raise Rejected(403, "event too old or from the future")
        if envelope.app_id != self.config.app_id:
            raise Rejected(403, "event for another app")
        return event_from_envelope(envelope)

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("Zalo event could not be handled", exc_info=task.exception())

    async def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Wait for the answers in flight, so a clean stop loses none."""
        pending = set(self.tasks)
        if not pending:
            return
        logger.info("Zalo: finishing %d answer(s) before stopping", len(pending))
        _done, pending = await asyncio.wait(pending, timeout=timeout)
        if pending:
            logger.warning("Zalo: %d answer(s) still unfinished after %.0f s; stopping anyway", len(pending), timeout)

    async def handle(self, inbox: Inbox, event: ZaloEvent) -> None:
        incoming = await self.router.incoming(event)
        if incoming is None:
            logger.debug("Zalo %s event: nothing to answer", event.event_name)
            return
        user_id = user_id_of(incoming.sender_id)
        if incoming.transcribe is not None:  # they spoke
            outcome = await inbox.handle(
                incoming, lambda replies: self.answer_aloud(user_id, incoming.sender_id, replies))
        else:
            outcome = await inbox.handle(incoming, lambda replies: self.sender.send(user_id, replies))
        logger.debug("Zalo %s from user %s: %s", event.event_name, anonymous(user_id), outcome.value)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        inbox = Inbox(on_new_message, self.seen)
        bp = Blueprint("zalo_webhook", __name__)

        @bp.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            self.stopping = True
            await self.drain()
            await self.client.aclose()
            self.store.close()

        @bp.route("/", methods=["GET"])
        async def health(_request: Request) -> response.HTTPResponse:
            try:
                tokens = await asyncio.to_thread(self.store.exists)  # the store may be a remote database
            except TokenStoreError:
                tokens = False
            return response.json({"status": "ok", "tokens": tokens})

        @bp.route("/audio/<name>", methods=["GET"])
        async def audio(request: Request, name: str) -> response.HTTPResponse:
            return await (self.links.serve if self.links is not None else no_links)(request, name)

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> response.HTTPResponse:
            try:
                event = self.check(body_of(request, too_large="event too large"), request.headers.get(signature.HEADER))
            except Rejected as rejected:
                logger.debug("Zalo webhook rejected: %s", rejected.error)
                return rejection(rejected)
            except ZaloPayloadError as exc:
                # Signed by Zalo, but a shape we do not know: sending it again cannot help, and Zalo
                # disables webhooks that keep failing. The message names the field, never a value.
                logger.warning("Zalo event ignored, unexpected shape: %s", exc)
                return response.json({"ok": True, "ignored": True})
            if self.stopping:
                return error_response(503, "stopping")  # Zalo delivers it again later
            self.spawn(self.handle(inbox, event))
            return response.json({"ok": True})

        return bp
