"""Serves the answers a bilingual team member recorded (bot/languages/recordings.py).

    GET /webhooks/recordings/<language>/<key>.ogg | .mp3

Replies in a language with a recording carry these addresses (`custom.audio`): the kiosk page plays
the MP3, Zalo users get a link to it, and Telegram sends the OGG/Opus file itself as a voice note
(`load_recording`). Only files the language's manifest lists are served, whatever the path says.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

if TYPE_CHECKING:
    from bot.languages.recordings import Recordings

CHANNEL = "recordings"
KEY = r"[a-z0-9_]{1,64}\.[a-z_.]{1,40}"  # "khai_sinh.documents", "phrase.language.chosen"
RECORDING_PATH = re.compile(rf"/webhooks/recordings/([a-z]{{2,3}}(?:-[a-z0-9]{{2,8}})*)/({KEY})\.(ogg|mp3)")
MIME = {"ogg": "audio/ogg", "mp3": "audio/mpeg"}


def recording_file(code: str, key: str, fmt: str) -> Path | None:
    """The stored file, if the language's manifest lists the key; None otherwise."""
    from bot.languages.recordings import AUDIO_DIR, MANIFEST, RecordingsError
    from bot.settings import load_settings

    manifest = load_settings().languages_dir / code / AUDIO_DIR / MANIFEST
    try:
        stat = manifest.stat()
        found = _manifest(manifest.parent.parent, stat.st_mtime_ns, stat.st_size).get(key)
    except (OSError, RecordingsError):
        return None
    path = getattr(found, fmt, None) if found is not None else None
    return path if isinstance(path, Path) and path.is_file() else None


@lru_cache(maxsize=16)
def _manifest(folder: Path, mtime_ns: int, size: int) -> Recordings:
    """A language's manifest, read again only when the file changed (every reply with a recording, and
    every request for one, asks)."""
    from bot.languages.recordings import Recordings

    return Recordings.load(folder)


async def load_recording(url: str) -> tuple[bytes, str] | None:
    """(file bytes, file name) for a recording address found in a reply; None for any other address."""
    match = RECORDING_PATH.fullmatch(url.split("?", 1)[0])
    if match is None:
        return None
    path = await asyncio.to_thread(recording_file, *match.groups())
    if path is None:
        return None
    return await asyncio.to_thread(path.read_bytes), f"cau-noi-{match.group(2)}.{match.group(3)}"


class RecordingsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RecordingsInput:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("recordings_webhook", __name__)

        @bp.route("/<code>/<name>", methods=["GET"])
        async def recording(request: Request, code: str, name: str) -> HTTPResponse:
            loaded = await load_recording(f"/webhooks/recordings/{code}/{name}")
            if loaded is None:
                return response.json({"error": "Không có bản ghi âm này."}, status=404)
            data, filename = loaded
            fmt = name.rpartition(".")[2]
            headers = {"Cache-Control": "public, max-age=600", "X-Content-Type-Options": "nosniff",
                       "Accept-Ranges": "none", "Content-Disposition": f'inline; filename="{filename}"'}
            return response.raw(data, content_type=MIME[fmt], headers=headers)

        return bp
