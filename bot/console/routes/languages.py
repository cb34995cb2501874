"""/console/languages: the coverage table, and the team's review of translations and recordings."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import StaffSession
from bot.console.pages import languages as review
from bot.console.web import HEADERS, Console, Refused, blocking, page, staff_only

AUDIO_TYPES = {"ogg": "audio/ogg", "mp3": "audio/mpeg"}


def _context() -> tuple[Any, Any, Any, Any]:
    from bot.kb.shared import knowledge_base
    from bot.settings import load_settings

    settings = load_settings()
    return settings.languages_dir, knowledge_base(), settings.commune, settings.top_procedures


def _overview() -> dict[str, Any]:
    return review.languages_page(*_context())


def _language(code: str) -> dict[str, Any] | None:
    folder, kb, commune, top = _context()
    return review.language_page(folder, code, kb, commune, top)


def _decide(code: str, kind: str, fields: dict[str, str], reviewer: str) -> str:
    from bot.languages.shared import reload

    folder, kb, commune, _ = _context()
    key, decision = fields.get("key", ""), fields.get("decision", "")
    if decision not in ("approve", "reject"):
        raise review.ReviewError("Chọn Duyệt hoặc Trả lại.")
    if kind == "entries" and decision == "approve":
        message = review.approve_entry(folder, code, key, reviewer, shown_hash=fields.get("shown_hash", ""),
                                       shown_text_hash=fields.get("shown_text_hash", ""), kb=kb, commune=commune)
    elif kind == "entries":
        message = review.reject_entry(folder, code, key, reviewer)
    elif decision == "approve":
        message = review.approve_recording(folder, code, key, reviewer)
    else:
        message = review.reject_recording(folder, code, key, reviewer)
    reload()  # this process and, through its stamp, the action server that words the answers
    return message


def register(bp: Blueprint, console: Console) -> None:
    async def language_page(session: StaffSession, code: str, status: int = 200,
                            flash: dict[str, str] | None = None) -> HTTPResponse:
        context = await blocking(_language, code)
        if context is None:
            raise Refused(404, "Không có gói ngôn ngữ này.")
        return await page(session, "language.html", status=status, section="languages", flash=flash, **context)

    @bp.get("/languages")
    @staff_only(console, "languages")
    async def overview(request: Request, session: StaffSession) -> HTTPResponse:
        return await page(session, "languages.html", section="languages", **await blocking(_overview))

    @bp.get("/languages/<code>")
    @staff_only(console, "languages")
    async def language(request: Request, session: StaffSession, code: str) -> HTTPResponse:
        return await language_page(session, code)

    async def decide(session: StaffSession, fields: dict, code: str, kind: str) -> HTTPResponse:
        try:
            message = await blocking(_decide, code, kind, fields, session.name)
        except review.ReviewError as refused:
            return await language_page(session, code, 409, {"kind": "error", "text": refused.message})
        await console.log(session, f"language_{kind}_{fields.get('decision')}", f"{code} {fields.get('key', '')}"[:200])
        return await language_page(session, code, flash={"kind": "ok", "text": message})

    @bp.post("/languages/<code>/entries")
    @staff_only(console, "languages", form=True)
    async def entries(request: Request, session: StaffSession, fields: dict, files: dict, code: str) -> HTTPResponse:
        return await decide(session, fields, code, "entries")

    @bp.post("/languages/<code>/recordings")
    @staff_only(console, "languages", form=True)
    async def recordings(request: Request, session: StaffSession, fields: dict, files: dict, code: str
                         ) -> HTTPResponse:
        return await decide(session, fields, code, "recordings")

    @bp.get("/languages/<code>/recordings/<name>")
    @staff_only(console, "languages")
    async def audio(request: Request, session: StaffSession, code: str, name: str) -> HTTPResponse:
        key, _, ext = name.rpartition(".")  # keys hold dots: phrase.greet.mp3
        folder = _context()[0]
        path = await blocking(review.recording_file, folder, code, key, ext)
        if path is None:
            raise Refused(404, "Không có bản ghi này.")
        return response.raw(await blocking(path.read_bytes), content_type=AUDIO_TYPES[ext],
                            headers={**HEADERS, "Cache-Control": "private, max-age=300"})
