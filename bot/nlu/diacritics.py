"""Vietnamese text without its diacritics: the form every comparison in the NLU is made in.

Its own module because both the normaliser and the vocabulary table it applies need it.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Remove diacritics ("đăng ký" -> "dang ky"), keeping everything else."""
    nfd = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in nfd if not unicodedata.combining(ch))
