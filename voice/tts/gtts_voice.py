"""The natural voice: Google Translate's text-to-speech through the gTTS library.

Pointing gTTS somewhere else (a stand-in in tests, a relay in a commune whose network blocks
google.com): gTTS builds its endpoint as `https://translate.google.<tld>/_/TranslateWebserverUi/
data/batchexecute`, so `tld` can change the Google domain but not the scheme or host. `_Client`
overrides `gTTS._prepare_requests` (gTTS ≥ 2.3) and only re-points each prepared request's URL; the
tokenising, the `jQ1olc` RPC body, the headers, the sending and the response parsing all stay
gTTS's own. The override is one private method: tests/unit/voice/tts/test_gtts_voice.py fails if gTTS renames it.
Note that gTTS sends through `urllib.request.getproxies()`, which ignores NO_PROXY: with HTTP_PROXY
set, even a loopback URL goes through the proxy.

Splitting: Google takes at most 100 characters a request, and gTTS's own tokenizer cuts a long
text at EVERY comma, colon and bracket and sends each piece alone (a 1,600-character answer made 77
requests, one after another, each read with its own falling intonation). `split_for_google` packs
whole sentences, then clauses, then words, into pieces of up to 100 characters, punctuation kept.

Every failure — connection refused, timeout, HTTP error, a reply without audio — is raised as
SpeechUnavailable, and the audio is checked (one non-empty MP3 per part) before anyone stores it:
gTTS skips a reply that has no audio line silently, which would give a short or empty file.
"""

from __future__ import annotations

import os
import re
import time

import requests
from gtts import gTTS, gTTSError
from gtts.lang import tts_langs

from voice.errors import SpeechUnavailable
from voice.tts.cache import looks_like_mp3

BATCHEXECUTE_PATH = "/_/TranslateWebserverUi/data/batchexecute"  # what gTTS appends to the host
URL_ENV = "CAUNOI_GTTS_URL"
MAX_CHARS = gTTS.GOOGLE_TTS_MAX_CHARS  # 100
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
_CLAUSE_END = re.compile(r"(?<=[,)])\s+")


def _pack(pieces: list[str], limit: int) -> list[str]:
    chunks: list[str] = []
    for piece in pieces:
        if chunks and len(chunks[-1]) + 1 + len(piece) <= limit:
            chunks[-1] += " " + piece
        else:
            chunks.append(piece)
    return chunks


def split_for_google(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Pieces of at most `limit` characters, cut at sentence ends where possible, then after commas,
    then between words; each piece as full as it can be (fewer requests, natural pauses)."""
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        if len(sentence) <= limit:
            pieces.append(sentence)
            continue
        for clause in _CLAUSE_END.split(sentence):
            if len(clause) <= limit:
                pieces.append(clause)
            else:  # a clause longer than a request: words (gTTS cuts a longer word itself)
                pieces += _pack(clause.split(), limit)
    return _pack([p for p in pieces if p], limit)


class _Client(gTTS):
    """gTTS with its requests sent to `base_url` (scheme://host[:port]) instead of Google."""

    base_url: str | None = None

    def _prepare_requests(self) -> list[requests.PreparedRequest]:
        prepared = super()._prepare_requests()
        if self.base_url:
            for request in prepared:
                request.prepare_url(self.base_url.rstrip("/") + BATCHEXECUTE_PATH, None)
        return prepared


class GttsVoice:
    def __init__(self, lang: str = "vi", timeout: float = 5.0, url: str | None = None, slow: bool = False,
                 deadline: float = 30.0) -> None:
        if lang not in tts_langs():  # a local table in gTTS ≥ 2.3: checked once here, not per call
            raise ValueError(f"gTTS does not speak {lang!r}")
        self.lang = lang
        self.name = f"gtts-{lang}"
        self.timeout = timeout  # per HTTP request (connect and each read); long answers make several
        self.deadline = deadline  # for the whole answer: past it, the offline voice is the better wait
        self.url = url or os.environ.get(URL_ENV) or None
        self.slow = slow

    def _client(self, text: str) -> _Client:
        client = _Client(text, lang=self.lang, slow=self.slow, lang_check=False, timeout=self.timeout,
                         tokenizer_func=split_for_google)
        client.base_url = self.url
        return client

    def synthesize(self, text: str) -> bytes:
        if not text.strip():
            raise SpeechUnavailable("gTTS: nothing to say")
        try:
            client = self._client(text)
            expected = len(client.get_bodies())  # one request, hence one MP3, per part of the text
            parts = []
            started = time.monotonic()
            for part in client.stream():
                parts.append(part)
                if len(parts) < expected and time.monotonic() - started > self.deadline:
                    raise SpeechUnavailable(f"gTTS too slow: {len(parts)} of {expected} parts in {self.deadline:.0f} s")
        except gTTSError as exc:  # its message says "Failed to connect" for a timeout too: name the cause
            cause = f" ({type(exc.__context__).__name__})" if exc.__context__ is not None else ""
            raise SpeechUnavailable(f"gTTS: {exc}{cause}") from exc
        except requests.RequestException as exc:  # a connection lost while reading the body
            raise SpeechUnavailable(f"gTTS: {type(exc).__name__}: {exc}") from exc
        except AssertionError as exc:  # gTTS's way of saying "nothing left to speak"
            raise SpeechUnavailable(f"gTTS: {exc}") from exc
        if len(parts) != expected:
            raise SpeechUnavailable(f"gTTS: {len(parts)} of {expected} parts came back with audio")
        bad = [i for i, part in enumerate(parts) if not looks_like_mp3(part)]
        if bad:
            raise SpeechUnavailable(f"gTTS: part {bad[0] + 1} of {expected} is not MP3 ({len(parts[bad[0]])} bytes)")
        return b"".join(parts)  # MP3 frames concatenate: every player reads the parts as one file
