"""Fonts for the printed cards, and the system font lookup the kiosk page shares.

DejaVu Sans draws every Vietnamese letter and tone mark and the Central Highlands letters (ĕ ŏ ŭ ơ̆ ư̆ č ƀ ñ,
the breve placed by Pillow's raqm layout). It has no Khmer or Tai Viet: a run of those letters is drawn
with Noto Sans Khmer or Noto Sans Tai Viet (Debian's fonts-noto-core) at the same size, on the same
baseline. Text with no such letters is measured and drawn exactly as before, so Vietnamese cards do not
change by a single byte.

No font is copied into the repository: matplotlib (a Rasa dependency) ships DejaVu, and many Linux
systems have it too (`fonts-dejavu-core`); the others come from Debian packages installed by
scripts/system_packages.sh. The lookup happens at run time; a missing optional font is logged once and
its letters fall back to DejaVu (boxes, never a crash).
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageDraw, ImageFont, features

logger = logging.getLogger(__name__)

REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"
SYSTEM_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)
# Where other installed fonts are looked for by file name (Debian, Fedora, Arch keep them in
# subfolders); Debian keeps SIL's web fonts (woff2) outside /usr/share/fonts.
FONT_ROOTS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
FONT_DIRS = (Path("/usr/share/fonts-sil-andika/woff2"), Path("/usr/share/fonts-sil-charis/woff2"))

# Complex shaping (Khmer vowels written before their consonant, subscript consonants) needs raqm.
RAQM = features.check_feature("raqm")
LAYOUT = ImageFont.Layout.RAQM if RAQM else ImageFont.Layout.BASIC  # Pillow's own default, made explicit


class FontNotFoundError(RuntimeError):
    """The DejaVu fonts needed to draw a card are not installed."""


@dataclass(frozen=True)
class ScriptFont:
    """A script DejaVu Sans lacks, its Unicode blocks (as in bot/languages/script.py) and its font files."""

    name: str
    blocks: tuple[tuple[int, int], ...]
    regular: str
    bold: str | None  # None: the regular face draws bold text too
    package: str

    def covers(self, char: str) -> bool:
        code = ord(char)
        return any(low <= code <= high for low, high in self.blocks)


KHMER = ScriptFont("Khmer", ((0x1780, 0x17FF), (0x19E0, 0x19FF)), "NotoSansKhmer-Regular.ttf",
                   "NotoSansKhmer-Bold.ttf", "fonts-noto-core")
TAI_VIET = ScriptFont("Tai Viet", ((0xAA80, 0xAADF),), "NotoSansTaiViet-Regular.ttf", None, "fonts-noto-core")
SCRIPT_FONTS = (KHMER, TAI_VIET)


# ---- finding font files --------------------------------------------------------------------------------------

def _candidate_dirs() -> list[Path]:
    dirs: list[Path] = []
    try:
        import matplotlib

        dirs.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:
        pass
    return dirs + list(SYSTEM_DIRS)


@lru_cache(maxsize=4)
def font_path(bold: bool = False) -> Path:
    """Path of DejaVu Sans (or DejaVu Sans Bold); a clear error when neither place has it."""
    name = BOLD if bold else REGULAR
    dirs = _candidate_dirs()
    for directory in dirs:
        path = directory / name
        if path.is_file():
            return path
    looked = ", ".join(str(d) for d in dirs)
    raise FontNotFoundError(
        f"font {name} not found (looked in {looked}). Install matplotlib (pip install matplotlib) "
        "or the DejaVu fonts (apt-get install fonts-dejavu-core)."
    )


@lru_cache(maxsize=64)
def find_font(name: str) -> Path | None:
    """An installed font file called `name` (e.g. NotoSansKhmer-Regular.ttf), or None."""
    for directory in FONT_DIRS:
        if (directory / name).is_file():
            return directory / name
    for root in FONT_ROOTS:
        if root.is_dir():
            found = sorted(p for p in root.rglob(name) if p.is_file())
            if found:
                return found[0]
    return None


# ---- fonts ---------------------------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(bold)), size, layout_engine=LAYOUT)


@lru_cache(maxsize=1)
def _warn_no_raqm() -> None:
    logger.warning("Cards: this Pillow has no raqm layout; Khmer letters will be drawn unshaped")


@lru_cache(maxsize=8)
def _report_missing(script: ScriptFont) -> None:
    logger.warning("Cards: no font for %s letters (%s): they show as boxes. Install it with "
                   "'apt-get install %s'.", script.name, script.regular, script.package)


@lru_cache(maxsize=8)
def script_font_path(script: ScriptFont, bold: bool = False) -> Path | None:
    """The script's font file (its bold face when there is one), or None (logged once per script)."""
    path = find_font(script.bold if bold and script.bold else script.regular)
    if path is None and bold and script.bold:
        path = find_font(script.regular)
    if path is None:
        _report_missing(script)
    return path


@lru_cache(maxsize=64)
def _script_font(script: ScriptFont, size: int, bold: bool) -> ImageFont.FreeTypeFont | None:
    path = script_font_path(script, bold)
    if path is None:
        return None
    if not RAQM:
        _warn_no_raqm()
    return ImageFont.truetype(str(path), size, layout_engine=LAYOUT)


def _is_bold(base: ImageFont.FreeTypeFont) -> bool:
    return Path(str(base.path)).name == BOLD


def font_for(base: ImageFont.FreeTypeFont, script: ScriptFont | None) -> ImageFont.FreeTypeFont:
    """The font drawing `script` beside `base` (same size and weight); `base` when it is missing."""
    if script is None:
        return base
    return _script_font(script, base.size, _is_bold(base)) or base


# ---- runs of text, one font each -----------------------------------------------------------------------------

def _joins_previous(char: str, previous: str) -> bool:
    """A mark, a joiner, or the letter after a Khmer coeng (subscript sign) stays with the letter before."""
    return (unicodedata.category(char).startswith("M") or char in "\u200c\u200d" or previous == "\u17d2")


def script_of(char: str) -> ScriptFont | None:
    return next((s for s in SCRIPT_FONTS if s.covers(char)), None)


def runs(text: str) -> list[tuple[ScriptFont | None, str]]:
    """`text` cut where the font changes: (None, ...) for DejaVu, (KHMER, ...) for Khmer letters, etc."""
    out: list[tuple[ScriptFont | None, str]] = []
    previous = ""
    for char in text:
        script = out[-1][0] if out and _joins_previous(char, previous) else script_of(char)
        if out and out[-1][0] is script:
            out[-1] = (script, out[-1][1] + char)
        else:
            out.append((script, char))
        previous = char
    return out


def clusters(text: str) -> list[str]:
    """Letters with their marks (and Khmer subscripts): the pieces a too-long word may be cut into."""
    out: list[str] = []
    for char in text:
        if out and _joins_previous(char, out[-1][-1]):
            out[-1] += char
        else:
            out.append(char)
    return out


def scripts_in(text: str) -> list[ScriptFont]:
    return [s for s in SCRIPT_FONTS if any(s.covers(c) for c in text)]


def text_length(base: ImageFont.FreeTypeFont, text: str) -> float:
    """Width of `text` drawn with `base` and the script fonts: `base.getlength` when it is all DejaVu."""
    if not scripts_in(text):
        return base.getlength(text)
    return sum(font_for(base, script).getlength(run) for script, run in runs(text))


def draw_text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, base: ImageFont.FreeTypeFont,
              fill: int) -> None:
    """`draw.text` with `base`'s top-left at `xy`; Khmer or Tai Viet runs in their fonts on the same baseline."""
    if not scripts_in(text):
        draw.text(xy, text, font=base, fill=fill)
        return
    x, y = xy
    baseline = y + base.getmetrics()[0]
    for script, run in runs(text):
        run_font = font_for(base, script)
        draw.text((x, baseline), run, font=run_font, fill=fill, anchor="ls")
        x += run_font.getlength(run)


def fingerprint(text: str = "") -> str:
    """Names and sizes of the font files drawing `text`: part of the card cache key (another font,
    another card). Only the script fonts `text` needs count, so a Vietnamese card keeps its key."""
    parts = []
    for bold in (False, True):
        path = font_path(bold)
        parts.append(f"{path.name}:{path.stat().st_size}")
    for script in scripts_in(text):
        for bold in (False, True):
            path = script_font_path(script, bold)
            parts.append(f"{path.name}:{path.stat().st_size}" if path else f"{script.name}:missing")
    return ";".join(parts)
