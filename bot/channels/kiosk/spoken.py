"""Spoken kiosk answers: made in the background, one at a time, fetched by the page's <audio>."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class Clip:
    sender: str
    text: str
    created: float
    mp3: asyncio.Future | None = None  # set while queued or made; None: made only when asked for
    waiting: int = 0  # page requests waiting for it


class SpokenAnswers:
    """Spoken answers by unguessable id, made one at a time (the voice pipeline speaks one at a time anyway).

    Speaking starts as soon as the answer is known, so the page's <audio> request usually finds it ready.
    Only each page's newest answer is worth making ahead: when a person taps on before the last answer was
    spoken, that one leaves the queue and is made only if they ask to hear it. Bounded and short-lived: a
    kiosk replays the last few answers, not yesterday's.
    """

    def __init__(self, speak: Callable[[str], Awaitable[bytes | None]], max_items: int = 32,
                 keep_seconds: float = 900.0) -> None:
        self._speak = speak
        self.max_items = max_items
        self.keep_seconds = keep_seconds
        self._items: OrderedDict[str, Clip] = OrderedDict()
        self._queue: deque[Clip] = deque()
        self._worker: asyncio.Task | None = None

    def add(self, sender: str, text: str) -> str:
        for old in [c for c in self._queue if c.sender == sender and not c.waiting]:
            self._queue.remove(old)
            old.mp3 = None
        clip_id = secrets.token_urlsafe(16)
        clip = self._items[clip_id] = Clip(sender, text, time.monotonic())
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)
        self._enqueue(clip)
        return clip_id

    def _enqueue(self, clip: Clip) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        clip.mp3 = future = loop.create_future()
        self._queue.append(clip)
        if self._worker is None or self._worker.done():
            self._worker = loop.create_task(self._work())
        return future

    async def _work(self) -> None:
        while self._queue:
            clip = self._queue.popleft()
            future = clip.mp3
            try:
                mp3 = await self._speak(clip.text)
            except Exception:  # never leave a page waiting on a dead worker
                logger.exception("Kiosk: answer not spoken")
                mp3 = None
            if future is not None and not future.done():
                future.set_result(mp3)

    async def audio(self, clip_id: str, timeout: float) -> bytes | None:
        """The MP3, or None when it could not be spoken. KeyError: unknown or expired id."""
        clip = self._items[clip_id]
        if time.monotonic() - clip.created > self.keep_seconds:
            del self._items[clip_id]
            raise KeyError(clip_id)
        future = clip.mp3 if clip.mp3 is not None else self._enqueue(clip)
        clip.waiting += 1
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except asyncio.TimeoutError:
            return None
        finally:
            clip.waiting -= 1


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) of a single `bytes=` range; None means send everything (allowed by HTTP)."""
    match = re.fullmatch(r"bytes=(\d*)-(\d*)", (header or "").strip())
    if not match or size == 0 or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    return (start, end) if start <= end else None
