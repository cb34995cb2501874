"""Serves the printable checklist cards (bot/cards) that answers link to.

    GET /webhooks/cards/<procedure id>.png | .pdf

Answers to "gửi danh sách giấy tờ dạng ảnh" carry that address (`image` and `custom.checklist_card`):
the kiosk page shows it, a REST client fetches it, and Telegram and Zalo send the picture itself
(`load_card`). A card is rendered on first use and kept under data/cards/, named by a hash of what
it shows, so an edited knowledge-base entry or commune profile gives a new card.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

if TYPE_CHECKING:
    from bot.cards.checklist import Subject
    from bot.catalog.model import Catalog

CHANNEL = "cards"
STEM = r"[a-z0-9_]{1,64}|portal-[0-9.]{1,32}"  # a curated id, or a portal record's (bot/dialogue/reply.py card_stem)
CARD_PATH = re.compile(rf"/webhooks/cards/({STEM})\.(png|pdf)")
PORTAL_STEM = "portal-"
MIME = {"png": "image/png", "pdf": "application/pdf"}
# One card at a time: rendering is CPU work, and a burst of requests must not starve the answers.
_render_lock = asyncio.Lock()


@lru_cache(maxsize=1)
def _catalog() -> Catalog:
    # Read on the first portal card, not at start: this process answers no portal question itself.
    from bot.catalog.store import load_catalog

    return load_catalog()


async def card_path(stem: str, fmt: str) -> Path | None:
    """The cached card file, rendered in a worker thread the first time; None for an unknown procedure."""
    from bot.cards.checklist import card_file
    from bot.kb.shared import knowledge_base
    from bot.settings import load_settings

    procedure: Subject | None
    if stem.startswith(PORTAL_STEM):
        procedure = (await asyncio.to_thread(_catalog)).get(stem[len(PORTAL_STEM):])
    else:
        procedure = knowledge_base().get(stem)
    if procedure is None or fmt not in MIME:
        return None
    settings = load_settings()
    async with _render_lock:
        return await asyncio.to_thread(card_file, procedure, settings.commune, settings.data_dir, fmt)


async def load_card(url: str) -> tuple[bytes, str] | None:
    """(file bytes, file name) for a card address found in a reply; None for any other address."""
    match = CARD_PATH.fullmatch(url.split("?", 1)[0])
    if match is None:
        return None
    path = await card_path(match.group(1), match.group(2))
    if path is None:
        return None
    return await asyncio.to_thread(path.read_bytes), f"giay-to-{match.group(1)}.{match.group(2)}"


class CardsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> CardsInput:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("cards_webhook", __name__)

        @bp.route("/<name>", methods=["GET"])
        async def card(request: Request, name: str) -> HTTPResponse:
            stem, _, fmt = name.rpartition(".")
            path = await card_path(stem, fmt) if re.fullmatch(STEM, stem) else None
            if path is None:
                return response.json({"error": "Không có phiếu giấy tờ này."}, status=404)
            headers = {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff",
                       "Content-Disposition": f'inline; filename="giay-to-{stem}.{fmt}"'}
            return response.raw(await asyncio.to_thread(path.read_bytes), content_type=MIME[fmt], headers=headers)

        return bp
