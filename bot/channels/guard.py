"""One guard for every webhook (REST, Telegram, Zalo, the kiosk, the status API): a size-limited
body, JSON parsed once, one rejection type and one error shape, `{"error": "<sentence>"}`.

Bad input is answered with a 4xx and a short sentence (Vietnamese where a person reads it), never a
500, and never reaches the engine.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, Mapping
from functools import partial, wraps
from typing import Any

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

# Every JSON webhook body: a 2,000-character message \u-escaped is 12 KB; a Telegram update or Zalo
# event a few KB; a batch of status rows stays well under it. Audio uploads have the decoder's limit.
MAX_BODY_BYTES = 1024 * 1024
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
dumps = partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


class Rejected(Exception):
    """A request refused before anything else sees it: the status to answer and why."""

    def __init__(self, status: int, error: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.headers = dict(headers or {})


def error_response(status: int, error: str, headers: Mapping[str, str] | None = None) -> HTTPResponse:
    return response.json({"error": error}, status=status, headers={**NO_STORE, **(headers or {})}, dumps=dumps)


def rejection(rejected: Rejected) -> HTTPResponse:
    return error_response(rejected.status, rejected.error, rejected.headers)


def body_of(request: Request, limit: int = MAX_BODY_BYTES, too_large: str | None = None) -> bytes:
    body = request.body or b""
    if len(body) > limit:
        raise Rejected(413, too_large or f"Nội dung quá dài. / Body over {limit} bytes.")
    return body


def parse_json(body: bytes, invalid: str | None = None) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError; absurd nesting
        detail = getattr(exc, "msg", "nested too deeply")
        raise Rejected(400, invalid or f"Nội dung không phải JSON. / The body is not valid JSON: {detail}.") from None


def json_object(body: bytes, invalid: str | None = None) -> dict[str, Any]:
    data = parse_json(body, invalid)
    if not isinstance(data, dict):
        raise Rejected(400, invalid or "Cần một đối tượng JSON. / Body must be a JSON object.")
    return data


def bearer_matches(header: str | None, token: str) -> bool:
    """`Authorization: Bearer <token>`, compared in constant time; never true for an empty token."""
    scheme, _, given = (header or "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8"))


def secret_matches(given: str | None, secret: str) -> bool:
    return bool(secret) and hmac.compare_digest((given or "").encode("utf-8"), secret.encode("utf-8"))


Handler = Callable[..., Awaitable[HTTPResponse]]


def guarded(handler: Handler) -> Handler:
    """A route whose Rejected becomes its answer."""

    @wraps(handler)
    async def route(*args: Any, **kwargs: Any) -> HTTPResponse:
        try:
            return await handler(*args, **kwargs)
        except Rejected as rejected:
            return rejection(rejected)

    return route
