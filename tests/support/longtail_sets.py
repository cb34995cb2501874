"""Reading the long-tail question sets (tests/longtail_*.yaml, ../shared/eval/longtail_dev.yaml) for the
tests that keep them well-formed: cases, a folded form to compare questions, and the site of a source."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import urlparse

import yaml

CODE = re.compile(r"\d\.\d{6}$")  # a national-portal procedure code
NEAR = 0.8  # similarity ratio from which two questions count as the same one


def cases(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]


def folded(text: str) -> str:
    """Lower case, no diacritics, words only: "Tách hộ?" and "tach ho" are the same question."""
    text = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    return " ".join(re.findall(r"\w+", text))


def site(url: str) -> str:
    host = urlparse(url).netloc.lower()
    for prefix in ("www.", "m."):
        host = host.removeprefix(prefix)
    return host
