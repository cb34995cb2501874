"""/console/login, /console/logout and the home page."""

from __future__ import annotations

import hmac
import secrets

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import LoginRefused, StaffSession
from bot.console.roles import SECTIONS, sections_for
from bot.console.web import (
    COOKIE,
    LOGIN_COOKIE,
    PATH,
    Console,
    Refused,
    blocking,
    clear_cookie,
    error_page,
    from_local_proxy,
    page,
    read_form,
    redirect,
    set_cookie,
    staff_only,
)

LOGIN_STALE = "Trang đăng nhập đã cũ. Tải lại trang rồi đăng nhập lại."


def client_address(request: Request) -> str:
    """Who is logging in: the peer, or behind the proxy on this machine the address it saw (the last
    X-Forwarded-For entry, which nginx adds itself; earlier ones the client may have made up)."""
    forwarded = request.headers.get("x-forwarded-for", "")
    if from_local_proxy(request) and forwarded:
        return forwarded.split(",")[-1].strip()[:64]
    return request.conn_info.client_ip if request.conn_info else ""


def register(bp: Blueprint, console: Console) -> None:
    async def login_form(request: Request, message: str | None = None, status: int = 200) -> HTTPResponse:
        nonce = secrets.token_urlsafe(24)
        resp = await page(None, "login.html", status=status, message=message,
                          login_token=console.auth.login_token(nonce))
        set_cookie(resp, request, LOGIN_COOKIE, nonce)
        return resp

    @bp.get("/login")
    async def login_page(request: Request) -> HTTPResponse:
        if not await console.enabled():
            return await error_page(None, 404, "Chưa bật trang cán bộ.")
        return await login_form(request)

    @bp.post("/login")
    async def login(request: Request) -> HTTPResponse:
        if not await console.enabled():
            return await error_page(None, 404, "Chưa bật trang cán bộ.")
        try:
            fields, _ = read_form(request)
        except Refused as refused:
            return await login_form(request, refused.message, refused.status)
        nonce = request.cookies.get(LOGIN_COOKIE, "")
        expected = console.auth.login_token(nonce) if nonce else ""
        if not expected or not hmac.compare_digest(fields.get("csrf", "").encode(), expected.encode()):
            return await login_form(request, LOGIN_STALE, 403)
        try:
            _, cookie = await blocking(console.auth.login, fields.get("name", "")[:64],
                                       fields.get("password", ""), client_address(request))
        except LoginRefused as refused:
            status = 429 if "khoá" in str(refused) else 401
            return await login_form(request, str(refused), status)
        resp = redirect(f"{PATH}/")
        set_cookie(resp, request, COOKIE, cookie)  # no max-age: gone when the browser closes
        clear_cookie(resp, request, LOGIN_COOKIE)
        return resp

    @bp.post("/logout")
    @staff_only(console, form=True)
    async def logout(request: Request, session: StaffSession, fields: dict, files: dict) -> HTTPResponse:
        await blocking(console.auth.logout, session)
        resp = redirect(f"{PATH}/login")
        clear_cookie(resp, request, COOKIE)
        return resp

    @bp.get("/")
    @staff_only(console)
    async def home(request: Request, session: StaffSession) -> HTTPResponse:
        tools = [{"href": SECTIONS[s][1], "label": SECTIONS[s][0]} for s in sections_for(session.role)]
        return await page(session, "home.html", tools=tools)
