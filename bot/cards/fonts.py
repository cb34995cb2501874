"""Fonts for the printed cards: DejaVu Sans, which covers every Vietnamese letter and tone mark.

The fonts are not copied into the repository: matplotlib (a Rasa dependency) ships them, and many
Linux systems have them too (`fonts-dejavu-core`). The lookup happens at run time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"
SYSTEM_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)


class FontNotFoundError(RuntimeError):
    """The DejaVu fonts needed to draw a card are not installed."""


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
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(bold)), size)


def fingerprint() -> str:
    """Names and sizes of the font files: part of the card cache key (another font, another card)."""
    parts = []
    for bold in (False, True):
        path = font_path(bold)
        parts.append(f"{path.name}:{path.stat().st_size}")
    return ";".join(parts)
