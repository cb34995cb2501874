"""Junk at every webhook of one real running assistant: never a 500, never a dead server.

REST, Telegram (webhook mode, with its secret), Zalo (signed and unsigned), the kiosk (text and voice),
the status update API (with its token) and the printable cards each get oversized, empty, emoji-only,
binary, malformed-JSON, wrong-type, missing-field and wrong-content-type requests. Every answer must be a
2xx or a 4xx with a short error; afterwards a normal question is still answered and the log holds no
traceback.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.assistant import RunningAssistant, start_assistant
from tests.support.standins.telegram_bot_api import TelegramBotAPI
from tests.support.standins.zalo_api import ZaloAPI, sign_event

TG_TOKEN = "123456:TEST-junk-token"
TG_SECRET = "junk-Secret_1"
ZALO_APP_ID = "4211839406358273371"
ZALO_OA_SECRET = "oa-secret-junk-Qx7Rk2"
STATUS_TOKEN = "status-token-junk-0123456789abcdef"
BIG = b"x" * (5 * 1024 * 1024)
JSON = {"Content-Type": "application/json"}


class Junk:
    def __init__(self, assistant: RunningAssistant) -> None:
        self.assistant = assistant
        self.base = f"http://127.0.0.1:{assistant.port}"
        self.client = httpx.Client(timeout=120)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                **kwargs: Any) -> httpx.Response:
        return self.client.request(method, self.base + path, content=body, headers=headers or {}, **kwargs)


@pytest.fixture(scope="module")
def junk(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Junk]:
    from bot.runtime.chat import free_port

    with TelegramBotAPI(TG_TOKEN) as telegram, ZaloAPI(ZALO_APP_ID, "app-secret-junk", "AT-junk", "RT-junk") as zalo:
        port = free_port()
        env = {
            "TELEGRAM_BOT_TOKEN": TG_TOKEN, "TELEGRAM_API_BASE_URL": f"{telegram.url}/bot",
            "TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/webhooks/telegram/webhook",
            "TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
            "ZALO_APP_ID": ZALO_APP_ID, "ZALO_OA_SECRET_KEY": ZALO_OA_SECRET, "ZALO_APP_SECRET": "app-secret-junk",
            "ZALO_ACCESS_TOKEN": "AT-junk", "ZALO_REFRESH_TOKEN": "RT-junk",
            "ZALO_OPENAPI_URL": zalo.url, "ZALO_OAUTH_URL": zalo.url,
            "CAUNOI_STATUS_API_TOKEN": STATUS_TOKEN,
        }
        data_dir = tmp_path_factory.mktemp("junk-data")
        assistant = start_assistant(data_dir, env, port)
        telegram.wait_for(lambda r: getattr(r, "api_method", "") == "setWebhook", timeout=60)
        running = Junk(assistant)
        yield running
        running.client.close()
        assistant.stop()


# Bodies every POST endpoint gets: (name, body, content type).
JUNK_BODIES: list[tuple[str, bytes, str | None]] = [
    ("oversized", BIG, "application/json"),
    ("oversized json", json.dumps({"sender": "junk", "message": "a" * (5 * 1024 * 1024)}).encode(), "application/json"),
    ("empty", b"", "application/json"),
    ("emoji only", json.dumps({"sender": "junk-emoji", "message": "😀🙏🇻🇳"}).encode(), "application/json"),
    ("binary", bytes(range(256)) * 8, "application/octet-stream"),
    ("nul bytes", b"\x00" * 100, "application/json"),
    ("malformed json", b'{"sender": "junk", "message": ', "application/json"),
    ("json list", b'[{"sender": "junk", "message": "hi"}]', "application/json"),
    ("json number", b"42", "application/json"),
    ("json string", '"xin chào"'.encode(), "application/json"),
    ("json null", b"null", "application/json"),
    ("deeply nested", b"[" * 100_000 + b"]" * 100_000, "application/json"),
    ("missing fields", b"{}", "application/json"),
    ("wrong field types", json.dumps({"sender": ["a"], "message": {"text": 1}, "metadata": 3}).encode(),
     "application/json"),
    ("lone surrogate", b'{"sender": "junk", "message": "\\ud800"}', "application/json"),
    ("wrong content type", json.dumps({"sender": "junk-ct", "message": "xin chào"}).encode(), "text/plain"),
    ("form body", b"sender=junk&message=xin+chao", "application/x-www-form-urlencoded"),
    ("broken multipart", b"--xx\r\nContent-Disposition: form-data; name=\"audio\"\r\n\r\n\x00\xff",
     "multipart/form-data; boundary=xx"),
    ("multipart without boundary", b"junk", "multipart/form-data"),
]

POST_ENDPOINTS: dict[str, dict[str, str]] = {
    "/webhooks/rest/webhook": {},
    "/webhooks/telegram/webhook": {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET},
    "/webhooks/zalo/webhook": {},
    "/webhooks/kiosk/text": {},
    "/webhooks/kiosk/voice": {},
    "/webhooks/status/applications": {"Authorization": f"Bearer {STATUS_TOKEN}"},
    "/webhooks/cards/khai_sinh.pdf": {},
}


def assert_clear(answer: httpx.Response, what: str) -> None:
    assert answer.status_code < 500, f"{what}: {answer.status_code} {answer.text[:300]}"
    if answer.status_code >= 400:
        assert len(answer.content) < 4096, f"{what}: long error body {answer.text[:300]}"
        assert "Traceback" not in answer.text, what


def assert_alive(junk: Junk) -> None:
    assert junk.assistant.process.poll() is None, junk.assistant.output()[-3000:]
    answer = junk.request("POST", "/webhooks/rest/webhook",
                          json.dumps({"sender": "junk-after", "message": "làm giấy khai sinh cần gì"}).encode(), JSON)
    assert answer.status_code == 200, answer.text
    customs = [m.get("custom") or {} for m in answer.json()]
    assert any(c.get("procedure_id") == "khai_sinh" for c in customs), answer.json()


@pytest.mark.parametrize("path", list(POST_ENDPOINTS))
def test_every_webhook_answers_junk_without_a_server_error(junk: Junk, path: str) -> None:
    for name, body, content_type in JUNK_BODIES:
        headers = {**POST_ENDPOINTS[path], **({"Content-Type": content_type} if content_type else {})}
        if path == "/webhooks/zalo/webhook" and body and len(body) < 1024 * 1024:
            # Signed, so the junk gets past the signature check to the parser where it can.
            headers.update({k: v for k, v in sign_event(body, ZALO_APP_ID, str(int(time.time() * 1000)),
                                                        ZALO_OA_SECRET).items() if k != "Content-Type"})
        assert_clear(junk.request("POST", path, body, headers), f"POST {path} {name}")
    # Without the secret or token, and with the wrong method: refused, never a 500.
    assert_clear(junk.request("POST", path, b"{}", JSON), f"POST {path} without credentials")
    assert_clear(junk.request("PUT", path, b"{}", JSON), f"PUT {path}")
    assert_clear(junk.request("GET", path), f"GET {path}")


def test_rest_answers_junk_with_a_clear_400_or_a_reply(junk: Junk) -> None:
    url = "/webhooks/rest/webhook"
    for body in (b"", b"[1]", b"42", b'"x"', b"{}", b"{", b'{"sender": "a"}', b'{"sender": "a", "message": ""}',
                 b'{"sender": "a", "message": "   "}', b'{"sender": "a", "message": 7}',
                 b'{"sender": {"x": 1}, "message": "hi"}', b'{"sender": "a", "message": "hi", "metadata": []}'):
        answer = junk.request("POST", url, body, JSON)
        assert answer.status_code == 400, (body, answer.status_code, answer.text)
        assert answer.json()["error"], body
    too_long = junk.request("POST", url, json.dumps({"sender": "a", "message": "a" * 2001}).encode(), JSON)
    assert too_long.status_code == 413 and "2000" in too_long.json()["error"]
    assert junk.request("POST", url, BIG, JSON).status_code == 413
    emoji = junk.request("POST", url, json.dumps({"sender": "junk-emoji-2", "message": "😀🙏"}).encode(), JSON)
    assert emoji.status_code == 200 and any(m.get("text") for m in emoji.json())
    exact = junk.request("POST", url, json.dumps({"sender": "junk-2000", "message": "a " * 1000}).encode(), JSON)
    assert exact.status_code == 200 and any(m.get("text") for m in exact.json())


def test_cards_and_kiosk_pages_refuse_junk_names(junk: Junk) -> None:
    for name in ("x", "khai_sinh", "khai_sinh.exe", "..%2F..%2Fetc%2Fpasswd", "%00", "a" * 5000 + ".pdf",
                 "%F0%9F%98%80.png", "khai_sinh.pdf.pdf", ".pdf", "KHAI_SINH.PDF", "portal-9.999999.png",
                 "portal-.png", "portal-1.001193%2F..png", "portal:1.001193.png"):
        assert_clear(junk.request("GET", f"/webhooks/cards/{name}"), f"card {name}")
    for path in ("/webhooks/kiosk/static/%00", "/webhooks/kiosk/static/..%2Fchannel.py",
                 "/webhooks/kiosk/audio/nope.mp3", "/webhooks/kiosk/audio/" + "a" * 5000):
        assert_clear(junk.request("GET", path, headers={"Range": "bytes=junk"}), path)


def test_still_answers_and_no_traceback_after_the_barrage(junk: Junk) -> None:
    assert_alive(junk)
    log = junk.assistant.output()
    assert "Traceback" not in log, log[log.index("Traceback") - 2000:][:6000]
