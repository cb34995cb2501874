"""A local Telegram Bot API: speaks the real HTTP protocol on loopback so the real python-telegram-bot
client (pointed at it with `base_url=f"{api.url}/bot"`, `base_file_url=f"{api.url}/file/bot"`) works
unmodified, including Telegram's errors, long polling and webhooks.

Threading: handlers run on the stand-in's own loop; the test-driver methods (`push_*`, `fail_next`,
accessors...) are called from the test thread. All state lives behind one lock and every change that
a long poll may be waiting for wakes it through the loop.

Deliberate deviations from Telegram, all for testability:
- setWebhook accepts plain http:// URLs on loopback (Telegram demands HTTPS), and updates are only
  delivered to the webhook when the test calls `deliver_to_webhook`.
- parse_mode is validated by name only; the text is echoed as sent, not parsed into entities.
- file contents are never inspected (no image decoding, no audio duration).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import email
import email.policy
import json
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import aiohttp
from aiohttp import web

from tests.support.standins.base import RecordedRequest, StandInServer

# Telegram's limits (https://core.telegram.org/bots/api).
MAX_TEXT_UTF16 = 4096
MAX_CAPTION_UTF16 = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_REPLY_BUTTONS = 300
MAX_GETFILE_BYTES = 20 * 1024 * 1024
MAX_COMMANDS = 100

NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")
WEBHOOK_CONFLICT = ("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
                    "the webhook first")
POLL_CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"

# Update types Telegram sends when allowed_updates is empty or was never given.
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document",
    "choose_sticker", "find_location", "record_video_note", "upload_video_note",
})
_INLINE_ACTIONS = frozenset({
    "url", "callback_data", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
})

# Every request parameter reaches Telegram as a string (query, form or multipart); these are the ones whose
# value is a JSON document, an integer or a boolean. PTB JSON-encodes every non-string value.
_JSON_PARAMS = frozenset({
    "reply_markup", "entities", "caption_entities", "allowed_updates", "commands", "scope", "link_preview_options",
    "reply_parameters", "media", "results", "options", "explanation_entities", "permissions", "prices", "reaction",
})
_INT_PARAMS = frozenset({
    "chat_id", "message_id", "offset", "limit", "timeout", "duration", "user_id", "from_chat_id",
    "reply_to_message_id", "message_thread_id", "max_connections", "cache_time", "width", "height", "length",
})
_BOOL_PARAMS = frozenset({
    "disable_notification", "protect_content", "drop_pending_updates", "show_alert", "disable_web_page_preview",
    "allow_sending_without_reply", "has_spoiler", "disable_content_type_detection", "supports_streaming",
    "show_caption_above_media", "allow_paid_broadcast",
})

_FAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

_EXTENSIONS = {
    "audio/ogg": "oga", "audio/mpeg": "mp3", "audio/mp4": "m4a", "audio/wav": "wav", "audio/x-wav": "wav",
    "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf", "video/mp4": "mp4",
}
_FOLDERS = {"voice": "voice", "audio": "music", "document": "documents", "photo": "photos", "sticker": "stickers"}
_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")
_POLL_SLICE = 0.2  # how often a waiting long poll notices that its client went away


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as the stand-in received it."""

    data: bytes
    filename: str
    content_type: str


@dataclass
class TelegramRequest(RecordedRequest):
    """A recorded Bot API call. Recorded on arrival; the outcome fields are filled in when it is answered."""

    api_method: str = ""  # canonical name ("sendMessage") whatever the case used; "download" for file downloads
    status: int | None = None  # HTTP status of the answer; None while pending or when the connection was dropped
    dropped: bool = False
    result: Any = None
    description: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


class ApiError(Exception):
    """A Telegram error answer: the HTTP status is the error_code."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


@dataclass
class _Fault:
    kind: str  # "fail", "delay" or "drop"
    times: int
    status: int = 0
    description: str = ""
    retry_after: int | None = None
    seconds: float = 0.0


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    mime_type: str
    file_name: str | None
    file_size: int
    file_path: str
    path_issued: bool = False  # Telegram only serves a file_path handed out by getFile


@dataclass
class _Poll:
    terminated: bool = False


@dataclass
class _Webhook:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


def utf16_len(text: str) -> int:
    """Telegram measures text in UTF-16 code units (an emoji outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Type the string values like Telegram does, per parameter name; unknown names stay strings."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if key in _JSON_PARAMS:
                try:
                    value = json.loads(value)
                except ValueError:
                    pass  # left as a string: the method's validation answers like Telegram
            elif key in _INT_PARAMS and re.fullmatch(r"-?\d+", value):
                value = int(value)
            elif key in _BOOL_PARAMS and value.lower() in ("true", "false", "1", "0"):
                value = value.lower() in ("true", "1")
        out[key] = value
    return out


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    # The stdlib email parser is byte-exact for binary parts and leaves the raw body readable for the record.
    message = email.message_from_bytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body,
                                       policy=email.policy.HTTP)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            fields[name] = UploadedFile(payload, filename, part.get_content_type())
        else:
            fields[name] = payload.decode("utf-8", "replace")
    return fields


def _sniff_audio(data: bytes, declared: str) -> str:
    if data.startswith(b"OggS"):
        return "audio/ogg"
    if data.startswith(b"ID3") or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    return declared


class TelegramBotAPI(StandInServer):
    """The Telegram Bot API for one bot token. See the module docstring for the client setup."""

    def __init__(self, token: str, *, username: str = "caunoi_test_bot", first_name: str = "Cầu Nối Test",
                 known_chats_only: bool = True) -> None:
        super().__init__()
        self.token = token
        prefix = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(prefix) if prefix.isdigit() else 1, "is_bot": True, "first_name": first_name,
            "username": username, "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False,
        }
        # Like Telegram, a bot can only message chats that talked to it first (push_* or add_chat register them).
        self.known_chats_only = known_chats_only
        self._state = threading.RLock()
        self._updates: list[dict[str, Any]] = []  # pending = not yet confirmed by an offset
        self._next_update_id = 700_000_001
        self._confirmed_offset = 0
        self._allowed_updates: set[str] | None = None  # None: Telegram's default set
        self._active_poll: _Poll | None = None
        self._webhook = _Webhook()
        self._chats: dict[int, dict[str, Any]] = {}
        self._blocked: set[int] = set()
        self._last_message_id: dict[int, int] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._file_counter = 0
        self._callbacks: dict[str, dict[str, Any]] = {}  # unanswered callback queries
        self._callback_counter = 0
        self._commands: dict[str, list[dict[str, str]]] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._closing = False
        self._changed: asyncio.Event | None = None
        self._methods: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
            name.lower(): (name, fn) for name, fn in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates_now,  # served by _long_poll; the table entry names it
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "sendMessage": self._send_message,
                "sendChatAction": self._send_chat_action,
                "answerCallbackQuery": self._answer_callback_query,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "sendVoice": lambda p: self._send_media("voice", p),
                "sendAudio": lambda p: self._send_media("audio", p),
                "sendDocument": lambda p: self._send_media("document", p),
                "sendPhoto": lambda p: self._send_media("photo", p),
                "getFile": self._get_file,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
            }.items()
        }

    # ------------------------------------------------------------------ server plumbing

    def routes(self, app: web.Application) -> None:
        with self._state:
            self._closing = False
            self._changed = None  # an Event belongs to one loop; start() makes a new loop
        app.router.add_route("GET", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("POST", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{file_path:.+}", self._handle_download)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)

    def stop(self) -> None:
        # Answer pending long polls and delayed responses first, or the runner's cleanup would wait for them.
        if self._loop is not None and not self._loop.is_closed():
            with self._state:
                self._closing = True
            self._notify()
        super().stop()

    def __enter__(self) -> TelegramBotAPI:
        self.start()
        return self

    def _on_loop_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def _notify(self) -> None:
        """Wake every waiting long poll so it re-checks the state."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        if self._on_loop_thread():
            self._wake()
        else:
            loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        if self._changed is not None:
            self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_change(self, timeout: float) -> None:
        # Take the event now, synchronously after the caller's check, so a wake-up in between is not lost.
        if self._changed is None:
            self._changed = asyncio.Event()
        try:
            await asyncio.wait_for(self._changed.wait(), max(timeout, 0))
        except asyncio.TimeoutError:
            pass

    @staticmethod
    def _client_gone(request: web.Request) -> bool:
        # aiohttp 3.9 does not cancel handlers on disconnect; the transport tells instead.
        transport = request.transport
        return transport is None or transport.is_closing()

    async def _sleep(self, request: web.Request, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self._closing and not self._client_gone(request):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            await self._wait_change(min(remaining, _POLL_SLICE))

    def _respond(self, rec: TelegramRequest, status: int, payload: dict[str, Any]) -> web.Response:
        with self._lock:
            rec.status = status
            if payload.get("ok"):
                rec.result = payload.get("result")
            else:
                rec.description = payload.get("description")
        return web.Response(status=status, body=_dumps(payload), content_type="application/json")

    def _error(self, rec: TelegramRequest, err: ApiError) -> web.Response:
        payload: dict[str, Any] = {"ok": False, "error_code": err.status, "description": err.description}
        if err.retry_after is not None:
            payload["parameters"] = {"retry_after": err.retry_after}
        return self._respond(rec, err.status, payload)

    async def _read_params(self, request: web.Request) -> tuple[bytes, dict[str, Any]]:
        body = await request.read()
        raw: dict[str, Any] = dict(request.query)
        ctype = request.content_type
        if body and ctype == "application/json":
            try:
                decoded = json.loads(body)
            except ValueError as exc:
                raise ApiError(400, "Bad Request: can't parse JSON object") from exc
            if not isinstance(decoded, dict):
                raise ApiError(400, "Bad Request: can't parse JSON object")
            # Typed values stay as they are; nested objects sent JSON-encoded as strings are decoded below.
            raw.update(decoded)
        elif body and ctype == "application/x-www-form-urlencoded":
            raw.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        elif body and ctype == "multipart/form-data":
            raw.update(_parse_multipart(request.headers["Content-Type"], body))
        return body, _decode_params(raw)

    def _take_fault(self, method: str) -> _Fault | None:
        with self._state:
            queue = self._faults.get(method.lower())
            if not queue:
                return None
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.popleft()
            return fault

    def _new_record(self, request: web.Request, body: bytes, params: dict[str, Any],
                    api_method: str) -> TelegramRequest:
        rec = TelegramRequest(method=request.method, path=request.path, query=dict(request.query),
                              headers=dict(request.headers), body=body, params=params, api_method=api_method)
        self.record(rec)
        return rec

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        entry = self._methods.get(name.lower())
        canonical = entry[0] if entry else name
        try:
            body, params = await self._read_params(request)
        except ApiError as err:
            return self._error(self._new_record(request, b"", {}, canonical), err)
        rec = self._new_record(request, body, params, canonical)
        token = request.match_info["token"]
        if token != self.token:
            # Telegram: a well-formed but wrong token is 401, anything else 404.
            if _TOKEN_RE.fullmatch(token):
                return self._error(rec, ApiError(401, "Unauthorized"))
            return self._error(rec, ApiError(404, "Not Found"))
        if entry is None:
            return self._error(rec, ApiError(404, "Not Found"))
        fault = self._take_fault(canonical)
        if fault is not None and fault.kind == "drop":
            return self._drop(request, rec)
        if fault is not None and fault.kind == "fail":
            return self._error(rec, ApiError(fault.status, fault.description, fault.retry_after))
        try:
            if canonical == "getUpdates":
                result = await self._long_poll(request, params)
            else:
                with self._state:
                    result = entry[1](params)
        except ApiError as err:
            return self._error(rec, err)
        except Exception as exc:  # a stand-in bug: answer like Telegram's 500, keep the cause in the record
            return self._error(rec, ApiError(500, f"Internal Server Error: stand-in failed with {exc!r}"))
        payload: dict[str, Any] = {"ok": True, "result": result}
        if canonical in ("setWebhook", "deleteWebhook"):
            payload["description"] = self._webhook_description
        response = self._respond(rec, 200, payload)
        if fault is not None and fault.kind == "delay":
            # The call took effect and is recorded as such; only the answer is late, as when Telegram's reply
            # is slow in transit.
            await self._sleep(request, fault.seconds)
        return response

    def _drop(self, request: web.Request, rec: TelegramRequest) -> web.StreamResponse:
        with self._lock:
            rec.dropped = True
        if request.transport is not None:
            request.transport.close()
        return web.Response()  # never reaches the client: aiohttp ignores writes to a closed transport

    async def _handle_download(self, request: web.Request) -> web.StreamResponse:
        rec = self._new_record(request, b"", {"file_path": request.match_info["file_path"]}, "download")
        if request.match_info["token"] != self.token:
            return self._error(rec, ApiError(401, "Unauthorized"))
        fault = self._take_fault("download")
        if fault is not None and fault.kind == "drop":
            return self._drop(request, rec)
        if fault is not None and fault.kind == "fail":
            return self._error(rec, ApiError(fault.status, fault.description, fault.retry_after))
        with self._state:
            stored = self._files_by_path.get(request.match_info["file_path"])
            if stored is None or not stored.path_issued:
                return self._error(rec, ApiError(404, "Not Found"))
        if fault is not None and fault.kind == "delay":
            await self._sleep(request, fault.seconds)
        with self._lock:
            rec.status = 200
        return web.Response(body=stored.data, content_type=stored.mime_type)

    async def _handle_unknown_path(self, request: web.Request) -> web.StreamResponse:
        rec = self._new_record(request, await request.read(), {}, "")
        return self._error(rec, ApiError(404, "Not Found"))

    # ------------------------------------------------------------------ updates

    def _update_type(self, update: dict[str, Any]) -> str:
        return next((k for k in update if k != "update_id"), "")

    def _is_allowed(self, update: dict[str, Any]) -> bool:
        kind = self._update_type(update)
        if self._allowed_updates is None:
            return kind not in _NOT_BY_DEFAULT
        return kind in self._allowed_updates

    def _enqueue(self, update: dict[str, Any], *, force: bool = False) -> dict[str, Any]:
        """Give the update an id and queue it, unless allowed_updates filters it out (Telegram never creates it)."""
        with self._state:
            if "update_id" not in update:
                update["update_id"] = self._next_update_id
            self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
            if force or self._is_allowed(update):
                self._updates.append(update)
                self._updates.sort(key=lambda u: u["update_id"])
                self._remember(update)
        self._notify()
        return update

    def _remember(self, update: dict[str, Any]) -> None:
        """Learn chats and messages from a raw update, so replies and callbacks can refer to them."""
        for key in ("message", "edited_message", "channel_post"):
            message = update.get(key)
            if isinstance(message, dict) and isinstance(message.get("chat"), dict):
                chat = message["chat"]
                self._chats.setdefault(chat["id"], chat)
                if "message_id" in message:
                    self._messages[(chat["id"], message["message_id"])] = message
                    last = self._last_message_id.get(chat["id"], 0)
                    self._last_message_id[chat["id"]] = max(last, message["message_id"])

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._confirmed_offset = max(self._confirmed_offset, offset)
        elif offset < 0:
            # A negative offset keeps only the last -offset updates; the others are forgotten.
            forgotten = self._updates[:offset]
            self._updates = self._updates[offset:]
            if forgotten:
                self._confirmed_offset = max(self._confirmed_offset, forgotten[-1]["update_id"] + 1)

    def _get_updates_now(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The non-waiting part of getUpdates: conflicts, confirmation, settings, one batch."""
        if self._webhook.url:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = params.get("offset")
        if isinstance(offset, int):
            self._confirm(offset)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = {str(a) for a in allowed} or None
        return copy.deepcopy(self._updates[: self._limit(params)])

    @staticmethod
    def _limit(params: dict[str, Any]) -> int:
        limit = params.get("limit", 100)
        return min(max(limit, 1), 100) if isinstance(limit, int) else 100

    async def _long_poll(self, request: web.Request, params: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            timeout = max(float(params.get("timeout", 0) or 0), 0.0)
        except (TypeError, ValueError):
            timeout = 0.0
        with self._state:
            batch = self._get_updates_now(params)
            # Like Telegram, a new getUpdates ends the one still waiting with a 409.
            if self._active_poll is not None:
                self._active_poll.terminated = True
                self._notify()
            self._active_poll = None
            if batch or timeout == 0 or self._closing:
                return batch
            poll = self._active_poll = _Poll()
        deadline = time.monotonic() + timeout
        try:
            while True:
                await self._wait_change(min(deadline - time.monotonic(), _POLL_SLICE))
                with self._state:
                    if poll.terminated:
                        raise ApiError(409, POLL_CONFLICT)
                    if self._webhook.url:
                        raise ApiError(409, WEBHOOK_CONFLICT)
                    batch = copy.deepcopy(self._updates[: self._limit(params)])
                if batch or self._closing or self._client_gone(request) or time.monotonic() >= deadline:
                    return batch
        finally:
            with self._state:
                if self._active_poll is poll:
                    self._active_poll = None

    # ------------------------------------------------------------------ webhook

    @property
    def _webhook_description(self) -> str:
        return "Webhook was set" if self._webhook.url else "Webhook was deleted"

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url", "") or "")
        secret = params.get("secret_token")
        if url:
            parts = urlsplit(url)
            loopback = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")
            if parts.scheme != "https" and not loopback:
                raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
            if not parts.hostname:
                raise ApiError(400, "Bad Request: bad webhook: Failed to resolve host: Name or service not known")
        if secret is not None and not _SECRET_RE.fullmatch(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = {str(a) for a in allowed} or None
        max_connections = params.get("max_connections", 40)
        self._webhook = _Webhook(url=url, secret_token=str(secret) if url and secret is not None else None,
                                 max_connections=max_connections if isinstance(max_connections, int) else 40,
                                 allowed_updates=allowed if isinstance(allowed, list) else None)
        self._notify()  # a waiting long poll now conflicts
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        self._webhook = _Webhook()
        return True

    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        hook = self._webhook
        info: dict[str, Any] = {"url": hook.url, "has_custom_certificate": False,
                                "pending_update_count": len(self._updates)}
        if hook.url:
            info["max_connections"] = hook.max_connections
            info["ip_address"] = "127.0.0.1"
            if hook.allowed_updates:
                info["allowed_updates"] = hook.allowed_updates
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
        return info

    async def _deliver(self, update: dict[str, Any] | None, url: str | None, timeout: float) -> int:
        with self._state:
            target = url or self._webhook.url
            if not target:
                raise RuntimeError("no webhook is set and no url was given")
            if update is not None:
                chosen = self._enqueue(copy.deepcopy(update), force=True)
            elif self._updates:
                chosen = self._updates[0]
            else:
                raise LookupError("no pending update to deliver")
            body = _dumps(chosen)
            secret = self._webhook.secret_token
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
                async with session.post(target, data=body, headers=headers) as response:
                    await response.read()
                    status, reason = response.status, response.reason
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            with self._state:
                self._webhook.last_error_date = int(time.time())
                self._webhook.last_error_message = f"Connection failed: {exc!r}"
            raise ConnectionError(f"webhook delivery to {target} failed: {exc!r}") from exc
        with self._state:
            if 200 <= status < 300:
                # A 2xx answer confirms the update; anything else leaves it pending for a retry.
                self._updates = [u for u in self._updates if u["update_id"] != chosen["update_id"]]
            else:
                self._webhook.last_error_date = int(time.time())
                self._webhook.last_error_message = f"Wrong response from the webhook: {status} {reason}"
        return status

    # ------------------------------------------------------------------ chats and messages

    def _chat_for_send(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            if self.known_chats_only or not isinstance(chat_id, int):
                raise ApiError(400, "Bad Request: chat not found")
            chat = self._chats[chat_id] = self._make_chat(chat_id, "Test", "private")
        if chat["id"] in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    @staticmethod
    def _make_chat(chat_id: int, first_name: str, chat_type: str) -> dict[str, Any]:
        if chat_type == "private":
            return {"id": chat_id, "first_name": first_name, "type": "private"}
        return {"id": chat_id, "title": f"{first_name} group", "type": chat_type}

    def _next_message_id(self, chat_id: int) -> int:
        # Private chats share one message_id sequence for both directions.
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _check_parse_mode(self, params: dict[str, Any]) -> None:
        mode = params.get("parse_mode")
        if mode and str(mode).lower() not in ("html", "markdown", "markdownv2"):
            raise ApiError(400, "Bad Request: unsupported parse_mode")

    def _check_reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """Validate reply_markup; returns what the sent Message echoes (only inline keyboards are echoed)."""
        if "reply_markup" not in params:
            return None
        markup = params["reply_markup"]
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise ApiError(400, "Bad Request: can't parse inline keyboard button: Field \"inline_keyboard\" "
                                    "must be of type Array")
            buttons = [b for row in rows for b in row]
            if len(buttons) > MAX_INLINE_BUTTONS:
                raise ApiError(400, "Bad Request: reply markup is too long")
            for button in buttons:
                self._check_inline_button(button)
            return markup if buttons else None
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
            if sum(len(r) for r in rows) > MAX_REPLY_BUTTONS:
                raise ApiError(400, "Bad Request: reply markup is too long")
            return None
        if "remove_keyboard" in markup or "force_reply" in markup:
            return None
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")

    @staticmethod
    def _check_inline_button(button: Any) -> None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise ApiError(400, "Bad Request: can't parse inline keyboard button: Field \"text\" must be of type "
                                "String")
        if not _INLINE_ACTIONS & button.keys():
            raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in "
                                "the inline keyboard")
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        if "url" in button and not str(button["url"]).startswith(("http://", "https://", "tg://")):
            raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")

    def _reply_to(self, chat: dict[str, Any], params: dict[str, Any]) -> dict[str, Any] | None:
        reply = params.get("reply_parameters")
        target = reply.get("message_id") if isinstance(reply, dict) else params.get("reply_to_message_id")
        if target is None:
            return None
        original = self._messages.get((chat["id"], target))
        if original is None:
            allow = (reply or {}).get("allow_sending_without_reply") if isinstance(reply, dict) else \
                params.get("allow_sending_without_reply")
            if allow:
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return {k: v for k, v in original.items() if k != "reply_to_message"}

    def _check_caption(self, params: dict[str, Any]) -> str | None:
        caption = params.get("caption")
        if not isinstance(caption, str) or not caption.strip():
            return None
        if utf16_len(caption.strip()) > MAX_CAPTION_UTF16:
            raise ApiError(400, "Bad Request: message caption is too long")
        return caption.strip()

    def _bot_message(self, chat: dict[str, Any], content: dict[str, Any], markup: dict[str, Any] | None,
                     reply_to: dict[str, Any] | None) -> dict[str, Any]:
        """Create and store a message from the bot; call only once every check has passed."""
        message: dict[str, Any] = {"message_id": self._next_message_id(chat["id"]), "from": self.bot_user,
                                   "chat": chat, "date": int(time.time())}
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(content)
        if markup is not None:
            message["reply_markup"] = markup
        self._messages[(chat["id"], message["message_id"])] = message
        return copy.deepcopy(message)

    def _checked_text(self, params: dict[str, Any]) -> str:
        text = params.get("text")
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            text = str(text)  # a JSON body may carry a number; Telegram takes its string form
        text = text.strip() if isinstance(text, str) else ""
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > MAX_TEXT_UTF16:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    # ------------------------------------------------------------------ methods

    def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return dict(self.bot_user)

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for_send(params)
        text = self._checked_text(params)
        self._check_parse_mode(params)
        markup = self._check_reply_markup(params)
        reply_to = self._reply_to(chat, params)
        content: dict[str, Any] = {"text": text}
        if isinstance(params.get("entities"), list):
            content["entities"] = params["entities"]
        return self._bot_message(chat, content, markup, reply_to)

    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._chat_for_send(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        # A query can be answered once; afterwards Telegram treats its id as unknown.
        if self._callbacks.pop(str(params.get("callback_query_id", "")), None) is None:
            raise ApiError(400, QUERY_INVALID)
        return True

    def _message_to_edit(self, params: dict[str, Any]) -> dict[str, Any]:
        if "inline_message_id" in params:
            raise ApiError(400, "Bad Request: message to edit not found")  # inline messages are not modelled
        if params.get("chat_id") in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        if not isinstance(params.get("message_id"), int):
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message = self._messages.get((params["chat_id"], params["message_id"]))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message.get("from", {}).get("id") != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message_to_edit(params)
        text = self._checked_text(params)
        self._check_parse_mode(params)
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        # Telegram drops the inline keyboard when an edit does not repeat it.
        markup = self._check_reply_markup(params)
        if text == message["text"] and markup == message.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        message["text"] = text
        return self._apply_edit(message, markup)

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message_to_edit(params)
        markup = self._check_reply_markup(params)
        if markup == message.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        return self._apply_edit(message, markup)

    @staticmethod
    def _apply_edit(message: dict[str, Any], markup: dict[str, Any] | None) -> dict[str, Any]:
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    def _delete_message(self, params: dict[str, Any]) -> bool:
        if self._messages.pop((params.get("chat_id"), params.get("message_id")), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    def _send_media(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for_send(params)
        value = params.get(kind)
        if isinstance(value, UploadedFile):
            stored = None
        elif isinstance(value, str) and value:
            stored = self._files.get(value)
            if stored is None:
                if value.startswith(("http://", "https://")):
                    raise ApiError(400, "Bad Request: failed to get HTTP URL content")
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        else:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        caption = self._check_caption(params)
        self._check_parse_mode(params)
        markup = self._check_reply_markup(params)
        reply_to = self._reply_to(chat, params)
        if stored is None:
            assert isinstance(value, UploadedFile)
            mime = value.content_type
            if kind in ("voice", "audio"):
                mime = _sniff_audio(value.data, mime)
            elif kind == "photo":
                mime = "image/jpeg"  # Telegram re-encodes photos as JPEG
            stored = self._store_file(value.data, kind=kind, mime_type=mime, file_name=value.filename)
        content = self._media_object(stored, kind, params)
        if caption is not None:
            content["caption"] = caption
        return self._bot_message(chat, content, markup, reply_to)

    def _media_object(self, stored: _StoredFile, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        base = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": stored.file_size}
        duration = params.get("duration") if isinstance(params.get("duration"), int) else 0
        if kind == "voice":
            return {"voice": {**base, "duration": duration, "mime_type": stored.mime_type}}
        if kind == "audio":
            audio = {**base, "duration": duration, "mime_type": stored.mime_type}
            for key in ("title", "performer"):
                if isinstance(params.get(key), str):
                    audio[key] = params[key]
            if stored.file_name:
                audio["file_name"] = stored.file_name
            return {"audio": audio}
        if kind == "photo":
            return {"photo": [{**base, "width": params.get("width", 1280), "height": params.get("height", 960)}]}
        if kind == "sticker":
            return {"sticker": {**base, "type": "regular", "width": 512, "height": 512, "is_animated": False,
                                "is_video": False, "emoji": params.get("emoji", "👍")}}
        document = {**base, "mime_type": stored.mime_type}
        if stored.file_name:
            document["file_name"] = stored.file_name
        return {"document": document}

    def _store_file(self, data: bytes, *, kind: str, mime_type: str, file_name: str | None,
                    file_size: int | None = None) -> _StoredFile:
        self._file_counter += 1
        n = self._file_counter
        # Telegram names voice/photo/sticker paths by their real format, documents and music by the file name.
        suffix = file_name.rsplit(".", 1)[1].lower() if file_name and "." in file_name else None
        if kind in ("voice", "photo", "sticker") or suffix is None:
            ext = _EXTENSIONS.get(mime_type, suffix or "bin")
        else:
            ext = suffix
        stored = _StoredFile(
            file_id=f"AgAC{n:06d}{secrets.token_urlsafe(24)}", file_unique_id=f"AQAD{n:06d}{secrets.token_hex(3)}",
            kind=kind, data=data, mime_type=mime_type, file_name=file_name,
            file_size=len(data) if file_size is None else file_size,
            file_path=f"{_FOLDERS.get(kind, 'documents')}/file_{n}.{ext}",
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._files.get(str(params.get("file_id", "")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.file_size > MAX_GETFILE_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        stored.path_issued = True
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": stored.file_size,
                "file_path": stored.file_path}

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> str:
        scope = params.get("scope") if isinstance(params.get("scope"), dict) else {"type": "default"}
        return json.dumps([scope, params.get("language_code", "")], sort_keys=True)

    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise ApiError(400, "Bad Request: too many commands")
        for command in commands:
            if not isinstance(command, dict):
                raise ApiError(400, "Bad Request: can't parse BotCommand")
            name, description = str(command.get("command", "")), str(command.get("description", ""))
            if not name:
                raise ApiError(400, "Bad Request: command must be non-empty")
            if not _BOT_COMMAND_RE.fullmatch(name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not description.strip():
                raise ApiError(400, "Bad Request: command description must be non-empty")
            if len(description) > 256:
                raise ApiError(400, "Bad Request: command description is too long")
        stored = [{"command": str(c["command"]), "description": str(c["description"])} for c in commands]
        self._commands[self._commands_key(params)] = stored
        return True

    def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    # ------------------------------------------------------------------ test driver: updates

    def add_chat(self, chat_id: int, *, first_name: str = "Test", chat_type: str = "private") -> None:
        """Make a chat known without an update (as if the user had started the bot earlier)."""
        with self._state:
            self._chats[chat_id] = self._make_chat(chat_id, first_name, chat_type)

    def block_chat(self, chat_id: int) -> None:
        """The user blocks the bot: sends to this chat answer 403 from now on."""
        with self._state:
            self._blocked.add(chat_id)

    def _user_message(self, chat_id: int, user_id: int | None, first_name: str, chat_type: str,
                      content: dict[str, Any]) -> dict[str, Any]:
        with self._state:
            chat = self._chats[chat_id] = self._make_chat(chat_id, first_name, chat_type)
            sender = {"id": user_id if user_id is not None else (chat_id if chat_id > 0 else 10_001),
                      "is_bot": False, "first_name": first_name, "language_code": "vi"}
            return {"message_id": self._next_message_id(chat_id), "from": sender, "chat": chat,
                    "date": int(time.time()), **content}

    def push_message(self, chat_id: int, text: str, *, user_id: int | None = None, first_name: str = "Test",
                     chat_type: str = "private") -> int:
        """A user writes `text`; returns the update_id. Commands get bot_command entities like Telegram sets."""
        content: dict[str, Any] = {"text": text}
        entities = []
        for match in _COMMAND_RE.finditer(text):
            entities.append({"type": "bot_command", "offset": utf16_len(text[: match.start()]),
                             "length": utf16_len(match.group())})
        if entities:
            content["entities"] = entities
        message = self._user_message(chat_id, user_id, first_name, chat_type, content)
        return self._enqueue({"message": message})["update_id"]

    def push_callback(self, chat_id: int, data: str, *, message_id: int | None = None,
                      user_id: int | None = None) -> str:
        """A user presses an inline button; returns the callback query id.

        Its message is the bot's message `message_id`, by default the latest bot message with an inline
        keyboard in the chat (a bot message is made up if there is none)."""
        with self._state:
            message = self._find_bot_message(chat_id, message_id)
            chat = message["chat"]
            self._callback_counter += 1
            query_id = str(4_000_000_000_000_000_000 + self._callback_counter)
            query = {
                "id": query_id,
                "from": {"id": user_id if user_id is not None else chat_id, "is_bot": False,
                         "first_name": chat.get("first_name", "Test"), "language_code": "vi"},
                "message": copy.deepcopy(message), "chat_instance": str(-(8_000_000_000_000_000_000 + chat_id)),
                "data": data,
            }
            update = self._enqueue({"callback_query": query})
            if update in self._updates:
                self._callbacks[query_id] = query
        return query_id

    def _find_bot_message(self, chat_id: int, message_id: int | None) -> dict[str, Any]:
        mine = [m for (cid, _), m in sorted(self._messages.items()) if cid == chat_id
                and m.get("from", {}).get("id") == self.bot_user["id"]]
        if message_id is not None:
            found = self._messages.get((chat_id, message_id))
            if found is not None:
                return found
        elif mine:
            with_keyboard = [m for m in mine if "reply_markup" in m]
            return (with_keyboard or mine)[-1]
        chat = self._chats.setdefault(chat_id, self._make_chat(chat_id, "Test", "private"))
        message = {"message_id": message_id if message_id is not None else self._next_message_id(chat_id),
                   "from": self.bot_user, "chat": chat, "date": int(time.time()) - 60, "text": "…"}
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _push_file_message(self, chat_id: int, data: bytes, kind: str, *, mime_type: str, file_name: str | None,
                           extra: dict[str, Any], user_id: int | None, first_name: str,
                           caption: str | None = None) -> int:
        with self._state:
            stored = self._store_file(data, kind=kind, mime_type=mime_type, file_name=file_name)
            content = self._media_object(stored, kind, extra)
        if caption:
            content["caption"] = caption
        message = self._user_message(chat_id, user_id, first_name, "private", content)
        return self._enqueue({"message": message})["update_id"]

    def push_voice(self, chat_id: int, data: bytes, *, mime_type: str = "audio/ogg", duration: int = 3,
                   user_id: int | None = None, first_name: str = "Test") -> int:
        return self._push_file_message(chat_id, data, "voice", mime_type=mime_type, file_name=None,
                                       extra={"duration": duration}, user_id=user_id, first_name=first_name)

    def push_audio(self, chat_id: int, data: bytes, *, mime_type: str = "audio/mpeg", duration: int = 3,
                   file_name: str = "audio.mp3", title: str | None = None, performer: str | None = None,
                   user_id: int | None = None, first_name: str = "Test") -> int:
        extra: dict[str, Any] = {"duration": duration, "title": title, "performer": performer}
        return self._push_file_message(chat_id, data, "audio", mime_type=mime_type, file_name=file_name,
                                       extra=extra, user_id=user_id, first_name=first_name)

    def push_document(self, chat_id: int, data: bytes, *, file_name: str = "document.pdf",
                      mime_type: str = "application/pdf", caption: str | None = None, user_id: int | None = None,
                      first_name: str = "Test") -> int:
        return self._push_file_message(chat_id, data, "document", mime_type=mime_type, file_name=file_name,
                                       extra={}, user_id=user_id, first_name=first_name, caption=caption)

    def push_photo(self, chat_id: int, data: bytes, *, width: int = 1280, height: int = 960,
                   caption: str | None = None, user_id: int | None = None, first_name: str = "Test") -> int:
        return self._push_file_message(chat_id, data, "photo", mime_type="image/jpeg", file_name=None,
                                       extra={"width": width, "height": height}, user_id=user_id,
                                       first_name=first_name, caption=caption)

    def push_sticker(self, chat_id: int, data: bytes = b"RIFF\x00\x00\x00\x00WEBPVP8 ", *, emoji: str = "👍",
                     user_id: int | None = None, first_name: str = "Test") -> int:
        return self._push_file_message(chat_id, data, "sticker", mime_type="image/webp", file_name=None,
                                       extra={"emoji": emoji}, user_id=user_id, first_name=first_name)

    def push_update(self, raw: dict[str, Any]) -> int:
        """Queue any raw update (a copy); assigns update_id if missing. Its chat and message become known."""
        update = self._enqueue(copy.deepcopy(raw))
        with self._state:
            query = update.get("callback_query")
            if isinstance(query, dict) and "id" in query and update in self._updates:
                self._callbacks[str(query["id"])] = query
        return update["update_id"]

    def add_file(self, data: bytes, *, kind: str = "document", mime_type: str = "application/octet-stream",
                 file_name: str | None = None, file_size: int | None = None) -> str:
        """Register a file for getFile and download; returns its file_id.

        `file_size` pretends another size (to test the 20 MB getFile limit without allocating it)."""
        with self._state:
            return self._store_file(data, kind=kind, mime_type=mime_type, file_name=file_name,
                                    file_size=file_size).file_id

    # ------------------------------------------------------------------ test driver: faults

    def _add_fault(self, method: str, fault: _Fault) -> None:
        with self._state:
            self._faults.setdefault(method.lower(), deque()).append(fault)

    def fail_next(self, method: str, *, status: int = 429, retry_after: int | None = None,
                  description: str | None = None, times: int = 1) -> None:
        """The next `times` calls of `method` ("download" for file downloads) fail without effect."""
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = (f"Too Many Requests: retry after {retry_after}" if status == 429
                           else _FAULT_DESCRIPTIONS.get(status, "Bad Request"))
        self._add_fault(method, _Fault("fail", times, status=status, description=description,
                                       retry_after=retry_after))

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next `times` calls take effect at once but are answered `seconds` later (client timeouts)."""
        self._add_fault(method, _Fault("delay", times, seconds=seconds))

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """The next `times` calls get their connection closed without an answer and without effect."""
        self._add_fault(method, _Fault("drop", times))

    # ------------------------------------------------------------------ test driver: webhook

    def deliver_to_webhook(self, update_dict: dict[str, Any] | None = None, *, url: str | None = None,
                           timeout: float = 10.0) -> int:
        """POST the oldest pending update (or `update_dict`) to the webhook like Telegram; returns the status.

        A 2xx answer confirms the update. Blocks the calling thread: from a coroutine use
        `adeliver_to_webhook`. `url` overrides the target (e.g. an https URL was registered)."""
        if self._on_loop_thread():
            raise RuntimeError("deliver_to_webhook would block the stand-in's own loop")
        return self._deliver_future(update_dict, url, timeout).result(timeout + 5)

    async def adeliver_to_webhook(self, update_dict: dict[str, Any] | None = None, *, url: str | None = None,
                                  timeout: float = 10.0) -> int:
        return await asyncio.wrap_future(self._deliver_future(update_dict, url, timeout))

    def _deliver_future(self, update_dict: dict[str, Any] | None, url: str | None,
                        timeout: float) -> concurrent.futures.Future[int]:
        assert self._loop is not None, "start the stand-in first"
        return asyncio.run_coroutine_threadsafe(self._deliver(update_dict, url, timeout), self._loop)

    def pending_updates(self) -> list[dict[str, Any]]:
        with self._state:
            return copy.deepcopy(self._updates)

    @property
    def webhook_url(self) -> str:
        with self._state:
            return self._webhook.url

    @property
    def webhook_secret(self) -> str | None:
        with self._state:
            return self._webhook.secret_token

    # ------------------------------------------------------------------ test driver: accessors

    def calls(self, method: str | None = None) -> list[TelegramRequest]:
        """Every recorded call of `method` (any outcome), in arrival order."""
        return [r for r in self.recorded() if isinstance(r, TelegramRequest)
                and (method is None or r.api_method.lower() == method.lower())]

    def _successful(self, method: str | None, chat_id: int | str | None) -> list[TelegramRequest]:
        return [r for r in self.calls(method) if r.ok and r.api_method != "download"
                and (chat_id is None or str(r.params.get("chat_id")) == str(chat_id))]

    def sent(self, method: str | None = None, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """Decoded params of the successful calls (all methods when `method` is None), in arrival order."""
        return [r.params for r in self._successful(method, chat_id)]

    def texts(self, chat_id: int | str) -> list[str]:
        """Texts of the messages successfully sent to the chat, as Telegram stored them (stripped)."""
        return [r.result["text"] for r in self._successful("sendMessage", chat_id)]

    def wait_for_texts(self, chat_id: int | str, count: int = 1, timeout: float = 30) -> list[str]:
        """Block until at least `count` messages were sent to the chat; returns all their texts."""
        deadline = time.monotonic() + timeout
        while len(texts := self.texts(chat_id)) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"expected {count} messages to chat {chat_id}, got {texts!r}")
            time.sleep(0.02)
        return texts

    def chat_actions(self, chat_id: int | str) -> list[str]:
        return [p["action"] for p in self.sent("sendChatAction", chat_id)]

    def answered_callbacks(self) -> list[dict[str, Any]]:
        return self.sent("answerCallbackQuery")

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The chat's messages as they stand now (after edits and deletions), both directions."""
        with self._state:
            return copy.deepcopy([m for (cid, _), m in sorted(self._messages.items()) if cid == chat_id])

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, str]]:
        with self._state:
            return self._get_my_commands({"scope": scope, "language_code": language_code})

    @property
    def confirmed_offset(self) -> int:
        """The highest offset a getUpdates call confirmed (0 before any)."""
        with self._state:
            return self._confirmed_offset


__all__ = ["ApiError", "TelegramBotAPI", "TelegramRequest", "UploadedFile", "utf16_len"]
