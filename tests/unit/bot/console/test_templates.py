"""The console's Jinja2 templates: autoescaped, strict about missing names, every one of them compiles."""

from __future__ import annotations

import jinja2
import pytest
from markupsafe import Markup

from bot.console.auth import StaffSession
from bot.console.templates import TEMPLATES, environment, render

TEMPLATE_NAMES = sorted(p.name for p in TEMPLATES.glob("*.html"))


def test_values_are_escaped() -> None:
    page = render("error.html", code=400, message='<script>alert("x")</script> & co')
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in page
    assert "<title>Lỗi 400 · Cầu Nối</title>" in page


def test_markup_the_code_made_is_not_escaped_and_staff_names_are() -> None:
    staff = StaffSession('lan"><b>', "desk", "c", "h")
    page = render("error.html", code=403, message="x", staff=staff,
                  csrf_input=Markup('<input type="hidden" name="csrf" value="c">'),
                  nav=[{"href": "/console/cards", "label": "<Phiếu>", "current": True}])
    assert '<input type="hidden" name="csrf" value="c">' in page
    assert "lan&#34;&gt;&lt;b&gt;" in page and "&lt;Phiếu&gt;" in page
    assert '<a href="/console/cards" aria-current="page">' in page


def test_a_missing_name_is_an_error_not_a_blank() -> None:
    with pytest.raises(jinja2.UndefinedError, match="message"):
        render("error.html", code=400)


@pytest.mark.parametrize(("value", "shown"), [
    (0, "0"), (7, "7"), (999, "999"), (1000, "1.000"), (12500, "12.500"), (1234567, "1.234.567"),
    (12500.0, "12.500"), (-4200, "-4.200"), (0.5, "0,5"), (2.25, "2,25"), (1500.75, "1.500,75"),
])
def test_number_groups_thousands_with_dots(value: float, shown: str) -> None:
    assert environment().from_string("{{ n|number }}").render(n=value) == shown


def test_every_template_compiles() -> None:
    assert {"base.html", "error.html", "login.html", "status.html", "health.html"} <= set(TEMPLATE_NAMES)
    for name in TEMPLATE_NAMES:
        assert environment().get_template(name).name == name  # a syntax error or unknown filter raises


def test_the_environment_is_made_once() -> None:
    assert environment() is environment()
    assert environment().autoescape is True and environment().undefined is jinja2.StrictUndefined


def test_the_upload_limit_shows_a_fraction_of_a_megabyte() -> None:
    page = render("status.html", summary=None, application=None, message=None, code="", last_import=None,
                  upload_mb=0.5)
    assert "tối đa 0,5 MB" in page
