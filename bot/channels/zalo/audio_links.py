"""The spoken answer for a Zalo user who spoke: a link to tap and listen, served at /webhooks/zalo/audio/<id>.mp3.

Why a link and not a voice message: the consultation-message API (POST /v3.0/oa/message/cs) carries text,
a picture or GIF (a media template of an image uploaded to /v2.0/oa/upload/image: JPG/PNG, at most 1 MB), a
file (/v2.0/oa/upload/file: PDF, DOC, DOCX or CSV only, at most 5 MB, then {"type": "file", "payload":
{"token": ...}}), a request for the user's details, or a sticker. No audio; uploads also expire on Zalo's side
after 7 days. Source: a third-party reference of the Zalo OA API; Zalo's own documentation
(developers.zalo.me) could not be reached from where this was written, so check there if Zalo adds audio.
Zalo shows an address in a text message as a link, and its in-app browser plays MP3.

When: after the text answer to a voice turn (an audio message, or audio sent as a file), and only with
ZALO_PUBLIC_URL set (the address the link starts with). Everything but the echo of what was heard is spoken,
as the Telegram voice note is (bot/channels/telegram/updates.py), by the same voice service.

The MP3 is made right after the text answer is sent, and the link goes out once it is ready: the text is
never held up; the link, when tapped seconds or hours later, plays at once (made at the first request
instead, a person would stare at a blank player for the seconds speaking takes, and a link preview, if
Zalo makes one, would ask for it first anyway); and when speaking fails there is no link that leads nowhere.
It costs one text-to-speech per voice turn, far less than the speech recognition that turn already took. The
turn waits for it, so that person's next message is answered a second or two later, as on Telegram.

Privacy: an answer may quote the state of someone's application. The link goes only to that person, its id
is 128 random bits, it works for ZALO_AUDIO_HOURS (24 h by default: people listen minutes or hours later),
the audio is kept only in memory (answers quoting personal numbers never reach the speech cache on disk,
voice/tts/speaker.py), is served with `Cache-Control: no-store`, and no log line names the id.
"""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Callable

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.replies import Outgoing
from bot.channels.spoken import Said, SpokenAnswers, audio_response
from bot.voice.service import VoiceService
from voice.encode import Format

logger = logging.getLogger(__name__)

AUDIO_PATH = "/webhooks/zalo/audio/"
LISTEN = "🔊 Bấm vào đây để nghe câu trả lời: {url}"
# Memory, per replica: a spoken answer is 100-500 KB (espeak-ng at 64 kbit/s, gTTS at 32), so 64 MB holds a
# few hundred, a busy commune's day of voice messages; past either bound the oldest links stop working first.
MAX_LINKS = 1000
MAX_AUDIO_BYTES = 64 * 1024 * 1024
READY_SECONDS = 60.0  # the longest a turn waits for its MP3 before giving up on the link
TAP_WAIT_SECONDS = 30.0  # a tap on an answer still being made (normally it is ready before the link is sent)

# What the person sees in Zalo's browser when there is nothing to play: plain words, what to do next.
GONE = "Câu trả lời này không còn để nghe. Bạn gửi lại tin nhắn thoại để nghe nhé."
NO_VOICE = "Chưa đọc được câu trả lời. Bạn xem chữ trong tin nhắn nhé."
PAGE = ('<!doctype html><html lang="vi"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Cầu Nối</title><p style="font: 1.5rem/1.4 sans-serif; margin: 2rem">{text}</p></html>')
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def said(replies: list[Outgoing]) -> Said:
    """What to read aloud: every message of the answer but the echo of what was heard."""
    return tuple(r.text for r in replies if r.text.strip() and "transcript" not in r.custom)


def missing(status: int) -> HTTPResponse:
    page = PAGE.format(text=html.escape(GONE if status == 404 else NO_VOICE))
    return response.html(page, status=status, headers=NO_STORE)


class SpokenLinks:
    def __init__(self, public_url: str, voice: VoiceService, keep_hours: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.public_url = public_url.rstrip("/")
        self.voice = voice
        self.answers = SpokenAnswers(self._mp3, max_items=MAX_LINKS, keep_seconds=keep_hours * 3600.0,
                                     max_bytes=MAX_AUDIO_BYTES, clock=clock, name="Zalo")

    async def _mp3(self, text: Said) -> bytes | None:
        spoken = await self.voice.speak(text, Format.MP3)
        return spoken.audio if spoken is not None else None

    def url(self, clip_id: str) -> str:
        return f"{self.public_url}{AUDIO_PATH}{clip_id}.mp3"

    async def message_for(self, sender: str, replies: list[Outgoing]) -> Outgoing | None:
        """The "tap to listen" message for an answer, once its MP3 is ready; None when it cannot be spoken."""
        text = said(replies)
        if not text:
            return None
        clip_id = self.answers.add(sender, text)
        if await self.answers.audio(clip_id, READY_SECONDS) is None:
            self.answers.discard(clip_id)  # not spoken (already logged by the voice service): no dead link
            return None
        return Outgoing(LISTEN.format(url=self.url(clip_id)))

    async def serve(self, request: Request, name: str) -> HTTPResponse:
        return await audio_response(request, self.answers, name, wait=TAP_WAIT_SECONDS, cache_control="no-store",
                                    missing=missing)


async def no_links(_request: Request, _name: str) -> HTTPResponse:
    """The audio route while links are off: nothing is ever there."""
    return missing(404)
