"""Handing freed memory back to the operating system after a burst of short-lived objects.

Indexing the national catalog reads a million words one record at a time; Python frees them, but
glibc keeps the pages for later, and a commune laptop counts them as used (about 17 MB here).
`malloc_trim` returns them. Elsewhere (musl, macOS) there is nothing to do.
"""

from __future__ import annotations

import ctypes
import ctypes.util


def give_back_freed_memory() -> bool:
    """Ask glibc to return freed heap pages; False where there is no glibc."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        trim = None
    if trim is None:
        return False
    trim(0)
    return True
