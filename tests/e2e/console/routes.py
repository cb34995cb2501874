"""Every console route, read from the console's own blueprint: a new route is covered without editing tests."""

from __future__ import annotations

import re

SAMPLES = {"procedure_id": "khai_sinh", "code": "qaa", "key": "phrase.greet", "ext": "ogg", "name": "console.css"}


def console_routes() -> list[tuple[str, str]]:
    """(method, path under /console) for every route, with sample values for path parameters."""
    from sanic import Blueprint

    from bot.console.channel import register_routes
    from bot.console.config import ConsoleConfig
    from bot.console.web import Console

    bp = Blueprint("routes_under_test")
    register_routes(bp, Console(None, None, ConsoleConfig()))  # type: ignore[arg-type] - no store is used here
    found = set()
    for route in bp._future_routes:  # noqa: SLF001 - Sanic keeps a blueprint's routes here until registered
        path = "/" + route.uri.lstrip("/")
        path = re.sub(r"<(\w+)(?::[^>]*)?>", lambda m: SAMPLES.get(m.group(1), "x"), path)
        found |= {(method, path) for method in route.methods if method in ("GET", "POST")}
    return sorted(found)


def private_routes() -> list[tuple[str, str]]:
    """The routes that need a session: all but the login page and the style sheet."""
    return [(m, p) for m, p in console_routes() if p != "/login" and not p.startswith("/static/")]
