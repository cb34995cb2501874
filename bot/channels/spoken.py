"""Spoken answers fetched over HTTP by unguessable id: the kiosk page's <audio>, and the link a Zalo user taps.

`SpokenAnswers` keeps them in this process's memory: made one at a time in the background (the voice pipeline
speaks one at a time anyway), bounded in count and in bytes, forgotten after `keep_seconds`. With several
replicas each one knows only the answers it spoke; the reverse proxy asks the next replica on a 404
(deploy/nginx.conf). `audio_response` serves one, with the single byte ranges media players ask for.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

MP3 = "audio/mpeg"
CLIP_FORM = re.compile(r"([A-Za-z0-9_-]{22})\.mp3")  # secrets.token_urlsafe(16): 128 random bits

# What is spoken: one text, or several messages each spoken on its own (so each can come from the speech cache).
Said = str | tuple[str, ...]


@dataclass(eq=False)
class Clip:
    clip_id: str
    sender: str
    text: Said
    created: float
    mp3: asyncio.Future | None = None  # set while queued or made; None: made only when asked for
    waiting: int = 0  # requests waiting for it
    size: int = 0  # bytes of the finished MP3, counted against max_bytes while it is kept


class SpokenAnswers:
    """Spoken answers by unguessable id.

    Speaking starts as soon as the answer is known, so the request for it usually finds it ready. Only each
    sender's newest answer is worth making ahead: when a person moves on before the last answer was spoken,
    that one leaves the queue and is made only if they ask to hear it. Bounded: at most `max_items` answers
    and (when given) `max_bytes` of MP3, the oldest forgotten first, and none older than `keep_seconds`.
    """

    def __init__(self, speak: Callable[[Said], Awaitable[bytes | None]], max_items: int = 32,
                 keep_seconds: float = 900.0, max_bytes: int | None = None,
                 clock: Callable[[], float] = time.monotonic, name: str = "Spoken answers") -> None:
        self._speak = speak
        self.max_items = max_items
        self.keep_seconds = keep_seconds
        self.max_bytes = max_bytes
        self._clock = clock
        self._name = name
        self._items: OrderedDict[str, Clip] = OrderedDict()  # oldest first
        self._queue: deque[Clip] = deque()
        self._worker: asyncio.Task | None = None
        self.bytes = 0  # MP3 bytes kept

    def __len__(self) -> int:
        return len(self._items)

    def add(self, sender: str, text: Said) -> str:
        self._sweep()
        for old in [c for c in self._queue if c.sender == sender and not c.waiting]:
            self._queue.remove(old)
            old.mp3 = None
        clip_id = secrets.token_urlsafe(16)
        clip = self._items[clip_id] = Clip(clip_id, sender, text, self._clock())
        while len(self._items) > self.max_items:
            self._forget(next(iter(self._items.values())))
        self._enqueue(clip)
        return clip_id

    def discard(self, clip_id: str) -> None:
        clip = self._items.get(clip_id)
        if clip is not None:
            self._forget(clip)

    def _forget(self, clip: Clip) -> None:
        if self._items.get(clip.clip_id) is clip:
            del self._items[clip.clip_id]
            self.bytes -= clip.size
            clip.size = 0
        if not clip.waiting and clip in self._queue:  # nobody will ask for it: do not make it
            self._queue.remove(clip)
            clip.mp3 = None

    def _sweep(self) -> None:
        """Forget the expired answers (the oldest come first)."""
        now = self._clock()
        while self._items:
            oldest = next(iter(self._items.values()))
            if now - oldest.created <= self.keep_seconds:
                break
            self._forget(oldest)

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
            except Exception:  # never leave a request waiting on a dead worker
                logger.exception("%s: answer not spoken", self._name)
                mp3 = None
            if future is not None and not future.done():
                future.set_result(mp3)
            if mp3 and self._items.get(clip.clip_id) is clip and not clip.size:
                self._keep(clip, len(mp3))

    def _keep(self, clip: Clip, size: int) -> None:
        clip.size = size
        self.bytes += size
        if self.max_bytes is None:
            return
        for old in list(self._items.values()):  # oldest first; never the one just made
            if self.bytes <= self.max_bytes:
                break
            if old is not clip and old.size:
                self._forget(old)

    async def audio(self, clip_id: str, timeout: float) -> bytes | None:
        """The MP3, or None when it could not be spoken in time. KeyError: unknown or expired id."""
        clip = self._items[clip_id]
        if self._clock() - clip.created > self.keep_seconds:
            self._forget(clip)
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


async def audio_response(request: Request, answers: SpokenAnswers, name: str, *, wait: float, cache_control: str,
                         missing: Callable[[int], HTTPResponse]) -> HTTPResponse:
    """GET <id>.mp3: the whole MP3 (200) or the byte range asked for (206). `missing(404)` for an unknown,
    expired or malformed id, `missing(503)` when the answer could not be spoken within `wait` seconds."""
    match = CLIP_FORM.fullmatch(name)
    if match is None:
        return missing(404)
    try:
        mp3 = await answers.audio(match.group(1), wait)
    except KeyError:
        return missing(404)
    if mp3 is None:
        return missing(503)
    headers = {"Cache-Control": cache_control, "Accept-Ranges": "bytes", "X-Content-Type-Options": "nosniff"}
    part = byte_range(request.headers.get("range"), len(mp3))
    if part is None:
        return response.raw(mp3, content_type=MP3, headers=headers)
    start, end = part
    headers["Content-Range"] = f"bytes {start}-{end}/{len(mp3)}"
    return response.raw(mp3[start:end + 1], status=206, content_type=MP3, headers=headers)
