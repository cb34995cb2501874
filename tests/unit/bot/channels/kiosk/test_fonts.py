"""The fonts the kiosk page serves: every face kiosk.css names is found among the installed fonts and
served by the page's own route; a face not installed answers 404, logged once, and the page goes on."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.cards import fonts as card_fonts
from bot.channels.kiosk import fonts
from bot.channels.kiosk.channel import STATIC_DIR, KioskInput

CSS = (STATIC_DIR / "kiosk.css").read_text(encoding="utf-8")
MAGIC = {"woff2": b"wOF2", "ttf": b"\x00\x01\x00\x00"}


def request(etag: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(headers={"if-none-match": etag} if etag else {})


@pytest.fixture
def no_installed_fonts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setattr(card_fonts, "FONT_ROOTS", (tmp_path,))
    monkeypatch.setattr(card_fonts, "FONT_DIRS", ())
    card_fonts.find_font.cache_clear()
    yield
    monkeypatch.undo()
    card_fonts.find_font.cache_clear()


def test_the_css_names_exactly_the_served_fonts_from_the_page_s_own_folder() -> None:
    named = re.findall(r'url\("\.\./fonts/([^"]+)"\)', CSS)
    assert sorted(named) == sorted(fonts.WEB_FONTS)
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", CSS)  # offline: nothing from the internet
    body = re.search(r"body \{[^}]*font-family:([^;]+);", CSS).group(1)
    for family in ("Cau Noi Latin", "Cau Noi Khmer", "Cau Noi Tai Viet"):
        assert f'"{family}"' in body, f"{family} is not in the page's font stack"


def test_every_served_font_is_installed_and_is_a_font() -> None:
    served = fonts.WebFonts()
    for name, file_name in fonts.WEB_FONTS.items():
        font = served.get(name)
        assert font is not None, f"{file_name} is not installed (make test-tools installs it)"
        assert font.body.startswith(MAGIC[name.rsplit(".", 1)[1]]) and len(font.body) > 20_000
        assert fonts.content_type(name) in ("font/woff2", "font/ttf")
    assert served.get("DejaVuSans.ttf") is None and served.get("../kiosk.css") is None


def test_the_route_serves_a_font_with_its_type_and_revalidates(tmp_path: Path) -> None:
    kiosk = KioskInput(tmp_path)
    answer = kiosk.on_font(request(), "noto-sans-khmer-regular.ttf")
    assert answer.status == 200 and answer.content_type == "font/ttf"
    assert answer.body == card_fonts.find_font("NotoSansKhmer-Regular.ttf").read_bytes()
    assert "max-age" in answer.headers["cache-control"]
    assert kiosk.on_font(request(answer.headers["etag"]), "noto-sans-khmer-regular.ttf").status == 304
    assert kiosk.on_font(request(), "andika-bold.woff2").content_type == "font/woff2"
    assert kiosk.on_font(request(), "nothing.ttf").status == 404


def test_a_font_not_installed_is_a_clean_404_logged_once(tmp_path: Path, no_installed_fonts: None,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    kiosk = KioskInput(tmp_path)
    with caplog.at_level(logging.WARNING, logger=fonts.__name__):
        for _ in range(3):
            answer = kiosk.on_font(request(), "noto-sans-khmer-regular.ttf")
            assert answer.status == 404 and b'"error"' in answer.body
        assert kiosk.on_font(request(), "nothing.ttf").status == 404  # not ours: nothing to report
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "NotoSansKhmer-Regular.ttf" in lines[0]
