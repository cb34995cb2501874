"""Async client for the Zalo OA v3 consultation-message API, with OAuth v4 token refresh.

Wire protocol (developers.zalo.me OA API v3 and OAuth v4, cross-checked against open-source clients):

    POST {openapi}/v3.0/oa/message/cs          header `access_token: <token>`, JSON body
        {"recipient": {"user_id": "…"}, "message": {"text": "…", "attachment": {…}?}}
        a picture: {"message": {"attachment": {"type": "template", "payload": {"template_type": "media",
                    "elements": [{"media_type": "image", "attachment_id": "…"}]}}}}

    POST {openapi}/v2.0/oa/upload/image        header `access_token`, multipart field `file` (≤ 1 MB)
    ->  {"error": 0, "message": "Success", "data": {"attachment_id": "…"}}
    ->  HTTP 200 {"error": 0, "message": "Success", "data": {"message_id": "…", "user_id": "…"}}
        errors also come on HTTP 200: {"error": -216, "message": "Access token is invalid"}

    POST {oauth}/v4/oa/access_token            header `secret_key: <app secret>`, form
        refresh_token=…&app_id=…&grant_type=refresh_token
    ->  {"access_token": "…", "refresh_token": "…", "expires_in": "90000"}   (expires_in: string seconds)
        or {"error": -14014, "error_name": "…", "error_reason": "…", "error_description": "…"}

Error codes acted on: -216 (access token invalid) and -124 (access token expired) trigger one refresh
and one retry; -210 (a parameter over its limit, e.g. text over 2000 characters) and every other code
raise `ZaloAPIError` at once. -32 (per-minute rate limit) and -223 (quota) are not retried here either:
waiting seconds does not restore a quota, so the caller decides.

Token refresh: one task of a process refreshes at a time (an asyncio lock), and it does so inside the
token store's own lock (`TokenStorage.refreshing`: an flock for the file store, a database lock for the
SQL store that several replicas share): read the stored pair → if another process already replaced the
pair this client holds, use that one → else spend the refresh token at Zalo → store the new pair. So one
refresh token is spent once, however many processes share the store.

Delivery is at-least-once: a timeout or a dropped connection after Zalo accepted the message is retried,
and the user may then see it twice. Losing an answer is worse for the people this bot serves.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx

from bot.channels.retry import with_retries
from bot.channels.text import utf16_len
from bot.channels.zalo.tokens import Tokens, TokenStorage, TokenStoreError

log = logging.getLogger(__name__)

MESSAGE_PATH = "/v3.0/oa/message/cs"
UPLOAD_IMAGE_PATH = "/v2.0/oa/upload/image"  # multipart field `file`; answers data.attachment_id
MAX_IMAGE_BYTES = 1_000_000
REFRESH_PATH = "/v4/oa/access_token"

TOKEN_ERROR_CODES = frozenset({-216, -124})
RATE_LIMIT_CODES = frozenset({-32, -223})

# Limits of a consultation message. Text: 2000 characters; Zalo answers -210 above it. Zalo is a JS
# service, so characters are counted as UTF-16 code units (an emoji counts 2), the stricter reading.
# Buttons: at most 5, title at most 100 characters, query payload at most 1000 characters (the figures
# an open-source client quotes from the Zalo docs; the docs page itself was not reachable from here).
MAX_TEXT_LENGTH = 2000
MAX_BUTTONS = 5
MAX_BUTTON_TITLE = 100
MAX_BUTTON_PAYLOAD = 1000

# `oa.query.hide` sends the payload back as the user's text without showing it in the chat, which suits
# machine payloads such as Rasa's "/intent{...}"; `oa.query.show` would print them in the user's bubble.
QUERY_HIDE = "oa.query.hide"
QUERY_SHOW = "oa.query.show"

REFRESH_HINT = "get a new refresh token from the Zalo developer console (OA access token tool), {reset}"


class ZaloError(Exception):
    """Base of the errors this client raises."""


class ZaloAPIError(ZaloError):
    """Zalo answered with an error code (or an unusable response)."""

    def __init__(self, code: int | None, message: str, http_status: int = 200) -> None:
        self.code = code
        self.message = message
        self.http_status = http_status
        where = f"error {code}" if code is not None else f"HTTP {http_status}"
        super().__init__(f"Zalo API {where}: {message}")

    @property
    def is_rate_limited(self) -> bool:
        return self.code in RATE_LIMIT_CODES


class ZaloAuthError(ZaloError):
    """The tokens cannot be made to work without an operator (refresh rejected, no tokens at all)."""


class ZaloUnavailableError(ZaloError):
    """Zalo could not be reached (network error, timeout or HTTP 5xx) after every attempt."""


# Length as Zalo counts it (UTF-16 code units); callers splitting long answers use this.
text_length = utf16_len


def build_message(user_id: str, text: str, buttons: Sequence[tuple[str, str]] | None = None,
                  button_type: str = QUERY_HIDE) -> dict[str, Any]:
    """The JSON body of a consultation message; raises ValueError where Zalo would refuse it."""
    if not isinstance(user_id, str) or not user_id.strip():
        raise ValueError("user_id must be a non-empty string")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must be a non-empty string")
    if text_length(text) > MAX_TEXT_LENGTH:
        raise ValueError(f"text is {text_length(text)} characters; Zalo accepts at most {MAX_TEXT_LENGTH} "
                         "(split it before calling send_text)")
    message: dict[str, Any] = {"text": text}
    if buttons:
        if len(buttons) > MAX_BUTTONS:
            # Dropping options would change what the user can answer, so this is the caller's decision.
            raise ValueError(f"{len(buttons)} buttons; Zalo shows at most {MAX_BUTTONS}")
        message["attachment"] = {
            "type": "template",
            "payload": {"buttons": [_button(title, payload, button_type) for title, payload in buttons]},
        }
    return {"recipient": {"user_id": user_id}, "message": message}


def build_image_message(user_id: str, attachment_id: str) -> dict[str, Any]:
    """A media-template message showing one uploaded picture (the layout open-source OA clients use)."""
    if not isinstance(user_id, str) or not user_id.strip():
        raise ValueError("user_id must be a non-empty string")
    element = {"media_type": "image", "attachment_id": attachment_id}
    attachment = {"type": "template", "payload": {"template_type": "media", "elements": [element]}}
    return {"recipient": {"user_id": user_id}, "message": {"attachment": attachment}}


def _message_id(answer: dict[str, Any]) -> str:
    data = answer.get("data")
    message_id = data.get("message_id") if isinstance(data, dict) else None
    if not isinstance(message_id, (str, int)) or isinstance(message_id, bool):
        raise ZaloAPIError(None, "success answer without data.message_id")
    return str(message_id)


def _button(title: str, payload: str, button_type: str) -> dict[str, str]:
    if not isinstance(title, str) or not title.strip():
        raise ValueError("button title must be a non-empty string")
    if not isinstance(payload, str) or not payload:
        raise ValueError(f"button {title!r}: payload must be a non-empty string")
    if text_length(payload) > MAX_BUTTON_PAYLOAD:
        # Truncating a payload would change its meaning; a title can be shortened, a payload cannot.
        raise ValueError(f"button {title!r}: payload longer than {MAX_BUTTON_PAYLOAD} characters")
    return {"title": truncate_title(title.strip()), "type": button_type, "payload": payload}


def truncate_title(title: str, limit: int = MAX_BUTTON_TITLE) -> str:
    """Shorten to `limit` characters at a word boundary where one is near, ending with an ellipsis."""
    if text_length(title) <= limit:
        return title
    cut = title[: limit - 1]
    while text_length(cut) > limit - 1:  # astral characters count twice
        cut = cut[:-1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


class ZaloClient:
    def __init__(
        self,
        app_id: str,
        app_secret: str,
        *,
        token_store: TokenStorage,
        openapi_url: str = "https://openapi.zalo.me",
        oauth_url: str = "https://oauth.zaloapp.com",
        timeout: float = 10.0,
        refresh_margin_s: float = 300.0,
        max_attempts: int = 3,
        backoff_base_s: float = 0.5,
        button_type: str = QUERY_HIDE,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app_id = app_id
        self._app_secret = app_secret
        self.token_store = token_store
        self.openapi_url = openapi_url.rstrip("/")
        self.oauth_url = oauth_url.rstrip("/")
        self.timeout = timeout
        self.refresh_margin_s = refresh_margin_s
        self.max_attempts = max(1, max_attempts)
        self.backoff_base_s = backoff_base_s
        self.button_type = button_type
        self._http = http
        self._owns_http = http is None
        self._clock = clock
        self._tokens: Tokens | None = None
        # One refresh at a time: the refresh token is single-use, a second refresh with it would fail.
        self._refresh_lock = asyncio.Lock()

    async def send_text(self, user_id: str, text: str, buttons: Sequence[tuple[str, str]] | None = None) -> str:
        """Send one consultation message; returns Zalo's message_id.

        `buttons` are (title, payload) pairs; a tap comes back to the webhook as a `user_send_text`
        carrying the payload. Titles longer than 100 characters are shortened with an ellipsis.
        """
        body = build_message(user_id, text, buttons, self.button_type)
        return _message_id(await self._authorised(lambda token: self._post_message(token, body)))

    async def upload_image(self, data: bytes, filename: str, mime: str = "image/png") -> str:
        """Upload a picture (at most 1 MB); returns the attachment_id to send it with."""
        if len(data) > MAX_IMAGE_BYTES:
            raise ValueError(f"image is {len(data)} bytes; Zalo accepts at most {MAX_IMAGE_BYTES}")

        async def upload(token: str) -> dict[str, Any]:
            return await self._post_api(UPLOAD_IMAGE_PATH, token, files={"file": (filename, data, mime)})

        answer = await self._authorised(upload)
        found = answer.get("data")
        attachment_id = found.get("attachment_id") if isinstance(found, dict) else None
        if not isinstance(attachment_id, str) or not attachment_id:
            raise ZaloAPIError(None, "upload answer without data.attachment_id")
        return attachment_id

    async def send_image(self, user_id: str, attachment_id: str) -> str:
        """Send an uploaded picture as a media message; returns Zalo's message_id."""
        body = build_image_message(user_id, attachment_id)
        return _message_id(await self._authorised(lambda token: self._post_message(token, body)))

    async def _authorised(self, call: Callable[[str], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
        """`call(access_token)`, refreshing the token once when Zalo rejects it; raises on any other error."""
        tokens = await self._usable_tokens()
        answer = await call(tokens.access_token)
        code = _error_code(answer)
        if code in TOKEN_ERROR_CODES:
            log.warning("Zalo rejected the access token (error %s): refreshing once and retrying", code)
            tokens = await self._refresh_unless_changed(tokens.access_token)
            answer = await call(tokens.access_token)
            code = _error_code(answer)
            if code in TOKEN_ERROR_CODES:
                raise ZaloAuthError(
                    f"Zalo rejected a freshly refreshed access token (error {code}: {answer.get('message')}); "
                    "check ZALO_APP_ID and that the app is still linked to the OA"
                )
        if code != 0:
            raise ZaloAPIError(code, str(answer.get("message") or "no message"))
        return answer

    async def refresh(self) -> Tokens:
        """Exchange the refresh token for a new pair now (persisted before it is returned)."""
        async with self._refresh_lock:
            return await self._refresh_locked()

    async def aclose(self) -> None:
        if self._http is not None and self._owns_http:
            await self._http.aclose()
            self._http = None

    async def __aenter__(self) -> ZaloClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- tokens ---------------------------------------------------------------------------------------

    async def _current(self) -> Tokens:
        if self._tokens is None:
            # In a thread: the store may be a database on another machine.
            self._tokens = await asyncio.to_thread(self.token_store.load)
            if self._tokens is None:
                raise ZaloAuthError("no Zalo tokens: " + REFRESH_HINT.format(reset=self.token_store.reset_hint))
        return self._tokens

    async def _usable_tokens(self) -> Tokens:
        tokens = await self._current()
        if not tokens.expires_within(self.refresh_margin_s, self._clock()):
            return tokens
        async with self._refresh_lock:
            tokens = await self._current()  # a waiter finds the pair another task just refreshed
            if tokens.expires_within(self.refresh_margin_s, self._clock()):
                log.info("Zalo access token expires within %.0f s: refreshing", self.refresh_margin_s)
                tokens = await self._refresh_locked()
            return tokens

    async def _refresh_unless_changed(self, rejected_access_token: str) -> Tokens:
        async with self._refresh_lock:
            tokens = await self._current()
            if tokens.access_token != rejected_access_token:
                return tokens  # another send refreshed while this one waited for the lock
            return await self._refresh_locked()

    async def _refresh_locked(self) -> Tokens:
        """Refresh under the store's lock (module doc); the caller holds `_refresh_lock`."""
        current = await self._current()
        async with self.token_store.refreshing() as held:
            stored = await held.load()
            if stored is not None and stored.refresh_token != current.refresh_token:
                # Someone else (another process or replica, an operator) already moved the store on:
                # spending our copy of a refresh token that is probably used up would only fail.
                log.info("Zalo token store holds a newer pair than this process: using it")
                current = self._tokens = stored
                if not current.expires_within(self.refresh_margin_s, self._clock()):
                    return current
            # A retried refresh whose first attempt reached Zalo finds the token spent and ends in
            # ZaloAuthError below; that is no worse than not retrying, and a plain connect error recovers.
            response = await self._post(
                self.oauth_url + REFRESH_PATH,
                headers={"secret_key": self._app_secret},
                data={"refresh_token": current.refresh_token, "app_id": self.app_id, "grant_type": "refresh_token"},
            )
            answer = _json_object(response)
            tokens = _tokens_from_refresh(answer, self._clock())
            if tokens is None:
                raise ZaloAuthError(
                    f"Zalo refresh token rejected ({_oauth_error(answer, response.status_code)}): "
                    + REFRESH_HINT.format(reset=self.token_store.reset_hint)
                )
            # Persist before use: once Zalo issued this pair the old refresh token is spent, and a crash
            # after using the new access token must not leave only the spent one in the store.
            try:
                await held.save(tokens)
            except (OSError, TokenStoreError) as exc:
                # Keeping the pair in memory still beats dropping it: the old one is dead either way.
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                log.error("could not persist refreshed Zalo tokens to %s (%s); they live in memory only, "
                          "a restart will need a new refresh token", self.token_store.location, reason)
            self._tokens = tokens
        log.info("Zalo access token refreshed; valid for %.0f s", tokens.expires_at - self._clock())
        return tokens

    # -- HTTP -----------------------------------------------------------------------------------------

    async def _post_message(self, access_token: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self._post_api(MESSAGE_PATH, access_token, json=body)

    async def _post_api(self, path: str, access_token: str, **kwargs: Any) -> dict[str, Any]:
        response = await self._post(self.openapi_url + path, headers={"access_token": access_token}, **kwargs)
        if response.status_code != 200:
            raise ZaloAPIError(None, response.reason_phrase or "unexpected status", response.status_code)
        answer = _json_object(response)
        if answer is None:
            raise ZaloAPIError(None, "answer is not a JSON object")
        return answer

    async def _post(self, url: str, **kwargs: Any) -> httpx.Response:
        """POST with retries on network errors, timeouts and HTTP 5xx (exponential backoff)."""
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.timeout)
            self._owns_http = True
        http = self._http

        async def attempt() -> httpx.Response:
            try:
                response = await http.post(url, timeout=self.timeout, **kwargs)
            except httpx.TransportError as exc:  # connect/read errors, timeouts, dropped connections
                raise _Unreachable(type(exc).__name__) from exc
            if response.status_code >= 500:
                raise _Unreachable(f"HTTP {response.status_code}")
            return response

        try:
            return await with_retries(attempt, lambda exc: 0.0 if isinstance(exc, _Unreachable) else None,
                                      attempts=self.max_attempts, base_delay=self.backoff_base_s,
                                      what=f"Zalo {_path(url)}")
        except _Unreachable as exc:
            raise ZaloUnavailableError(
                f"Zalo {_path(url)} failed after {self.max_attempts} attempts: {exc}") from None


class _Unreachable(Exception):
    """One attempt that did not reach Zalo, or reached a failing Zalo (5xx): worth another try."""


def _error_code(answer: dict[str, Any]) -> int:
    code = answer.get("error")
    if isinstance(code, int) and not isinstance(code, bool):
        return code
    if isinstance(code, str) and code.lstrip("-").isdigit():
        return int(code)
    raise ZaloAPIError(None, "answer has no integer 'error' field")


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        answer = response.json()
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def _tokens_from_refresh(answer: dict[str, Any] | None, now: float) -> Tokens | None:
    if answer is None:
        return None
    access, refresh, expires_in = answer.get("access_token"), answer.get("refresh_token"), answer.get("expires_in")
    if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
        return None
    try:
        seconds = float(expires_in)  # Zalo sends a string: "90000"
    except (TypeError, ValueError):
        seconds = 0.0  # unknown lifetime: treat as expiring, so the next send refreshes again
    return Tokens(access, refresh, now + max(0.0, seconds))


def _oauth_error(answer: dict[str, Any] | None, status: int) -> str:
    if answer is None:
        return f"HTTP {status}, answer is not JSON"
    details = [answer[k] for k in ("error_name", "error_reason", "error_description")
               if isinstance(answer.get(k), str) and answer[k]]
    return f"error {answer.get('error')}" + (": " + "; ".join(details) if details else "")


def _path(url: str) -> str:
    return httpx.URL(url).path
