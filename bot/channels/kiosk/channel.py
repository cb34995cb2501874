"""The kiosk channel: one page and its small JSON API, served by the Rasa server under /webhooks/kiosk/.

    GET  /                 the page, with the top procedures and the asset versions filled in
    GET  /static/<file>    kiosk.js, kiosk.css (nothing else)
    GET  /fonts/<file>     the fonts kiosk.css names, from the machine's installed fonts (fonts.py)
    POST /text             {"sender", "message"}            → {"replies", "audio_url"}
    POST /voice            multipart: sender, audio         → {"replies", "audio_url", "transcript"}
    GET  /audio/<id>.mp3   the spoken answer

Every message takes the shared Inbox path (in order per sender, rate-limited), so a typed and a spoken
question are handled alike. The page's sender id is a random UUID kept per browser tab; anything else is
refused, so nobody continues another person's conversation by choosing a simple id.

Answers are spoken in the background as soon as they are known: the text shows at once and the page's
<audio> request waits for the voice. A voice problem (unreadable recording, nothing heard, no speech
model) is an ordinary 200 reply whose text is the problem's `user_message`, so the page shows it and
reads it aloud like any answer. 4xx (JSON `{"error": <short Vietnamese sentence>}`) is for requests the
page would not send (bad sender, empty or oversized body) and for "too many, wait": never a 500.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.headers import parse_content_header
from sanic.request import Request, parse_multipart_form
from sanic.response import HTTPResponse

from bot.channels import notices
from bot.channels.guard import NO_STORE, body_of, error_response, guarded, json_object
from bot.channels.inbox import MAX_TEXT_CHARS, Inbox, Incoming, Outcome
from bot.channels.kiosk.assets import Assets
from bot.channels.kiosk.fonts import WebFonts, content_type
from bot.channels.replies import Outgoing, in_a_language
from bot.channels.seen import SeenMessages
from bot.channels.spoken import SpokenAnswers, audio_response
from bot.dialogue.intents import Intent
from bot.dialogue.reply import payload
from bot.kb.shared import knowledge_base
from bot.languages.wording import Untranslated, Wording
from bot.settings import load_settings
from bot.voice.service import VoiceService, optional_voice_service
from voice.decode import Limits
from voice.encode import Format
from voice.errors import AudioTooLarge, VoiceError

logger = logging.getLogger(__name__)

CHANNEL = "kiosk"
PREFIX = f"{CHANNEL}:"
STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS = {"kiosk.js": "text/javascript; charset=utf-8", "kiosk.css": "text/css; charset=utf-8"}
# crypto.getRandomValues-made UUID v4, as the page makes it (randomUUID needs https, kiosks use http).
SENDER_FORM = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
MAX_AUDIO_BYTES = Limits().max_bytes  # what the decoder accepts: refuse bigger before reading it
MULTIPART_SLACK = 64 * 1024
MAX_VOICE_JOBS = 3  # recordings waiting for the one speech model; more would wait too long on 2 cores
AUDIO_WAIT_SECONDS = 60.0
RECORDINGS = "/webhooks/recordings/"
TOPIC_ON_TAP = Intent.ASK_DOCUMENTS  # a tapped procedure picture answers "what papers do I bring?"

# What the page shows (and reads) for a refused request: short, plain, with what to do next.
BAD_REQUEST = "Trang bị lỗi. Bạn tải lại trang rồi hỏi lại nhé."
OLD_PAGE = "Trang đã cũ. Bạn tải lại trang rồi hỏi lại nhé."
EMPTY = "Bạn chưa gõ câu hỏi."
NO_AUDIO = "Chưa có tiếng nói. Bạn giữ nút rồi nói nhé."
BUSY = "Máy đang bận. Bạn chờ một chút rồi hỏi lại nhé."
NOT_FOUND = "Không tìm thấy. Bạn tải lại trang nhé."
NO_CLIP = "Không còn tiếng đọc này. Bạn hỏi lại nhé."
NO_VOICE = "Chưa đọc được câu trả lời. Bạn xem chữ trên màn hình nhé."

PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "microphone=(self), camera=(), geolocation=()",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
}
_dumps = partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


def sender_id(sender: Any) -> str | None:
    """`kiosk:<uuid>` for a well-formed page id, else None."""
    if not isinstance(sender, str):
        return None
    sender = sender.strip().lower()
    return PREFIX + sender if SENDER_FORM.fullmatch(sender) else None


def message_json(out: Outgoing) -> dict[str, Any]:
    """One reply in the reply contract's shape, as the REST channel would give it."""
    message = {"text": out.text, "buttons": [{"title": b.title, "payload": b.payload} for b in out.buttons],
               "custom": out.custom}
    if out.image:
        message["image"] = out.image
    return message


def page_config(voice_on: bool) -> dict[str, Any]:
    """What the page needs from the server: the procedures to show as pictures, and whether to offer voice."""
    settings, kb = load_settings(), knowledge_base()
    ids = [pid for pid in settings.top_procedures if kb.get(pid)] or kb.ids[:6]
    procedures = []
    for pid in ids:
        p = kb.procedures[pid]
        procedures.append({"id": pid, "title": p.button_label, "name": p.name,
                           "payload": payload(TOPIC_ON_TAP, pid)})
    return {"procedures": procedures, "voice": voice_on, "maxSeconds": int(Limits().max_seconds) - 5,
            "languages": language_row(ids)}


def from_page(address: str) -> str:
    """A server address relative to the page (/webhooks/kiosk/): right behind a proxy that moves both."""
    return "../" + address[len("/webhooks/"):]


def recorded_mp3(replies: list[Outgoing]) -> str | None:
    """The first reply's team recording, relative to the page."""
    for out in replies:
        audio = out.custom.get("audio")
        if isinstance(audio, dict) and str(audio.get("mp3", "")).startswith(RECORDINGS):
            return from_page(str(audio["mp3"]))
    return None


def language_row(procedure_ids: list[str]) -> list[dict[str, Any]]:
    """The language row: the dialogue's choices (Vietnamese and each language past the gate, by its own
    name), each with its recorded "which language?" and the page's words in it; none when no language is
    offered (the page then shows no row)."""
    from bot.dialogue.language import LanguageLayer
    from bot.languages.recorded import hasher
    from bot.languages.shared import languages

    found = languages()
    if not found.offered:
        return []
    commune = load_settings().commune
    layer = LanguageLayer(found, commune, source_hash_of=hasher(knowledge_base(), commune))
    prompts = {p["language"]: p["mp3"] for p in layer.prompts()}
    row: list[dict[str, Any]] = layer.choices()
    for item in row:
        if item["code"] in found.offered:
            wording = found.wording(item["code"])
            item.update(labels=page_labels(wording), tiles=tile_labels(wording, procedure_ids))
        if item["code"] in prompts:
            item["prompt"] = from_page(prompts[item["code"]])
    return row


# The page's own words a language can translate (bot/dialogue/phrases.py): key in the page → phrase.
KIOSK_LABELS = {
    "subtitle": "kiosk.subtitle", "choose": "kiosk.choose", "talk": "kiosk.talk", "talkHint": "kiosk.talk_hint",
    "typeHere": "kiosk.type_here", "send": "kiosk.send", "restart": "kiosk.restart", "replay": "kiosk.replay",
    "stop": "kiosk.stop", "thinking": "kiosk.thinking", "youChose": "kiosk.you_chose",
    "whenNeeded": "kiosk.when_needed",
}


def page_labels(wording: Wording) -> dict[str, str]:
    """The page's words approved in this language (the others stay Vietnamese on the page)."""
    labels = {}
    for name, key in KIOSK_LABELS.items():
        try:
            labels[name] = wording.phrase(key, text="{text}")
        except Untranslated:
            continue
    return labels


def tile_labels(wording: Wording, procedure_ids: list[str]) -> dict[str, str]:
    """The procedure pictures' titles approved in this language, by procedure id."""
    kb = knowledge_base()
    titles = {}
    for pid in procedure_ids:
        try:
            titles[pid] = wording.procedure(kb.procedures[pid]).button_label
        except Untranslated:
            continue
    return titles


def script_json(data: Any) -> str:
    """JSON safe inside <script type="application/json">: no `</script>` can end it early."""
    return _dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class KioskInput(InputChannel):
    def __init__(self, data_dir: Path) -> None:
        self.seen = SeenMessages(Path(data_dir) / "channels.db")
        self.assets = Assets(STATIC_DIR)
        self.fonts = WebFonts()
        self.spoken = SpokenAnswers(self._spoken_mp3, name="Kiosk")
        self._voice_task: asyncio.Task | None = None
        self._voice_jobs = 0

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(load_settings().data_dir)

    # -- voice ------------------------------------------------------------------------------------------

    def _voice_setup(self) -> asyncio.Task:
        # Built once, off the event loop (it imports the speech engines); a restart retries a failure.
        if self._voice_task is None:
            self._voice_task = asyncio.get_running_loop().create_task(asyncio.to_thread(optional_voice_service))
        return self._voice_task

    async def voice(self) -> VoiceService | None:
        return await asyncio.shield(self._voice_setup())

    async def _spoken_mp3(self, text: str) -> bytes | None:
        service = await self.voice()
        spoken = await service.speak(text, Format.MP3) if service is not None else None
        return spoken.audio if spoken is not None else None

    async def speak_later(self, sender: str, text: str) -> str | None:
        """The id of the answer's speech, made in the background; None when there is no voice."""
        if not text or await self.voice() is None:
            return None
        return self.spoken.add(sender, text)

    def transcriber(self, service: VoiceService, data: bytes) -> Callable[[], Awaitable[str]]:
        async def transcribe() -> str:
            try:
                return (await service.understand(data)).transcript.text
            except VoiceError:
                raise
            except Exception as exc:  # a bug in an engine still gets the person a plain answer
                logger.exception("Kiosk: voice message failed")
                raise VoiceError(f"{type(exc).__name__}: {exc}") from exc

        return transcribe

    # -- answers ----------------------------------------------------------------------------------------

    async def answer(self, inbox: Inbox, incoming: Incoming, spoken_input: bool) -> HTTPResponse:
        sent: list[Outgoing] = []

        async def collect(replies: list[Outgoing]) -> None:
            sent.extend(replies)

        try:
            outcome = await inbox.handle(incoming, collect)
        except Exception:
            logger.exception("Kiosk: message not handled")
            return error_response(503, notices.ENGINE_ERROR)
        if outcome is Outcome.LIMITED and not sent:
            return error_response(429, notices.SLOW_DOWN)  # told once in a reply already; the page shows it again
        # The Inbox echoes what it heard (custom.transcript); the page shows that as the person's own words.
        heard = next((str(o.custom["transcript"]) for o in sent if "transcript" in o.custom), None)
        replies = [o for o in sent if "transcript" not in o.custom]
        recorded = recorded_mp3(replies)
        # Text-to-speech reads Vietnamese only: a reply in a language a team translated is heard only when
        # one of them recorded it.
        in_language = in_a_language(replies)
        clip = None if recorded or in_language else await self.speak_later(
            incoming.sender_id, "\n".join(o.text for o in replies if o.text))
        body: dict[str, Any] = {
            "replies": [message_json(o) for o in replies],
            # Relative to the page: right behind a reverse proxy that moves /webhooks/kiosk/ too.
            "audio_url": recorded or (f"audio/{clip}.mp3" if clip else None),
            "speak": not in_language or bool(recorded),  # false: the browser's Vietnamese voice must not read it
        }
        if spoken_input:
            body["transcript"] = heard
        return response.json(body, headers=NO_STORE, dumps=_dumps)

    @guarded
    async def on_text(self, request: Request, inbox: Inbox) -> HTTPResponse:
        data = json_object(body_of(request, too_large=notices.TOO_LONG), BAD_REQUEST)
        sender = sender_id(data.get("sender"))
        if sender is None:
            return error_response(400, OLD_PAGE)
        message = data.get("message")
        if message is not None and not isinstance(message, str):
            return error_response(400, BAD_REQUEST)
        message = (message or "").strip()
        if not message:
            return error_response(400, EMPTY)
        if len(message) > MAX_TEXT_CHARS:
            return error_response(413, notices.TOO_LONG)
        incoming = Incoming(CHANNEL, sender, uuid.uuid4().hex, message, {"input": "text"})
        return await self.answer(inbox, incoming, spoken_input=False)

    @guarded
    async def on_voice(self, request: Request, inbox: Inbox) -> HTTPResponse:
        # Audio has the decoder's limit, not the JSON one.
        body = body_of(request, MAX_AUDIO_BYTES + MULTIPART_SLACK, too_large=AudioTooLarge.user_message)
        # Parsed here, not through `request.form`: Sanic logs a traceback for every body it cannot parse
        # (no boundary, bad UTF-8) and hands back an empty form. Found by tests/e2e/test_webhook_junk.py.
        content_type, parameters = parse_content_header(request.content_type or "")
        boundary = parameters.get("boundary")
        if content_type != "multipart/form-data" or not boundary:
            return error_response(400, BAD_REQUEST)
        try:
            form, files = parse_multipart_form(body, str(boundary).encode("utf-8"))
        except Exception:  # a broken multipart body
            return error_response(400, BAD_REQUEST)
        sender = sender_id(form.get("sender"))
        if sender is None:
            return error_response(400, OLD_PAGE)
        upload = files.get("audio")
        data = upload.body if upload is not None else b""
        if not data:
            return error_response(400, NO_AUDIO)
        if len(data) > MAX_AUDIO_BYTES:
            return error_response(413, AudioTooLarge.user_message)
        if self._voice_jobs >= MAX_VOICE_JOBS:
            return error_response(503, BUSY)
        self._voice_jobs += 1
        try:
            service = await self.voice()
            if service is None:
                incoming = Incoming(CHANNEL, sender, uuid.uuid4().hex, "", {"input": "voice"},
                                    notice=notices.VOICE_NOT_YET)
            else:
                incoming = Incoming(CHANNEL, sender, uuid.uuid4().hex, "", {"input": "voice"},
                                    transcribe=self.transcriber(service, data))
            return await self.answer(inbox, incoming, spoken_input=True)
        finally:
            self._voice_jobs -= 1

    # -- page ---------------------------------------------------------------------------------------------

    async def on_page(self, request: Request) -> HTTPResponse:
        if not request.path.endswith("/"):  # the page's links are relative to the folder
            return response.redirect(f"{CHANNEL}/")
        try:
            template = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
            config = page_config(await self.voice() is not None)
        except Exception:
            logger.exception("Kiosk: page not built")
            return error_response(503, notices.ENGINE_ERROR)
        html = (template.replace("__CONFIG__", script_json(config))
                .replace("__JS_VERSION__", self.assets.get("kiosk.js").version)
                .replace("__CSS_VERSION__", self.assets.get("kiosk.css").version))
        return response.html(html, headers=PAGE_HEADERS)

    def on_static(self, request: Request, name: str) -> HTTPResponse:
        if name not in ASSETS:
            return error_response(404, NOT_FOUND)
        asset = self.assets.get(name)
        etag = f'"{asset.version}"'
        # The page asks for ?v=<version>: that URL never changes content, so it can be kept for good.
        cache = "public, max-age=31536000, immutable" if request.args.get("v") == asset.version else "no-cache"
        headers = {"ETag": etag, "Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
        if request.headers.get("if-none-match") == etag:
            return response.empty(status=304, headers=headers)
        return response.raw(asset.body, content_type=ASSETS[name], headers=headers)

    def on_font(self, request: Request, name: str) -> HTTPResponse:
        font = self.fonts.get(name)
        if font is None:
            return error_response(404, NOT_FOUND)
        etag = f'"{font.version}"'
        # Not versioned in kiosk.css: kept a week, then checked (a package upgrade may change it).
        headers = {"ETag": etag, "Cache-Control": "public, max-age=604800", "X-Content-Type-Options": "nosniff"}
        if request.headers.get("if-none-match") == etag:
            return response.empty(status=304, headers=headers)
        return response.raw(font.body, content_type=content_type(name), headers=headers)

    async def on_audio(self, request: Request, clip: str) -> HTTPResponse:
        return await audio_response(request, self.spoken, clip, wait=AUDIO_WAIT_SECONDS,
                                    cache_control="private, max-age=900",
                                    missing=lambda status: error_response(
                                        status, NO_CLIP if status == 404 else NO_VOICE))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        inbox = Inbox(on_new_message, self.seen)
        bp = Blueprint("kiosk_webhook", __name__)

        @bp.listener("after_server_start")
        async def warm_up(_app: Any, _loop: Any) -> None:
            self._voice_setup()  # in the background: the first spoken answer need not wait for imports

        @bp.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            return await self.on_page(request)

        @bp.route("/static/<name>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            return self.on_static(request, name)

        @bp.route("/fonts/<name>", methods=["GET"])
        async def font(request: Request, name: str) -> HTTPResponse:
            return await asyncio.to_thread(self.on_font, request, name)  # a first read is a file of 250 KB

        @bp.route("/text", methods=["POST"])
        async def text(request: Request) -> HTTPResponse:
            return await self.on_text(request, inbox)

        @bp.route("/voice", methods=["POST"])
        async def voice(request: Request) -> HTTPResponse:
            return await self.on_voice(request, inbox)

        @bp.route("/audio/<clip>", methods=["GET"])
        async def audio(request: Request, clip: str) -> HTTPResponse:
            return await self.on_audio(request, clip)

        return bp
