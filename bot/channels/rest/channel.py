"""The REST channel at /webhooks/rest/webhook: Rasa's REST input, with the body checked and its
conversations kept apart from every other channel's.

    POST /webhook  {"sender": "...", "message": "...", "metadata"?: {...}}   (`?stream=true` too)
    GET  /         {"status": "ok"}

- A REST caller's `sender` becomes the conversation `rest:<sender>`, so no caller can continue a
  Telegram, Zalo or kiosk conversation (`telegram:<chat id>` is a guessable number). The replies name
  the sender as the caller gave it. The input channel is always `rest`: a caller cannot pose as a
  messaging platform (notices go only to those).
- With a token (CAUNOI_REST_TOKEN or `rest.token` in caunoi.yml) every request needs
  `Authorization: Bearer <token>`. `caunoi run` turns REST off when it listens on a non-loopback
  address without one (bot/runtime/supervisor.py).
- Bad bodies get 400/413 with the guard's JSON error (bot/channels/guard.py), never a 500.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.config import rest_token
from bot.channels.guard import Rejected, bearer_matches, body_of, guarded, json_object
from bot.channels.inbox import MAX_TEXT_CHARS
from bot.settings import load_settings

logger = logging.getLogger(__name__)

CHANNEL = "rest"
PREFIX = f"{CHANNEL}:"
MAX_SENDER_CHARS = 256
def conversation_id(sender: str) -> str:
    return PREFIX + sender


@dataclass(frozen=True)
class RestMessage:
    sender: str | None  # as the caller gave it
    text: str
    metadata: dict[str, Any] | None


def check_body(body: bytes) -> RestMessage:
    """The message in a webhook body, or Rejected saying what is wrong with it."""
    data = json_object(body)
    sender = data.get("sender")
    if sender is not None:
        if isinstance(sender, bool) or not isinstance(sender, (str, int)):
            raise Rejected(400, "Mã người gửi không hợp lệ. / 'sender' must be a string.")
        sender = str(sender)
        if not sender.strip() or len(sender) > MAX_SENDER_CHARS:
            raise Rejected(400, f"Mã người gửi không hợp lệ. / 'sender' must be 1 to {MAX_SENDER_CHARS} characters.")
    message = data.get("message")
    if not isinstance(message, str):
        problem = "is missing" if message is None else "must be a string"
        raise Rejected(400, f"Thiếu nội dung tin nhắn. / 'message' {problem}.")
    if not message.strip():
        raise Rejected(400, "Tin nhắn trống. / 'message' is empty.")
    if len(message) > MAX_TEXT_CHARS:
        raise Rejected(413, f"Tin nhắn quá dài. / 'message' is over {MAX_TEXT_CHARS} characters.")
    try:
        message.encode("utf-8")  # JSON can smuggle lone surrogates that break every later encode
    except UnicodeEncodeError:
        raise Rejected(400, "Tin nhắn có ký tự lỗi. / 'message' is not valid Unicode.") from None
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise Rejected(400, "'metadata' must be a JSON object.")
    return RestMessage(sender, message, metadata)


class RestChannel(RestInput):
    def __init__(self, token: str = "") -> None:
        self.token = token

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestChannel:
        return cls(rest_token(load_settings()))

    def blueprint(self, on_new_message: Any) -> Blueprint:
        bp = Blueprint("rest_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        @guarded
        async def receive(request: Request) -> HTTPResponse:
            if self.token and not bearer_matches(request.headers.get("authorization"), self.token):
                raise Rejected(401, "missing or wrong token", {"WWW-Authenticate": "Bearer"})
            message = check_body(body_of(request))
            caller = message.sender if message.sender is not None else "default"
            sender = conversation_id(caller)
            if bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, message.text, sender, CHANNEL, message.metadata),
                    content_type="text/event-stream")
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(message.text, collector, sender, input_channel=CHANNEL,
                                                 metadata=message.metadata))
            except asyncio.CancelledError:
                logger.error("REST message timed out")
            except Exception:
                logger.exception("REST message could not be handled")
            # The caller's own name for the conversation, not the internal id.
            return response.json([{**m, "recipient_id": caller} for m in collector.messages])

        return bp
