"""Vietnamese text without its diacritics: the form every comparison in the NLU is made in.

Its own module because both the normaliser and the vocabulary table it applies need it.
"""

from __future__ import annotations

import unicodedata


def _strip(text: str) -> str:
    nfd = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in nfd if not unicodedata.combining(ch))


# Every precomposed Latin letter with marks, to its bare letter: one `str.translate` call folds a
# whole text (about 5× faster than decomposing it, which matters for the catalog's 2,600 names).
_TABLE = {cp: _strip(chr(cp)) for cp in range(0xC0, 0x1F00) if len(_strip(chr(cp))) == 1 and _strip(chr(cp)) != chr(cp)}


def fold(text: str) -> str:
    """Remove diacritics ("đăng ký" -> "dang ky"), keeping everything else."""
    folded = text.translate(_TABLE)
    return folded if folded.isascii() else _strip(folded)
