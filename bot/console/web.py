"""What every console route shares: the session, the role check, CSRF, forms and pages.

Store calls and rendering run in worker threads (`blocking`): the assistant answers people on the same
event loop, and a staff page must never hold a citizen's reply up.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial, wraps
from typing import Any, TypeVar
from urllib.parse import parse_qs

from markupsafe import Markup, escape
from sanic import response
from sanic.headers import parse_content_header
from sanic.request import File, Request, parse_multipart_form
from sanic.response import HTTPResponse

from bot.console.auth import Authenticator, StaffSession
from bot.console.config import ConsoleConfig
from bot.console.roles import SECTIONS, allowed, sections_for
from bot.console.store import ConsoleStore
from bot.console.templates import render

logger = logging.getLogger(__name__)

COOKIE = "caunoi_console"
LOGIN_COOKIE = "caunoi_console_login"  # the login form's nonce (its CSRF token is an HMAC of it)
PATH = "/console"
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # Nothing from elsewhere, no inline script; audio and card pictures from this server only.
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}
FORM_LIMIT = 64 * 1024  # every form but the status upload
T = TypeVar("T")


class Refused(Exception):
    """A request refused with a page: its status and a sentence."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Console:
    store: ConsoleStore
    auth: Authenticator
    config: ConsoleConfig
    _enabled: bool = False

    async def enabled(self) -> bool:
        # Off until the first account exists; once on, it stays on for this process.
        if not self._enabled:
            self._enabled = await blocking(self.store.has_accounts)
        return self._enabled

    async def log(self, session: StaffSession, action: str, detail: str = "") -> None:
        await blocking(self.store.log, session.name, action, detail)


async def blocking(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await asyncio.to_thread(partial(fn, *args, **kwargs))


def from_local_proxy(request: Request) -> bool:
    """Sent by a proxy on this machine (deploy/nginx.conf's): only then are its X-Forwarded-* headers believed."""
    peer = request.conn_info.client_ip if request.conn_info else ""
    return peer in ("127.0.0.1", "::1")


def secure_request(request: Request) -> bool:
    """HTTPS here, or at the proxy on this machine in front of us (deploy/nginx.conf says which)."""
    if request.scheme == "https":
        return True
    return from_local_proxy(request) and request.headers.get("x-forwarded-proto", "") == "https"


def set_cookie(resp: HTTPResponse, request: Request, name: str, value: str, max_age: int | None = None) -> None:
    resp.cookies[name] = value
    cookie = resp.cookies[name]
    cookie["path"] = PATH
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    if secure_request(request):
        cookie["secure"] = True
    if max_age is not None:
        cookie["max-age"] = max_age


def clear_cookie(resp: HTTPResponse, request: Request, name: str) -> None:
    set_cookie(resp, request, name, "", max_age=0)


def html(body: str, status: int = 200) -> HTTPResponse:
    return response.html(body, status=status, headers=HEADERS)


def redirect(to: str) -> HTTPResponse:
    return response.redirect(to, status=303, headers=HEADERS)


def nav(session: StaffSession, current: str | None) -> list[dict[str, Any]]:
    return [{"href": SECTIONS[s][1], "label": SECTIONS[s][0], "current": s == current}
            for s in sections_for(session.role)]


async def page(session: StaffSession | None, template: str, status: int = 200, section: str | None = None,
               **context: Any) -> HTTPResponse:
    if session is not None:
        context.update(staff=session, nav=nav(session, section),
                       csrf_input=Markup(f'<input type="hidden" name="csrf" value="{escape(session.csrf)}">'))
    return html(await blocking(render, template, **context), status)


async def error_page(session: StaffSession | None, status: int, message: str) -> HTTPResponse:
    return await page(session, "error.html", status=status, message=message, code=status)


def _urlencoded(body: bytes) -> dict[str, str]:
    try:
        text = body.decode("utf-8")
        # errors="strict": a percent-escaped byte that is not UTF-8 is as broken as a raw one (not U+FFFD).
        pairs = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict",
                         max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "Biểu mẫu gửi lên bị hỏng. Tải lại trang rồi thử lại.") from None
    return {k: v[0] for k, v in pairs.items()}


def read_form(request: Request, limit: int = FORM_LIMIT) -> tuple[dict[str, str], dict[str, File]]:
    """The posted fields (first value of each) and files. Parsed here, not by `request.form`, which logs
    a traceback for every broken body and gives back an empty form."""
    body = request.body or b""
    if len(body) > limit:
        raise Refused(413, f"Tệp hoặc biểu mẫu quá lớn (tối đa {limit // 1024:,} KB). Không có gì được lưu."
                      .replace(",", "."))
    kind, parameters = parse_content_header(request.content_type or "")
    if kind == "application/x-www-form-urlencoded":
        return _urlencoded(body), {}
    boundary = parameters.get("boundary")
    if kind == "multipart/form-data" and boundary:
        try:
            fields, files = parse_multipart_form(body, str(boundary).encode("utf-8"))
        except Exception:  # noqa: BLE001 - any broken multipart body is the sender's error
            raise Refused(400, "Biểu mẫu gửi lên bị hỏng. Tải lại trang rồi thử lại.") from None
        return {k: v[0] for k, v in fields.items() if v}, {k: v[0] for k, v in files.items() if v}
    raise Refused(400, "Cần gửi bằng biểu mẫu của trang.")


Handler = Callable[..., Awaitable[HTTPResponse]]


def staff_only(console: Console, section: str | None = None, form: bool = False,
               limit: int = FORM_LIMIT) -> Callable[[Handler], Handler]:
    """A route for a logged-in account whose role opens `section`. With `form`, a POST whose CSRF token
    must match the session's; the handler gets the fields (and files) after the session."""

    def wrap(handler: Handler) -> Handler:
        @wraps(handler)
        async def route(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            if not await console.enabled():
                return await error_page(None, 404, "Chưa bật trang cán bộ: tạo tài khoản đầu tiên bằng "
                                                   "`caunoi staff add` trên máy chủ.")
            session = await blocking(console.auth.session, request.cookies.get(COOKIE))
            if session is None:
                return redirect(f"{PATH}/login")
            try:
                if section and not allowed(session.role, section):
                    await console.log(session, "refused", section)
                    raise Refused(403, "Tài khoản này không được mở trang đó.")
                if form:
                    fields, files = read_form(request, limit)
                    if not hmac.compare_digest(fields.get("csrf", "").encode(), session.csrf.encode()):
                        raise Refused(403, "Trang đã cũ hoặc không phải từ bảng điều khiển này. "
                                           "Tải lại trang rồi làm lại.")
                    return await handler(request, session, fields, files, *args, **kwargs)
                return await handler(request, session, *args, **kwargs)
            except Refused as refused:
                return await error_page(session, refused.status, refused.message)

        return route

    return wrap
