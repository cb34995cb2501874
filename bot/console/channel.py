"""The staff console as a Rasa input channel: served by the assistant's own server, at /console/.

A channel only so that the Rasa server serves it on its port beside the others; it never passes a
message to the assistant. It is always registered, and answers 404 until `caunoi staff add` has made
the first account.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.web import HEADERS, PATH, Console, error_page

CHANNEL = "console"
STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8"}


def build_console() -> Console:
    from bot.console.auth import Authenticator
    from bot.console.config import console_config
    from bot.console.store import open_console_store
    from bot.settings import load_settings

    settings = load_settings()
    store = open_console_store(settings)
    config = console_config(settings)
    return Console(store, Authenticator(store, config), config)


def register_routes(bp: Blueprint, console: Console) -> None:
    from bot.console.routes import accounts, auth, cards, health, languages, report, status

    for area in (auth, status, cards, report, languages, health, accounts):
        area.register(bp, console)

    @bp.get("/static/<name>")
    async def static(request: Request, name: str) -> HTTPResponse:
        path = STATIC / name
        if "/" in name or path.suffix not in STATIC_TYPES or not path.is_file():
            return await error_page(None, 404, "Không có tệp này.")
        return response.raw(path.read_bytes(), content_type=STATIC_TYPES[path.suffix],
                            headers={**HEADERS, "Cache-Control": "public, max-age=3600"})


class ConsoleInput(InputChannel):
    def __init__(self, console: Callable[[], Console] = build_console) -> None:
        self._build = console

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def url_prefix(self) -> str:
        return PATH  # absolute: urljoin("/webhooks/", "/console") is "/console"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ConsoleInput:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("staff_console", __name__)
        register_routes(bp, self._build())
        return bp
