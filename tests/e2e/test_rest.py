"""The REST channel: its own conversation namespace, a token when asked, the guard on its body."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from bot.channels.rest.channel import conversation_id
from bot.runtime.chat import send
from bot.runtime.supervisor import enabled_channels
from bot.settings import load_settings
from tests.support.assistant import start_assistant


def post(url: str, body: dict, headers: dict[str, str] | None = None) -> tuple[int, object]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def custom(messages: list[dict]) -> dict:
    [found] = [m["custom"] for m in messages if "custom" in m]
    return found


def test_rest_conversations_live_in_their_own_namespace() -> None:
    assert conversation_id("42") == "rest:42" and conversation_id("telegram:42") == "rest:telegram:42"


def test_a_rest_caller_cannot_continue_a_kiosk_conversation(assistant) -> None:
    page = str(uuid.uuid4())
    kiosk = f"http://127.0.0.1:{assistant.port}/webhooks/kiosk/text"
    status, answer = post(kiosk, {"sender": page, "message": "làm căn cước cần gì"})
    assert status == 200 and custom(answer["replies"])["procedure_id"] == "can_cuoc"
    # The same words from REST with the kiosk's conversation id: a conversation of its own.
    stolen = send(assistant.url, f"kiosk:{page}", "mất bao lâu")
    assert custom(stolen)["procedure_id"] is None and custom(stolen)["topic"] == "clarify"
    assert {m["recipient_id"] for m in stolen} == {f"kiosk:{page}"}  # the caller's own name for it
    # …while the kiosk page itself still follows up on căn cước.
    status, answer = post(kiosk, {"sender": page, "message": "mất bao lâu"})
    assert (custom(answer["replies"])["procedure_id"], custom(answer["replies"])["topic"]) == ("can_cuoc", "time")


def test_a_rest_caller_cannot_pose_as_a_messaging_platform(assistant) -> None:
    status, messages = post(assistant.url, {"sender": f"s-{uuid.uuid4().hex[:6]}", "message": "báo tôi khi có kết quả",
                                            "input_channel": "telegram"})
    assert status == 200 and custom(messages)["topic"] == "status"
    assert "Zalo hoặc Telegram" in "\n".join(m.get("text", "") for m in messages)  # told to use a messenger


def test_rest_is_off_on_the_network_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAUNOI_REST_TOKEN", raising=False)
    settings = load_settings()
    assert "rest" in enabled_channels(settings, "127.0.0.1")
    assert "rest" not in enabled_channels(settings, "0.0.0.0")
    assert "rest" not in enabled_channels(settings, "192.0.2.10")
    monkeypatch.setenv("CAUNOI_REST_TOKEN", "t0ken")
    assert "rest" in enabled_channels(settings, "0.0.0.0")


@pytest.fixture(scope="module")
def with_token(trained_model: Path, tmp_path_factory: pytest.TempPathFactory):
    running = start_assistant(tmp_path_factory.mktemp("rest-token"), env={"CAUNOI_REST_TOKEN": "s3cret-t0ken"})
    yield running
    running.stop()


def test_with_a_token_every_rest_request_needs_it(with_token) -> None:
    question = {"sender": "u1", "message": "làm căn cước cần gì"}
    status, error = post(with_token.url, question)
    assert status == 401 and error == {"error": "missing or wrong token"}
    assert post(with_token.url, question, {"Authorization": "Bearer wrong"})[0] == 401
    status, messages = post(with_token.url, question, {"Authorization": "Bearer s3cret-t0ken"})
    assert status == 200 and custom(messages)["procedure_id"] == "can_cuoc"
