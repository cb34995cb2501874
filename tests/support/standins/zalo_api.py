"""Stand-in for Zalo's servers on loopback: the OA v3 message API, OAuth v4 refresh, and the webhook side.

It speaks the real wire protocol (see bot/channels/zalo/client.py for the formats and where they come
from) and enforces the rules the client has to live with:

- `POST /v3.0/oa/message/cs` answers HTTP 200 with Zalo's envelope; a wrong or expired `access_token`
  header gets `{"error": -216, "message": "Access token is invalid"}`; a malformed body gets -201
  (invalid parameter) and a text or button over its limit -210 (parameter exceeds limit).
- `POST /v2.0/oa/upload/image` takes a multipart `file` (PNG, JPEG or GIF, at most 1 MB) and answers
  `data.attachment_id`; a message may then carry it in a media template instead of text.
- `POST /v4/oa/access_token` checks the `secret_key` header and the form (app_id,
  grant_type=refresh_token); a refresh token works ONCE; a refresh issues a new pair with
  `expires_in` as a string and invalidates the old access token.

Assumptions where Zalo's docs are silent: the OAuth error codes (-14014 invalid refresh token, -14002
bad app id / secret key, -14003 invalid parameter) and their HTTP 200 status.

The webhook helpers build events the way Zalo sends them and sign them with hashlib directly, so a bug
in bot/channels/zalo/signature.py cannot hide behind a shared helper.
"""

from __future__ import annotations

import asyncio
import email.policy
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.parser import BytesParser
from typing import Any

import httpx
from aiohttp import web

from tests.support.standins.base import RecordedRequest, StandInServer

MESSAGE_PATH = "/v3.0/oa/message/cs"
REFRESH_PATH = "/v4/oa/access_token"
UPLOAD_IMAGE_PATH = "/v2.0/oa/upload/image"
MAX_IMAGE = 1_000_000
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8")

MAX_TEXT = 2000
CDN_PATH = "/cdn/"
MAX_BUTTONS = 5
MAX_BUTTON_TITLE = 100
MAX_BUTTON_PAYLOAD = 1000
BUTTON_TYPES = {"oa.query.show", "oa.query.hide", "oa.open.url", "oa.open.phone", "oa.open.sms"}
ACCESS_TOKEN_LIFETIME_S = 90000  # 25 hours, what Zalo issues


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str


@dataclass
class _Failure:
    mode: int | str | None  # HTTP status, "drop", or None (answer normally after the delay)
    delay: float
    times: int


class ZaloAPI(StandInServer):
    def __init__(self, app_id: str, app_secret: str, access_token: str, refresh_token: str,
                 expires_in: float = ACCESS_TOKEN_LIFETIME_S, expired_code: int = -216) -> None:
        super().__init__()
        self.app_id = app_id
        self.app_secret = app_secret
        self.expired_code = expired_code
        self._state = threading.Lock()
        self._access = access_token
        self._access_expires = time.time() + expires_in
        self._refresh = refresh_token
        self._spent_refresh: set[str] = set()
        self._sent: list[dict[str, Any]] = []
        self._failures: dict[str, list[_Failure]] = {}
        self._observers: list[Callable[[RecordedRequest], None]] = []
        self._blocked: dict[str, tuple[int, str]] = {}
        self._files: dict[str, bytes] = {}  # "Zalo's CDN": attachments people sent
        self._uploads: dict[str, bytes] = {}  # pictures the OA uploaded, by attachment_id
        self.refresh_count = 0

    # -- test controls --------------------------------------------------------------------------------

    @property
    def current_tokens(self) -> TokenPair:
        with self._state:
            return TokenPair(self._access, self._refresh)

    def expire_access_token(self) -> None:
        """The current access token now counts as expired (Zalo answers `expired_code` to it)."""
        with self._state:
            self._access_expires = time.time() - 1

    def fail_next(self, path: str, failure: int | str | None = 500, *, delay: float = 0.0, times: int = 1) -> None:
        """The next `times` requests to `path` fail: `failure` is an HTTP status, "drop" (close the
        connection without answering) or None (answer normally); `delay` seconds pass first."""
        if not (failure is None or failure == "drop" or isinstance(failure, int)):
            raise ValueError(f"unknown failure {failure!r}")
        with self._state:
            self._failures.setdefault(path, []).append(_Failure(failure, delay, times))

    def block_user(self, user_id: str, code: int = -230,
                   message: str = "User has not interacted with the OA in the last 7 days") -> None:
        """Messages to `user_id` fail with `code` (Zalo's 7-day interaction window by default)."""
        with self._state:
            self._blocked[user_id] = (code, message)

    def on_request(self, observer: Callable[[RecordedRequest], None]) -> None:
        """Call `observer` (on the server thread) for every request, before it is answered."""
        self._observers.append(observer)

    def sent_messages(self, user_id: str | None = None) -> list[dict[str, Any]]:
        with self._state:
            return [dict(m) for m in self._sent if user_id is None or m["user_id"] == user_id]

    def wait_sent(self, user_id: str, done: Callable[[list[dict[str, Any]]], bool],
                  timeout: float = 180) -> list[dict[str, Any]]:
        """Poll what was accepted for `user_id` until `done` holds; TimeoutError shows what was sent."""
        deadline = time.monotonic() + timeout
        while True:
            sent = self.sent_messages(user_id)
            if done(sent):
                return sent
            if time.monotonic() > deadline:
                raise TimeoutError(f"user got {[(m['text'] or '<picture>')[:70] for m in sent]}")
            time.sleep(0.05)

    def texts(self, user_id: str) -> list[str]:
        return [m["text"] for m in self.sent_messages(user_id) if m["text"] is not None]

    def images(self, user_id: str) -> list[bytes]:
        """The pictures sent to `user_id` in media messages, in order."""
        return [m["image"] for m in self.sent_messages(user_id) if m.get("image") is not None]

    def add_file(self, data: bytes, name: str = "file.bin") -> str:
        """A file on "Zalo's CDN" (a plain HTTP GET, as for a voice message's attachment url)."""
        with self._state:
            key = f"{len(self._files) + 1:04d}-{name}"
            self._files[key] = data
        return f"{self.url}{CDN_PATH}{key}"

    # -- server ---------------------------------------------------------------------------------------

    def routes(self, app: web.Application) -> None:
        app.router.add_post(MESSAGE_PATH, self._message)
        app.router.add_post(REFRESH_PATH, self._access_token)
        app.router.add_post(UPLOAD_IMAGE_PATH, self._upload_image)
        app.router.add_get(CDN_PATH + "{key}", self._cdn)

    async def _cdn(self, request: web.Request) -> web.StreamResponse:
        with self._state:
            data = self._files.get(request.match_info["key"])
        if data is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=data, content_type="application/octet-stream")

    async def _intercept(self, request: web.Request) -> tuple[RecordedRequest, web.StreamResponse | None]:
        body = await request.read()
        params: dict[str, Any] = {}
        if request.content_type == "application/json":
            try:
                params = json.loads(body)
            except ValueError:
                params = {}
        elif request.content_type == "application/x-www-form-urlencoded":
            params = dict(await request.post())
        recorded = RecordedRequest(request.method, request.path, dict(request.query), dict(request.headers),
                                   body, params if isinstance(params, dict) else {})
        self.record(recorded)
        for observer in list(self._observers):
            observer(recorded)
        failure = self._take_failure(request.path)
        if failure is None:
            return recorded, None
        if failure.delay:
            await asyncio.sleep(failure.delay)
        if failure.mode == "drop":
            assert request.transport is not None
            request.transport.abort()
            return recorded, web.Response(status=500)  # never reaches the client
        if isinstance(failure.mode, int):
            return recorded, web.Response(status=failure.mode, text="stand-in failure")
        return recorded, None

    def _take_failure(self, path: str) -> _Failure | None:
        with self._state:
            queue = self._failures.get(path)
            if not queue:
                return None
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
            return failure

    def _token_problem(self, request: web.Request) -> web.Response | None:
        token = request.headers.get("access_token", "")
        with self._state:
            if token != self._access or not token:
                return _zalo_error(-216, "Access token is invalid")
            if time.time() >= self._access_expires:
                return _zalo_error(self.expired_code, "Access token has expired")
        return None

    async def _upload_image(self, request: web.Request) -> web.StreamResponse:
        recorded, failed = await self._intercept(request)
        if failed is not None:
            return failed
        refused = self._token_problem(request)
        if refused is not None:
            return refused
        data = _multipart_file(request.headers.get("Content-Type", ""), recorded.body)
        if data is None:
            return _zalo_error(-201, "Parameters are invalid: file")
        if len(data) > MAX_IMAGE:
            return _zalo_error(-210, "Parameter exceeds limit: file size")
        if not data.startswith(IMAGE_MAGIC):
            return _zalo_error(-201, "Parameters are invalid: file is not an image")
        attachment_id = secrets.token_urlsafe(16)
        with self._state:
            self._uploads[attachment_id] = data
        return web.json_response({"data": {"attachment_id": attachment_id}, "error": 0, "message": "Success"})

    async def _message(self, request: web.Request) -> web.StreamResponse:
        recorded, failed = await self._intercept(request)
        if failed is not None:
            return failed
        token = request.headers.get("access_token", "")
        refused = self._token_problem(request)
        if refused is not None:
            return refused
        try:
            body = json.loads(recorded.body)
        except ValueError:
            return _zalo_error(-201, "Parameters are invalid: body is not JSON")
        problem = _message_problem(body)
        if problem is not None:
            return _zalo_error(*problem)
        message_id = secrets.token_hex(16)
        user_id = body["recipient"]["user_id"]
        with self._state:
            if user_id in self._blocked:
                return _zalo_error(*self._blocked[user_id])
            image = None
            media = _media_elements(body["message"])
            if media is not None:
                image = self._uploads.get(media[0].get("attachment_id"))
                if image is None:
                    return _zalo_error(-201, "Parameters are invalid: attachment_id")
            self._sent.append({
                "user_id": user_id,
                "image": image,
                "text": body["message"].get("text"),
                "attachment": body["message"].get("attachment"),
                "message_id": message_id,
                "access_token": token,
            })
        return web.json_response({"data": {"message_id": message_id, "user_id": user_id},
                                  "error": 0, "message": "Success"})

    async def _access_token(self, request: web.Request) -> web.StreamResponse:
        recorded, failed = await self._intercept(request)
        if failed is not None:
            return failed
        form = recorded.params
        if request.headers.get("secret_key") != self.app_secret:
            return _oauth_error(-14002, "Invalid app", "Invalid secret key")
        if form.get("app_id") != self.app_id:
            return _oauth_error(-14002, "Invalid app", "Invalid app id")
        if form.get("grant_type") != "refresh_token" or not form.get("refresh_token"):
            return _oauth_error(-14003, "Invalid parameter", "grant_type must be refresh_token")
        with self._state:
            given = form["refresh_token"]
            if given != self._refresh or given in self._spent_refresh:
                return _oauth_error(-14014, "Invalid parameter", "Invalid refresh token")
            self._spent_refresh.add(given)
            self._access = "AT-" + secrets.token_urlsafe(24)
            self._refresh = "RT-" + secrets.token_urlsafe(24)
            self._access_expires = time.time() + ACCESS_TOKEN_LIFETIME_S
            self.refresh_count += 1
            answer = {"access_token": self._access, "refresh_token": self._refresh,
                      "expires_in": str(ACCESS_TOKEN_LIFETIME_S)}
        return web.json_response(answer)


def _message_problem(body: Any) -> tuple[int, str] | None:
    if not isinstance(body, dict):
        return -201, "Parameters are invalid: body is not an object"
    recipient = body.get("recipient")
    if not isinstance(recipient, dict) or not isinstance(recipient.get("user_id"), str) or not recipient["user_id"]:
        return -201, "Parameters are invalid: recipient.user_id"
    message = body.get("message")
    if not isinstance(message, dict):
        return -201, "Parameters are invalid: message"
    media = _media_elements(message)
    if media is not None:  # a picture: no text needed
        if len(media) != 1 or media[0].get("media_type") != "image" or not media[0].get("attachment_id"):
            return -201, "Parameters are invalid: message.attachment.payload.elements"
        return None
    text = message.get("text")
    if not isinstance(text, str) or not text.strip():
        return -201, "Parameters are invalid: message.text"
    if _utf16_len(text) > MAX_TEXT:
        return -210, "Parameter exceeds limit: message.text"
    if "attachment" in message:
        return _attachment_problem(message["attachment"])
    return None


def _media_elements(message: dict[str, Any]) -> list[dict[str, Any]] | None:
    attachment = message.get("attachment")
    payload = attachment.get("payload") if isinstance(attachment, dict) else None
    if not isinstance(payload, dict) or payload.get("template_type") != "media":
        return None
    elements = payload.get("elements")
    return [e for e in elements if isinstance(e, dict)] if isinstance(elements, list) else []


def _multipart_file(content_type: str, body: bytes) -> bytes | None:
    """The `file` part of a multipart/form-data body, parsed with the standard library's MIME parser."""
    if not content_type.startswith("multipart/form-data"):
        return None
    message = BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "file":
            return part.get_payload(decode=True)
    return None


def _attachment_problem(attachment: Any) -> tuple[int, str] | None:
    if not isinstance(attachment, dict) or attachment.get("type") != "template":
        return -201, "Parameters are invalid: message.attachment"
    payload = attachment.get("payload")
    if not isinstance(payload, dict) or not isinstance(payload.get("buttons"), list) or not payload["buttons"]:
        return -201, "Parameters are invalid: message.attachment.payload.buttons"
    buttons = payload["buttons"]
    if len(buttons) > MAX_BUTTONS:
        return -210, "Parameter exceeds limit: buttons"
    for button in buttons:
        if not isinstance(button, dict) or button.get("type") not in BUTTON_TYPES:
            return -201, "Parameters are invalid: button type"
        title = button.get("title")
        if not isinstance(title, str) or not title.strip():
            return -201, "Parameters are invalid: button title"
        if _utf16_len(title) > MAX_BUTTON_TITLE:
            return -210, "Parameter exceeds limit: button title"
        if button["type"] in ("oa.query.show", "oa.query.hide"):
            query = button.get("payload")
            if not isinstance(query, str) or not query:
                return -201, "Parameters are invalid: button payload"
            if _utf16_len(query) > MAX_BUTTON_PAYLOAD:
                return -210, "Parameter exceeds limit: button payload"
    return None


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _zalo_error(code: int, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message})


def _oauth_error(code: int, name: str, reason: str) -> web.Response:
    return web.json_response({"error": code, "error_name": name, "error_reason": reason,
                              "error_description": reason, "ref_doc": "https://developers.zalo.me/docs"})


# -- webhook side ---------------------------------------------------------------------------------------


def zalo_event(event_name: str, user_id: str, *, app_id: str, text: str | None = None, msg_id: str | None = None,
               attachments: list[dict[str, Any]] | None = None, timestamp_ms: int | None = None,
               oa_id: str = "388613280878808645", user_id_by_app: str = "552177279717587730") -> dict[str, Any]:
    """An event as Zalo sends it (field order and types as in the docs' examples)."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    if event_name in ("follow", "unfollow"):
        return {"oa_id": oa_id, "follower": {"id": user_id}, "user_id_by_app": user_id_by_app,
                "event_name": event_name, "source": "oa_profile", "app_id": app_id, "timestamp": timestamp}
    message: dict[str, Any] = {"msg_id": msg_id or secrets.token_hex(10)}
    if text is not None:
        message["text"] = text
    if attachments is not None:
        message["attachments"] = attachments
    return {"app_id": app_id, "sender": {"id": user_id}, "user_id_by_app": user_id_by_app,
            "recipient": {"id": oa_id}, "event_name": event_name, "message": message, "timestamp": timestamp}


def event_body(event: dict[str, Any]) -> bytes:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign_event(body: bytes, app_id: str, timestamp: str, oa_secret_key: str) -> dict[str, str]:
    mac = hashlib.sha256(app_id.encode() + body + timestamp.encode() + oa_secret_key.encode()).hexdigest()
    return {"Content-Type": "application/json", "X-ZEvent-Signature": f"mac={mac}"}


def post_event(webhook_url: str, body: bytes, headers: dict[str, str], timeout: float = 30) -> tuple[int, str]:
    response = httpx.post(webhook_url, content=body, headers=headers, timeout=timeout)
    return response.status_code, response.text
