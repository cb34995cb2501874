"""The one webhook guard: size limit, JSON parsing, one rejection type and one error shape."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest

from bot.channels.guard import (
    MAX_BODY_BYTES,
    Rejected,
    bearer_matches,
    body_of,
    guarded,
    json_object,
    parse_json,
    secret_matches,
)


def request(body: bytes | None) -> SimpleNamespace:
    return SimpleNamespace(body=body)


def test_the_body_limit_is_inclusive_and_names_what_is_wrong() -> None:
    assert body_of(request(b"x" * MAX_BODY_BYTES)) == b"x" * MAX_BODY_BYTES
    assert body_of(request(None)) == b""
    with pytest.raises(Rejected) as refused:
        body_of(request(b"x" * (MAX_BODY_BYTES + 1)), too_large="quá dài")
    assert (refused.value.status, refused.value.error) == (413, "quá dài")


@pytest.mark.parametrize("body", [b"{", b"\xff\xfe", b"[" * 100_000, b""])
def test_bad_json_is_a_400_never_an_exception_of_another_kind(body: bytes) -> None:
    with pytest.raises(Rejected) as refused:
        parse_json(body)
    assert refused.value.status == 400


@pytest.mark.parametrize("body", [b"[1]", b'"x"', b"5", b"null"])
def test_only_objects_pass_as_objects(body: bytes) -> None:
    with pytest.raises(Rejected, match="đối tượng JSON"):
        json_object(body)
    assert json_object(b'{"a": 1}') == {"a": 1}


def test_tokens_and_secrets_must_match_and_never_match_when_empty() -> None:
    assert bearer_matches("Bearer abc", "abc") and bearer_matches("bearer  abc ", "abc")
    assert not bearer_matches("Bearer abd", "abc") and not bearer_matches("Basic abc", "abc")
    assert not bearer_matches("Bearer ", "") and not bearer_matches(None, "abc")
    assert secret_matches("s3", "s3") and not secret_matches("s4", "s3")
    assert not secret_matches("", "") and not secret_matches(None, "s3")


def test_a_guarded_route_answers_the_rejection_in_the_one_error_shape() -> None:
    @guarded
    async def route(_request: object) -> object:
        raise Rejected(401, "missing or wrong token", {"WWW-Authenticate": "Bearer"})

    answer = asyncio.run(route(None))
    assert answer.status == 401 and json.loads(answer.body) == {"error": "missing or wrong token"}
    assert answer.headers["WWW-Authenticate"] == "Bearer" and answer.headers["Cache-Control"] == "no-store"


def test_every_webhook_uses_the_guard(root) -> None:
    """No channel keeps a size limit or an error type of its own."""
    for path in [*(root / "bot" / "channels").rglob("*.py"), root / "bot" / "status" / "api.py"]:
        text = path.read_text(encoding="utf-8")
        if path.name == "guard.py":
            continue
        assert "class Rejected" not in text and "MAX_BODY_BYTES =" not in text, path
        assert "len(request.body" not in text and "json.loads(request.body" not in text, path
