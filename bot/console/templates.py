"""The console's Jinja2 templates: autoescaped HTML, loaded once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"


def _number(value: int | float) -> str:
    # Vietnamese groups thousands with a dot and writes decimals after a comma: 12.500, 0,5 (upload_mb)
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["number"] = _number
    return env


def render(name: str, **context: Any) -> str:
    """One page. Outside a request (tests) the page-wide names get harmless defaults."""
    context.setdefault("staff", None)
    context.setdefault("csrf_input", Markup(""))
    context.setdefault("nav", [])
    context.setdefault("flash", None)
    return environment().get_template(name).render(**context)
