"""Splitting long answers for platforms with a message-length limit.

Cuts fall on the last paragraph break, then line break, then space before the limit, so a checklist
item is never cut in half when it can be avoided.
"""

from __future__ import annotations

from collections.abc import Callable


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji can count twice)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _fit(text: str, limit: int, measure: Callable[[str], int]) -> int:
    """The longest prefix length (in characters) whose measure is within the limit."""
    if measure(text) <= limit:
        return len(text)
    low, high = 0, min(len(text), limit)
    while low < high:
        mid = (low + high + 1) // 2
        if measure(text[:mid]) <= limit:
            low = mid
        else:
            high = mid - 1
    return low


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    if limit < 1:
        raise ValueError("limit must be positive")
    parts: list[str] = []
    rest = text.strip()
    while rest:
        # At least one character per part, even one wider than the limit (an emoji at limit 1).
        end = max(1, _fit(rest, limit, measure))
        if end < len(rest):
            window = rest[:end]
            for sep in ("\n\n", "\n", " "):
                cut = window.rfind(sep)
                if cut > 0:
                    end = cut
                    break
        parts.append(rest[:end].rstrip())
        rest = rest[end:].lstrip()
    return parts
