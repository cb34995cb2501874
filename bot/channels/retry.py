"""Retrying a platform call: honour the platform's own wait (Telegram's retry_after), back off
exponentially on network trouble, give up after a few attempts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
logger = logging.getLogger(__name__)

# exception → seconds to wait before the next attempt, or None when retrying cannot help
Classifier = Callable[[BaseException], "float | None"]


async def with_retries(
    call: Callable[[], Awaitable[T]],
    classify: Classifier,
    *,
    attempts: int = 4,
    base_delay: float = 0.5,
    max_wait: float = 60.0,
    what: str = "call",
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except Exception as exc:  # classified below; unknown errors are not retried
            wait = classify(exc)
            # A platform wait longer than we can hold a reply (a flood ban) is not worth waiting out.
            if wait is None or attempt == attempts or wait > max_wait:
                raise
            # The platform's own wait wins; otherwise 0.5 s, 1 s, 2 s...
            delay = wait if wait > 0 else min(max_wait, base_delay * 2 ** (attempt - 1))
            logger.warning("%s failed (%s: %s); retry %d/%d in %.1f s", what, type(exc).__name__, exc,
                           attempt, attempts - 1, delay)
            await sleep(delay)
    raise AssertionError("unreachable")
