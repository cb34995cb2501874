"""The fonts the kiosk page brings with it, so a device without them still shows every letter.

kiosk.css names them by the public names below (GET fonts/<name>); each is looked up at run time among
the fonts installed on the machine running the assistant (Debian's fonts-sil-andika and fonts-noto-core,
installed by `make run`/`make test`), never copied into the repository:

    Andika (SIL)        the Central Highlands letters ĕ ŏ ŭ ơ̆ ư̆ č ƀ ñ, with marks placed for stacking
    Noto Sans Khmer     Khmer
    Noto Sans Tai Viet  Tai Viet

A font that is not installed answers 404 (logged once): the page still works with the device's fonts.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.cards.fonts import find_font
from bot.channels.kiosk.assets import Asset, Assets

logger = logging.getLogger(__name__)

TYPES = {"woff2": "font/woff2", "ttf": "font/ttf"}
# Public name (as in kiosk.css) → installed file name.
WEB_FONTS = {
    "andika-regular.woff2": "Andika-Regular.woff2",
    "andika-bold.woff2": "Andika-Bold.woff2",
    "noto-sans-khmer-regular.ttf": "NotoSansKhmer-Regular.ttf",
    "noto-sans-khmer-bold.ttf": "NotoSansKhmer-Bold.ttf",
    "noto-sans-tai-viet-regular.ttf": "NotoSansTaiViet-Regular.ttf",
}


def content_type(name: str) -> str:
    return TYPES[name.rsplit(".", 1)[-1]]


class WebFonts:
    """The page's fonts, read from the system font folders (again when a file changes)."""

    def __init__(self) -> None:
        self.files = Assets(Path("/"))  # only Assets.read(path): the fonts are found by find_font
        self._reported: set[str] = set()

    def get(self, name: str) -> Asset | None:
        """The font served as `name`, or None (not one of ours, or not installed on this machine)."""
        if name not in WEB_FONTS:
            return None
        path = find_font(WEB_FONTS[name])
        if path is not None:
            try:
                return self.files.read(path)
            except OSError:  # removed by a package upgrade since it was found: look again next time
                find_font.cache_clear()
        if name not in self._reported:
            self._reported.add(name)
            logger.warning("Kiosk: font %s is not installed (served as fonts/%s); the page uses the "
                           "device's own fonts for those letters", WEB_FONTS[name], name)
        return None
