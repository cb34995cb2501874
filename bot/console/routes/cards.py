"""/console/cards: pick a procedure, see its checklist card, print the PDF or save the PNG.

The card files themselves come from the cards channel (/webhooks/cards/), as in the assistant's answers.
"""

from __future__ import annotations

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import StaffSession
from bot.console.web import Console, Refused, page, staff_only


def _procedures() -> list[dict[str, str]]:
    from bot.kb.shared import knowledge_base

    kb = knowledge_base()
    return sorted(({"id": p.id, "name": p.short_name or p.name} for p in kb.procedures.values()),
                  key=lambda p: p["name"])


def register(bp: Blueprint, console: Console) -> None:
    @bp.get("/cards")
    @staff_only(console, "cards")
    async def cards(request: Request, session: StaffSession) -> HTTPResponse:
        return await page(session, "cards.html", section="cards", procedures=_procedures(), chosen=None)

    @bp.get("/cards/<procedure_id>")
    @staff_only(console, "cards")
    async def card(request: Request, session: StaffSession, procedure_id: str) -> HTTPResponse:
        procedures = _procedures()
        chosen = next((p for p in procedures if p["id"] == procedure_id), None)
        if chosen is None:
            raise Refused(404, "Không có thủ tục này trong kho.")
        await console.log(session, "card_viewed", procedure_id)
        return await page(session, "cards.html", section="cards", procedures=procedures, chosen=chosen)
