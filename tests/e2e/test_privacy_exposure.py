"""A running assistant exposes no conversation: Rasa's HTTP API is off, every server listens on loopback
only, and a message full of personal numbers leaves none of them in the log or the stored events."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import httpx
import psutil

from tests.support.assistant import start_assistant

PHONE, CCCD, CODE = "0912345678", "012345678901", "H12.22-251103-0042"
MESSAGE = f"số tôi {PHONE}, căn cước {CCCD}, mã {CODE}"
# Rasa's HTTP API (rasa.server, enable_api): conversations, model, domain, status.
API = [
    ("GET", "/conversations/privacy-test/tracker"),
    ("GET", "/conversations/privacy-test/story"),
    ("POST", "/conversations/privacy-test/messages"),
    ("POST", "/conversations/privacy-test/tracker/events"),
    ("PUT", "/conversations/privacy-test/tracker/events"),
    ("POST", "/conversations/privacy-test/execute"),
    ("POST", "/conversations/privacy-test/trigger_intent"),
    ("POST", "/conversations/privacy-test/predict"),
    ("GET", "/status"),
    ("POST", "/model/parse"),
    ("POST", "/model/predict"),
    ("PUT", "/model"),
    ("GET", "/domain"),
]


def test_api_off_loopback_only_and_no_numbers_in_log(trained_model: Path, tmp_path: Path) -> None:
    # DEBUG: Rasa then logs each message it handles, so the log really is put to the test.
    running = start_assistant(tmp_path, env={"LOG_LEVEL": "DEBUG"})
    try:
        base = f"http://127.0.0.1:{running.port}"
        with httpx.Client(timeout=60) as client:
            answer = client.post(running.url, json={"sender": "privacy-test", "message": MESSAGE})
            assert answer.status_code == 200 and answer.json(), answer.text
            for method, path in API:
                response = client.request(method, base + path, json={"text": MESSAGE})
                assert response.status_code == 404, (method, path, response.status_code, response.text[:200])

        children = psutil.Process(running.process.pid).children(recursive=True)
        listening = [(c.laddr.ip, c.laddr.port) for child in children
                     for c in child.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
        ports = {port for _, port in listening}
        assert running.port in ports and len(ports) >= 2, listening  # the Rasa server and the action server
        assert all(ip in ("127.0.0.1", "::1") for ip, _ in listening), listening

        log = running.output()
        assert "privacy-test" in log or "DEBUG" in log, log[-2000:]  # the log did record the turn
        for secret in (PHONE, CCCD, CODE, "251103"):
            assert secret not in log, secret

        with sqlite3.connect(f"file:{tmp_path / 'trackers.db'}?mode=ro", uri=True) as conn:
            rows = conn.execute("SELECT type_name, action_name, data FROM events WHERE sender_id = 'rest:privacy-test'"
                                ).fetchall()
        assert any(t == "user" for t, _, _ in rows)
        for type_name, name, data in rows:
            readable = json.dumps(json.loads(data), ensure_ascii=False)
            for secret in (PHONE, CCCD) + (() if type_name == "slot" and name.startswith("status_") else (CODE,)):
                assert secret not in readable, (secret, readable)
    finally:
        running.stop()
