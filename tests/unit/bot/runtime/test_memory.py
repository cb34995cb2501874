"""Handing freed memory back (bot/runtime/memory.py)."""

from __future__ import annotations

import platform

import psutil
import pytest

from bot.runtime.memory import give_back_freed_memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_freed_pages_go_back_to_the_system() -> None:
    process = psutil.Process()
    before = process.memory_info().rss
    # Many small objects, then freed: glibc keeps their pages until asked.
    words = [str(i) * 3 for i in range(2_000_000)]
    grown = process.memory_info().rss
    del words
    kept = process.memory_info().rss
    assert give_back_freed_memory()
    after = process.memory_info().rss
    assert grown - before > 50 * 2**20
    assert after < kept or kept - before < 10 * 2**20  # trimmed, or nothing was kept to trim
