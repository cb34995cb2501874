"""Spoken answers on Zalo: someone who speaks gets the text answer, then a link to hear it.

End to end: a signed Zalo audio event into the real `caunoi run` (trained engine, Whisper base from ../shared,
espeak-ng, ffmpeg) with ZALO_PUBLIC_URL set to its own loopback address, answers out to the Zalo stand-in, and
the link fetched over HTTP like Zalo's in-app browser would. The links of this assistant work for
KEEP_SECONDS only, so the last test can see one expire. Without ZALO_PUBLIC_URL: tests/e2e/test_voice_messages.py.

In process: the settings, and the store of spoken answers with a clock the test moves.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.channels import notices
from bot.channels.config import zalo_config
from bot.channels.replies import Outgoing
from bot.channels.spoken import SpokenAnswers
from bot.channels.zalo.audio_links import GONE, LISTEN, said
from bot.settings import load_settings
from tests.support.assistant import RunningAssistant, start_assistant
from tests.support.paths import ROOT
from tests.support.standins.zalo_api import ZaloAPI, event_body, post_event, sign_event, zalo_event

SHARED = ROOT.parent / "shared"
WHISPER = SHARED / "models" / "faster-whisper-base"
CLIPS = SHARED / "audio" / "vi_clips"
needs_whisper = pytest.mark.skipif(not WHISPER.exists(), reason="needs ../shared/models/faster-whisper-base")

APP_ID, OA_SECRET, APP_SECRET = "3002", "oa-secret-spoken", "app-secret-spoken"
AT0, RT0 = "AT-spoken", "RT-spoken"
KEEP_SECONDS = 36.0  # ZALO_AUDIO_HOURS=0.01: long enough for the tests before the last, which waits it out
LINK_PREFIX = LISTEN.split("{")[0]
ZALO_ENV = ("ZALO_APP_ID", "ZALO_OA_SECRET_KEY", "ZALO_PUBLIC_URL", "ZALO_AUDIO_HOURS")


def is_link(text: str | None) -> bool:
    return bool(text) and text.startswith(LINK_PREFIX)


# -- settings ----------------------------------------------------------------------------------------------


@pytest.fixture()
def zalo_on(monkeypatch: pytest.MonkeyPatch):
    for name in ZALO_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZALO_APP_ID", "123")
    monkeypatch.setenv("ZALO_OA_SECRET_KEY", "k")
    return load_settings()


@pytest.mark.parametrize("given, kept", [
    ("", ""),
    ("https://caunoi.example.org", "https://caunoi.example.org"),
    ("https://caunoi.example.org/", "https://caunoi.example.org"),
    ("https://example.gov.vn:8443/caunoi/", "https://example.gov.vn:8443/caunoi"),  # behind a path prefix
    ("http://127.0.0.1:5005", "http://127.0.0.1:5005"),
    ("http://localhost:8080/", "http://localhost:8080"),
])
def test_the_public_address_is_taken(zalo_on, monkeypatch: pytest.MonkeyPatch, given: str, kept: str) -> None:
    monkeypatch.setenv("ZALO_PUBLIC_URL", given)
    config = zalo_config(zalo_on)
    assert config.public_url == kept and config.audio_hours == 24.0


@pytest.mark.parametrize("given", [
    "http://caunoi.example.org",  # people's phones would fetch the answer unencrypted
    "caunoi.example.org",
    "ftp://caunoi.example.org",
    "https://",
    "https://caunoi.example.org/webhooks/zalo/webhook",  # the webhook address pasted whole
    "https://caunoi.example.org/?x=1",
    "https://admin:s3cret-pw@caunoi.example.org",
    "https://caunoi.example.org:port",
])
def test_a_wrong_public_address_is_one_clear_line(zalo_on, monkeypatch: pytest.MonkeyPatch, given: str) -> None:
    monkeypatch.setenv("ZALO_PUBLIC_URL", given)
    with pytest.raises(ValueError) as refused:
        zalo_config(zalo_on)
    message = str(refused.value)
    assert "ZALO_PUBLIC_URL" in message and "https://" in message and "\n" not in message
    assert "s3cret-pw" not in message


def test_the_settings_file_key_and_the_link_lifetime(zalo_on, monkeypatch: pytest.MonkeyPatch) -> None:
    configured = dataclasses.replace(zalo_on, sections={"zalo": {"public_url": "https://a.example.org/",
                                                                 "audio_hours": 2}})
    assert (zalo_config(configured).public_url, zalo_config(configured).audio_hours) == ("https://a.example.org", 2.0)
    monkeypatch.setenv("ZALO_PUBLIC_URL", "https://b.example.org")  # the environment wins
    assert zalo_config(configured).public_url == "https://b.example.org"
    for hours in ("0", "-1", "a day", "nan", "169"):
        monkeypatch.setenv("ZALO_AUDIO_HOURS", hours)
        with pytest.raises(ValueError, match="ZALO_AUDIO_HOURS"):
            zalo_config(zalo_on)
    monkeypatch.setenv("ZALO_AUDIO_HOURS", "0.5")
    assert zalo_config(zalo_on).audio_hours == 0.5
    monkeypatch.delenv("ZALO_OA_SECRET_KEY")  # Zalo off: its settings are not read
    monkeypatch.setenv("ZALO_PUBLIC_URL", "nonsense")
    assert not zalo_config(zalo_on).enabled


def test_caunoi_run_refuses_a_wrong_public_address(trained_model: Path, tmp_path: Path) -> None:
    from bot.runtime.chat import free_port

    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("ZALO_", "TELEGRAM_"))},
           "CAUNOI_DATA_DIR": str(tmp_path), "ZALO_APP_ID": "123", "ZALO_OA_SECRET_KEY": "k",
           "ZALO_PUBLIC_URL": "http://caunoi.example.org"}
    command = [sys.executable, "-m", "bot.cli", "run", "--port", str(free_port()), "--actions-port", str(free_port())]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Channel settings: ZALO_PUBLIC_URL") and "https://" in line


# -- the store of spoken answers, with a clock the test moves --------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_what_is_read_aloud_leaves_out_the_echo() -> None:
    replies = [Outgoing(notices.HEARD.format(text="khai sinh"), custom={"transcript": "khai sinh"}),
               Outgoing("Giấy tờ để làm giấy khai sinh: ..."), Outgoing("  "), Outgoing("Lệ phí: miễn phí.")]
    assert said(replies) == ("Giấy tờ để làm giấy khai sinh: ...", "Lệ phí: miễn phí.")
    assert said(replies[:1]) == ()


def test_answers_expire_and_memory_stays_bounded() -> None:
    clock = Clock()
    spoken_texts: list[Any] = []

    async def speak(text: Any) -> bytes:
        spoken_texts.append(text)
        return b"\xff\xfb" + b"\0" * 998  # 1,000 bytes

    async def scenario() -> None:
        answers = SpokenAnswers(speak, max_items=5, keep_seconds=3600, max_bytes=3000, clock=clock)
        first = answers.add("zalo:1", ("một", "hai"))
        assert await answers.audio(first, 5) == b"\xff\xfb" + b"\0" * 998
        clock.now += 3599
        assert await answers.audio(first, 5)  # an hour later, still there
        clock.now += 2
        with pytest.raises(KeyError):
            await answers.audio(first, 5)  # expired: gone, and its memory with it
        assert len(answers) == 0 and answers.bytes == 0

        kept = [answers.add(f"zalo:{n}", f"câu {n}") for n in range(4)]
        for clip_id in kept:
            await answers.audio(clip_id, 5)
        assert answers.bytes <= 3000 and len(answers) == 3  # past 3,000 bytes the oldest went first
        with pytest.raises(KeyError):
            await answers.audio(kept[0], 5)
        assert [await answers.audio(clip_id, 5) is not None for clip_id in kept[1:]] == [True] * 3

        clock.now += 3601  # nobody asked for a day: the next answer sweeps the expired ones out
        answers.add("zalo:9", "sau")
        assert len(answers) == 1

    asyncio.run(scenario())
    assert spoken_texts[0] == ("một", "hai")  # each message spoken on its own (the speech cache is per message)


# -- end to end ----------------------------------------------------------------------------------------------


@dataclass
class Spoken:
    user: str
    messages: list[dict[str, Any]]  # what the stand-in accepted for the user, the link message last
    link: str
    seen_at: float  # time.monotonic() when the link message was seen


@pytest.fixture(scope="module")
def zalo() -> Iterator[ZaloAPI]:
    with ZaloAPI(APP_ID, APP_SECRET, AT0, RT0) as server:
        yield server  # type: ignore[misc]


@pytest.fixture(scope="module")
def assistant(trained_model: Path, zalo: ZaloAPI,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    if not WHISPER.exists():
        pytest.skip("needs ../shared/models/faster-whisper-base")
    from bot.runtime.chat import free_port

    port = free_port()  # the link names the server, so its address is known before it starts
    env = {
        "ZALO_APP_ID": APP_ID, "ZALO_OA_SECRET_KEY": OA_SECRET, "ZALO_APP_SECRET": APP_SECRET,
        "ZALO_ACCESS_TOKEN": AT0, "ZALO_REFRESH_TOKEN": RT0, "ZALO_OPENAPI_URL": zalo.url, "ZALO_OAUTH_URL": zalo.url,
        "ZALO_PUBLIC_URL": f"http://127.0.0.1:{port}", "ZALO_AUDIO_HOURS": str(KEEP_SECONDS / 3600),
        "TELEGRAM_BOT_TOKEN": "", "CAUNOI_KIOSK": "0",
        "CAUNOI_STT_ENGINE": "whisper", "CAUNOI_WHISPER_MODEL": str(WHISPER), "CAUNOI_TTS": "espeak",
    }
    running = start_assistant(tmp_path_factory.mktemp("zalo-spoken"), env, port=port)
    yield running
    running.stop()


def new_user() -> str:
    return str(secrets.randbelow(10**17) + 10**17)


def post(assistant: RunningAssistant, event: dict[str, Any]) -> None:
    body = event_body(event)
    status, _ = post_event(f"http://127.0.0.1:{assistant.port}/webhooks/zalo/webhook", body,
                           sign_event(body, APP_ID, event["timestamp"], OA_SECRET))
    assert status == 200


def wait_sent(zalo: ZaloAPI, user: str, done: Callable[[list[dict[str, Any]]], bool],
              timeout: float = 180) -> list[dict[str, Any]]:
    return zalo.wait_sent(user, done, timeout)


def m4a(clip: str, tmp: Path) -> bytes:
    """A phone's voice message: AAC in M4A."""
    target = tmp / "voice.m4a"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(CLIPS / clip), "-c:a", "aac",
                    str(target)], check=True)
    return target.read_bytes()


@pytest.fixture(scope="module")
def spoken(assistant: RunningAssistant, zalo: ZaloAPI, tmp_path_factory: pytest.TempPathFactory) -> Spoken:
    """One spoken question, answered: the text answer, then the link."""
    user = new_user()
    url = zalo.add_file(m4a("vieneu_11.wav", tmp_path_factory.mktemp("clip")), "voice.m4a")
    post(assistant, zalo_event("user_send_audio", user, app_id=APP_ID,
                               attachments=[{"type": "audio", "payload": {"url": url}}]))
    messages = wait_sent(zalo, user, lambda sent: any(is_link(m["text"]) for m in sent))
    seen_at = time.monotonic()
    return Spoken(user, messages, messages[-1]["text"][len(LINK_PREFIX):], seen_at)


def get(url: str, **kwargs: Any) -> httpx.Response:
    return httpx.get(url, timeout=120, **kwargs)


def probe(mp3: bytes, tmp: Path) -> dict[str, Any]:
    path = tmp / "answer.mp3"
    path.write_bytes(mp3)
    done = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name:format=duration",
                           "-of", "json", str(path)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@needs_whisper
def test_someone_who_speaks_gets_the_text_answer_then_a_link(assistant: RunningAssistant, spoken: Spoken) -> None:
    texts = [m["text"] for m in spoken.messages]
    assert texts[0].startswith(notices.HEARD.split("{")[0])  # what was heard
    assert len(texts) >= 3 and all(t and not is_link(t) for t in texts[1:-1])  # the engine's answer, in text
    assert sum(is_link(t) for t in texts) == 1 and is_link(texts[-1])  # then one link, last
    link = spoken.messages[-1]
    assert link["attachment"] is None and link["image"] is None  # plain text: Zalo turns the address into a link
    assert re.fullmatch(rf"http://127\.0\.0\.1:{assistant.port}/webhooks/zalo/audio/[A-Za-z0-9_-]{{22}}\.mp3",
                        spoken.link), spoken.link


@needs_whisper
def test_the_link_plays_the_spoken_answer(spoken: Spoken, tmp_path: Path) -> None:
    audio = get(spoken.link)
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
    assert audio.headers["cache-control"] == "no-store" and audio.headers["accept-ranges"] == "bytes"
    probed = probe(audio.content, tmp_path)
    assert [(s["codec_type"], s["codec_name"]) for s in probed["streams"]] == [("audio", "mp3")]
    assert float(probed["format"]["duration"]) > 0.5
    # Media players ask for parts; Zalo's in-app browser too when seeking.
    part = get(spoken.link, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.content == audio.content[:100]
    assert part.headers["content-range"] == f"bytes 0-99/{len(audio.content)}"
    tail = get(spoken.link, headers={"Range": "bytes=100-"})
    assert tail.status_code == 206 and tail.content == audio.content[100:]
    assert httpx.post(spoken.link, timeout=30).status_code == 405  # nothing to send here


@needs_whisper
def test_unknown_and_malformed_ids_get_404(assistant: RunningAssistant) -> None:
    base = f"http://127.0.0.1:{assistant.port}/webhooks/zalo/audio/"
    for name in (f"{secrets.token_urlsafe(16)}.mp3", "not-an-id.mp3", f"{secrets.token_urlsafe(16)}.ogg"):
        missing = get(base + name)
        assert missing.status_code == 404, name
        assert missing.headers["content-type"].startswith("text/html") and GONE in missing.text  # for a person


@needs_whisper
def test_a_typed_message_never_gets_a_link(assistant: RunningAssistant, zalo: ZaloAPI) -> None:
    user = new_user()
    post(assistant, zalo_event("user_send_text", user, app_id=APP_ID, text="làm giấy khai sinh cần gì"))
    post(assistant, zalo_event("user_send_text", user, app_id=APP_ID, text="mất bao lâu"))
    # One user's messages are answered in order, each turn's messages (a link too) before the next turn's.
    sent = wait_sent(zalo, user, lambda sent: any("Thời gian" in (m["text"] or "") for m in sent), timeout=90)
    assert sent and not any(is_link(m["text"]) for m in sent), [m["text"] for m in sent]


@needs_whisper
def test_the_log_never_names_the_link(assistant: RunningAssistant, spoken: Spoken) -> None:
    log = assistant.output()
    assert "with a link to hear the answer" in log  # says once, at start, that links are on
    clip_id = spoken.link.rsplit("/", 1)[1].removesuffix(".mp3")
    assert clip_id not in log and spoken.user not in log


@needs_whisper
def test_an_expired_link_gets_404(spoken: Spoken) -> None:
    """Last: waits until this assistant's links (KEEP_SECONDS) have expired."""
    time.sleep(max(0.0, spoken.seen_at + KEEP_SECONDS + 1 - time.monotonic()))
    for headers in ({}, {"Range": "bytes=0-99"}):
        expired = get(spoken.link, headers=headers)
        assert expired.status_code == 404 and GONE in expired.text
