"""Minority letters on the kiosk page, in real headless Chromium: the page's own fonts (served by the kiosk
from the machine's installed fonts) load, Khmer and Tai Viet are drawn with them, and the letters show.

Uses the `kiosk` and `browser` fixtures of test_kiosk.py (a running assistant, Chromium with a phone-sized
window).
"""

from __future__ import annotations

import io
import re
import unicodedata

import numpy as np
from PIL import Image

from bot.channels.kiosk.fonts import WEB_FONTS
from tests.e2e import test_kiosk
from tests.e2e.test_kiosk import Kiosk, open_page, severe_console_errors

kiosk = test_kiosk.kiosk  # the fixtures, for this module too
browser = test_kiosk.browser

KHMER = "ខ្មែរ"
HIGHLANDS = "ơ̆ ư̆ ĕ ŏ ŭ č ƀ ñ"
TAI_VIET = "ꪀꪱ ꪼꪒ"
LETTERS = f"{HIGHLANDS} {unicodedata.normalize('NFD', HIGHLANDS)} {KHMER} {TAI_VIET}"
FACES = {  # family, weight → the file kiosk.css names for it
    ("Cau Noi Latin", "400"): "andika-regular.woff2",
    ("Cau Noi Latin", "700"): "andika-bold.woff2",
    ("Cau Noi Khmer", "400"): "noto-sans-khmer-regular.ttf",
    ("Cau Noi Khmer", "700"): "noto-sans-khmer-bold.ttf",
    ("Cau Noi Tai Viet", "400"): "noto-sans-tai-viet-regular.ttf",
}

# Adds the letters to the page (normal and bold, in the page's own font stack, plus one line in Andika),
# waits for the fonts, reports each @font-face's status (before and after asking for every face) and
# document.fonts.check for each script.
SHOW_LETTERS = """
const [letters, khmer, taiViet, highlands, done] = arguments;
const box = document.createElement('section');
box.id = 'letters';
box.style.cssText = 'font-size: 40px; line-height: 1.6; background: #fff; color: #000; padding: 8px';
for (const [weight, family] of [['400', ''], ['700', ''], ['400', '"Cau Noi Latin"']]) {
  const line = document.createElement('p');
  line.textContent = letters;
  line.style.fontWeight = weight;
  if (family) line.style.fontFamily = family;
  box.append(line);
}
document.getElementById('main').prepend(box);
const faces = () => [...document.fonts].map(
  f => [f.family.replace(/"/g, ''), f.weight === 'normal' ? '400' : String(f.weight), f.status]);
(async () => {
  await document.fonts.ready;
  const shown = faces();
  await Promise.allSettled([...document.fonts].map(f => f.load()));
  await document.fonts.ready;
  done({
    shown, all: faces(),
    khmer: document.fonts.check('20px "Cau Noi Khmer"', khmer),
    khmerBold: document.fonts.check('bold 20px "Cau Noi Khmer"', khmer),
    taiViet: document.fonts.check('20px "Cau Noi Tai Viet"', taiViet),
    latin: document.fonts.check('20px "Cau Noi Latin"', highlands),
  });
})().catch(e => done({error: String(e)}));
"""


def test_the_page_loads_its_fonts_and_shows_khmer_tai_viet_and_highlands_letters(browser, kiosk: Kiosk) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, kiosk)
    browser.set_script_timeout(60)
    report = browser.execute_async_script(SHOW_LETTERS, LETTERS, KHMER, TAI_VIET, HIGHLANDS)
    assert "error" not in report, report
    shown = {(family, weight): status for family, weight, status in report["shown"]}
    loaded = {(family, weight): status for family, weight, status in report["all"]}
    assert set(FACES) <= set(loaded), f"kiosk.css lost a face: {sorted(loaded)}"
    # The letters on screen made the browser fetch the script faces by itself (unicode-range).
    for face in (("Cau Noi Khmer", "400"), ("Cau Noi Khmer", "700"), ("Cau Noi Tai Viet", "400"),
                 ("Cau Noi Latin", "400")):
        assert shown[face] == "loaded", f"{face} was {shown[face]} with its letters on screen"
    assert {face: loaded[face] for face in FACES} == dict.fromkeys(FACES, "loaded"), \
        "a face did not load: is the kiosk's fonts/ route answering?"
    assert report["khmer"] and report["khmerBold"] and report["taiViet"] and report["latin"], report

    # The letters are on the screen: ink across the lines, not an empty box.
    section = browser.find_element(By.ID, "letters")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", section)
    shot = Image.open(io.BytesIO(section.screenshot_as_png)).convert("L")
    ink = np.asarray(shot) < 128
    assert ink.mean() > 0.02, "the letters' area is blank"
    rows_with_ink = np.flatnonzero(ink.any(axis=1))
    assert rows_with_ink.size and rows_with_ink[-1] - rows_with_ink[0] > 3 * 40, "not all lines were drawn"
    assert not severe_console_errors(browser)


def test_the_font_route_serves_every_face_and_nothing_else(kiosk: Kiosk) -> None:
    css = kiosk.fetch(re.search(r'"(static/kiosk\.css\?v=\w+)"', kiosk.fetch("").text).group(1)).text
    assert sorted(re.findall(r'url\("\.\./fonts/([^"]+)"\)', css)) == sorted(WEB_FONTS)
    for name in WEB_FONTS:
        font = kiosk.fetch(f"fonts/{name}")
        assert font.status_code == 200, name
        kind = name.rsplit(".", 1)[1]
        assert font.headers["content-type"] == {"woff2": "font/woff2", "ttf": "font/ttf"}[kind]
        assert font.content.startswith({"woff2": b"wOF2", "ttf": b"\x00\x01\x00\x00"}[kind])
    for other in ("fonts/nothing.ttf", "fonts/..%2Fstatic%2Fkiosk.css", "fonts/DejaVuSans.ttf", "fonts/"):
        missing = kiosk.fetch(other)
        assert missing.status_code == 404, other
