"""/console/health: the team's view of the running assistant."""

from __future__ import annotations

from pathlib import Path

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import StaffSession
from bot.console.pages.health import health_facts
from bot.console.routes.status import stores
from bot.console.web import Console, blocking, page, staff_only


def _model_file() -> Path:
    from bot.runtime.training import model_path
    from bot.settings import project_root

    return model_path(project_root())


def register(bp: Blueprint, console: Console) -> None:
    @bp.get("/health")
    @staff_only(console, "health")
    async def health(request: Request, session: StaffSession) -> HTTPResponse:
        from bot.catalog.store import catalog_path

        channels = [c.name() for c in getattr(request.app.ctx, "input_channels", [])]
        facts = await blocking(health_facts, channels, _model_file(), await stores.get(), catalog_path())
        return await page(session, "health.html", section="health", **facts)
