r"""Stand-in for Google Translate's text-to-speech, as the gTTS library (2.5) really calls it.

The protocol, from gtts/tts.py and the batchexecute format its author documents
(github.com/pndurette/pybatchexecute, docs/response-formats.md, "no rt parameter"):

- `POST /_/TranslateWebserverUi/data/batchexecute`, form-encoded, one field
  `f.req=[[["jQ1olc","[\"<text>\",\"<lang>\",<null|true>,\"null\"]",null,"generic"]]]`
  (the RPC parameters are a JSON string inside the JSON). gTTS sends one request per part of at most
  100 characters (GOOGLE_TTS_MAX_CHARS); longer parts are refused here with 400 (assumed: Google's
  limit as gTTS states it).
- The answer: `)]}'`, a blank line, then a JSON array of envelopes, one per line; the `wrb.fr`
  envelope for `jQ1olc` carries `["<base64 MP3>"]` as a JSON string. gTTS finds it with the regex
  `jQ1olc","\[\\"(.*)\\"]` on each line. An unsupported language gets the envelope with `null`
  instead of audio (gTTS raises "No audio stream in response").

The audio is real MP3 like Google's (MPEG-2 layer III, 24 kHz mono 32 kb/s, no ID3 tag): by default
one short clip spoken by espeak-ng and encoded by ffmpeg once per process (fast tests); with
`speech="espeak"` every part is synthesised from its own text.

Faults: `fail_next(500 | "drop" | "empty" | "no_audio", times)`, `delay_next(seconds, times)`,
`go_offline("refuse" | 503)` / `go_online()`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from gtts.lang import tts_langs

from tests.support.standins.base import RecordedRequest, StandInServer

BATCHEXECUTE_PATH = "/_/TranslateWebserverUi/data/batchexecute"
RPC_ID = "jQ1olc"
MAX_CHARS = 100
_CLIP_TEXT = "xin chào"


@dataclass
class _Fault:
    kind: int | str  # HTTP status, "drop", "empty", "no_audio" or "delay"
    times: int
    seconds: float = 0.0


def synthesize_mp3(text: str, lang: str = "vi") -> bytes:
    """Real MP3 in Google's format, spoken by espeak-ng (text on stdin) and encoded by ffmpeg."""
    wav = subprocess.run([shutil.which("espeak-ng") or "espeak-ng", "-v", lang, "-b", "1", "--stdin", "--stdout"],
                         input=text.encode("utf-8"), capture_output=True, timeout=60, check=True).stdout
    return subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "wav", "-i", "pipe:0", "-ac", "1",
         "-ar", "24000", "-c:a", "libmp3lame", "-b:a", "32k", "-id3v2_version", "0", "-write_xing", "0",
         "-f", "mp3", "pipe:1"],
        input=wav, capture_output=True, timeout=60, check=True).stdout


@lru_cache(maxsize=1)
def clip() -> bytes:
    return synthesize_mp3(_CLIP_TEXT)


def batchexecute_body(audio: bytes | None) -> str:
    """The response gTTS parses: prefix, then one envelope per line."""
    payload = None if audio is None else json.dumps([base64.b64encode(audio).decode("ascii")])
    envelopes = [
        ["wrb.fr", RPC_ID, payload, None, None, None, "generic"],
        ["di", 42],
        ["af.httprm", 41, str(secrets.randbelow(10**19)), 12],
    ]
    lines = ",\n".join(json.dumps(e, separators=(",", ":")) for e in envelopes)
    return ")]}'\n\n[" + lines + "]"


class GoogleTranslateTTS(StandInServer):
    def __init__(self, speech: str = "clip") -> None:
        super().__init__()
        if speech not in ("clip", "espeak"):
            raise ValueError(f"speech must be 'clip' or 'espeak', not {speech!r}")
        self.speech = speech
        self._state = threading.Lock()
        self._faults: list[_Fault] = []
        self._offline: int | str | None = None  # None, "refuse" or an HTTP status
        self._texts: list[tuple[str, str]] = []  # (text, lang) of every well-formed request
        self.answered = 0  # requests answered with audio
        self._langs = set(tts_langs())

    # -- test controls --------------------------------------------------------------------------------

    def fail_next(self, status: int | str = 500, times: int = 1) -> None:
        """The next `times` requests fail: an HTTP status, "drop" (close the connection without an
        answer), "empty" (200 with an empty body) or "no_audio" (200, the envelope without audio)."""
        if not (isinstance(status, int) or status in ("drop", "empty", "no_audio")):
            raise ValueError(f"unknown failure {status!r}")
        with self._state:
            self._faults.append(_Fault(status, times))

    def delay_next(self, seconds: float, times: int = 1) -> None:
        """The next `times` requests are answered normally after `seconds`."""
        with self._state:
            self._faults.append(_Fault("delay", times, seconds))

    def go_offline(self, mode: int | str = "refuse") -> None:
        """"refuse": stop listening (connections are refused, like no network); a status: answer it."""
        if self._offline == "refuse":
            return
        if mode == "refuse":
            self._run(self._stop_listening())
        elif not isinstance(mode, int):
            raise ValueError(f"unknown offline mode {mode!r}")
        self._offline = mode

    def go_online(self) -> None:
        if self._offline == "refuse":
            self._run(self._listen_again())
        self._offline = None

    def reset(self) -> None:
        """Forget requests and pending faults, and listen again (one server shared by many tests)."""
        self.go_online()
        with self._state:
            self._faults.clear()
            self._texts.clear()
            self.answered = 0
        with self._lock:
            self.requests.clear()

    def texts(self) -> list[str]:
        """The text of every well-formed request, in order (also those answered with a fault)."""
        with self._state:
            return [text for text, _ in self._texts]

    def langs(self) -> list[str]:
        with self._state:
            return [lang for _, lang in self._texts]

    # -- server ---------------------------------------------------------------------------------------

    def stop(self) -> None:
        if self._loop is not None and self._loop.is_running():
            self._run(self._cancel_handlers())  # a handler still delaying an answer the client gave up on
        super().stop()

    @staticmethod
    async def _cancel_handlers() -> None:
        current = asyncio.current_task()
        pending = [task for task in asyncio.all_tasks() if task is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def _run(self, coro: Any) -> Any:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    async def _stop_listening(self) -> None:
        assert self._runner is not None
        for site in list(self._runner.sites):
            await site.stop()

    async def _listen_again(self) -> None:
        assert self._runner is not None
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    def routes(self, app: web.Application) -> None:
        app.router.add_post(BATCHEXECUTE_PATH, self._batchexecute)

    def _next_fault(self) -> _Fault | None:
        with self._state:
            if not self._faults:
                return None
            fault = self._faults[0]
            fault.times -= 1
            if fault.times <= 0:
                self._faults.pop(0)
            return fault

    async def _batchexecute(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        rec = RecordedRequest(request.method, request.path, dict(request.query), dict(request.headers), body)
        self.record(rec)
        if isinstance(self._offline, int):
            return web.Response(status=self._offline, text="Service Unavailable")
        try:
            text, lang, slow = self._parse(request, body)
        except ValueError as exc:
            return web.Response(status=400, text=f"Bad Request: {exc}")
        rec.params.update({"rpcid": RPC_ID, "text": text, "lang": lang, "slow": slow})
        with self._state:
            self._texts.append((text, lang))
        fault = self._next_fault()
        if fault is not None and fault.kind == "delay":
            await self._sleep(request, fault.seconds)
        elif fault is not None:
            return self._fault(request, fault)
        if lang not in self._langs:
            return self._json(batchexecute_body(None))
        if self.speech == "espeak":
            audio = await asyncio.get_running_loop().run_in_executor(None, synthesize_mp3, text, lang)
        else:
            audio = clip()
        with self._state:
            self.answered += 1
        return self._json(batchexecute_body(audio))

    @staticmethod
    def _parse(request: web.Request, body: bytes) -> tuple[str, str, bool]:
        if not request.content_type.startswith("application/x-www-form-urlencoded"):
            raise ValueError(f"expected a form, got {request.content_type}")
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        if list(form) != ["f.req"]:
            raise ValueError(f"expected only f.req, got {sorted(form)}")
        try:
            rpc = json.loads(form["f.req"][0])
            rpc_id, parameter, _, kind = rpc[0][0]
            text, lang, speed, null = json.loads(parameter)
        except (ValueError, TypeError, IndexError) as exc:
            raise ValueError(f"malformed f.req: {exc}") from exc
        if rpc_id != RPC_ID or kind != "generic" or null != "null" or speed not in (None, True):
            raise ValueError(f"unexpected RPC {rpc[0][0]!r}")
        if not isinstance(text, str) or not text.strip() or not isinstance(lang, str):
            raise ValueError("no text")
        if len(text) > MAX_CHARS:
            raise ValueError(f"text of {len(text)} characters (at most {MAX_CHARS})")
        return text, lang, speed is True

    def _fault(self, request: web.Request, fault: _Fault) -> web.StreamResponse:
        if fault.kind == "drop":
            if request.transport is not None:
                request.transport.close()
            return web.Response()  # never reaches the client
        if fault.kind == "empty":
            return web.Response(status=200, body=b"", content_type="application/json")
        if fault.kind == "no_audio":
            return self._json(batchexecute_body(None))
        assert isinstance(fault.kind, int)
        return web.Response(status=fault.kind, text="Error")

    @staticmethod
    def _json(text: str) -> web.Response:
        return web.Response(text=text, content_type="application/json", charset="utf-8")

    @staticmethod
    async def _sleep(request: web.Request, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            transport = request.transport
            if transport is None or transport.is_closing():  # the client gave up: stop waiting
                return
            await asyncio.sleep(min(0.05, max(deadline - time.monotonic(), 0)))
