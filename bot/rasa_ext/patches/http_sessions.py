"""One keep-alive HTTP session per endpoint, whose idle connections close before the server's.

Rasa opened a new aiohttp session, and a new TCP connection, for every call to the action server.
`EndpointConfig.request` is Rasa's own; only `session()` changes: it lends a shared session (per
endpoint and event loop) that the `async with` in `request` does not close.

Idle connections are dropped after IDLE_CONNECTION_SECONDS: the action server (Sanic) closes idle
connections after 5 s, while aiohttp's default keeps them 15 s, so a request could be written into
a connection the server was closing ("Can not write request body", seen under load as an answer
with no message).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from bot.rasa_ext.patches.patch import Target, patch

TARGET = "rasa.utils.endpoints:EndpointConfig.session"
IDLE_CONNECTION_SECONDS = 2.0
_KEY = "_caunoi_session"


class Borrowed:
    """`async with` gives the shared session and leaves it open."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *_exc: object) -> None:
        return None


def shared_session(endpoint: Any) -> Any:
    """The endpoint's session for the running loop: Rasa's headers, auth and timeout, on a
    connector that drops idle connections before the server does."""
    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    loop = asyncio.get_running_loop()
    cached = endpoint.__dict__.get(_KEY)
    if cached is None or cached[0] is not loop or cached[1].closed:
        auth = None
        if endpoint.basic_auth:
            auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
        session = aiohttp.ClientSession(
            headers=endpoint.headers, auth=auth, timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=IDLE_CONNECTION_SECONDS),
        )
        cached = endpoint.__dict__[_KEY] = (loop, session)
    return cached[1]


async def close_shared_session(endpoint: Any) -> None:
    cached = endpoint.__dict__.pop(_KEY, None)
    if cached is not None:
        await cached[1].close()


@patch("http_sessions", "one keep-alive session per endpoint, idle connections dropped first", "replaces", TARGET)
def PATCH(originals: Mapping[Target, Any]) -> dict[Target, Any]:
    def session(self: Any) -> Borrowed:
        return Borrowed(shared_session(self))

    return {Target.parse(TARGET): session}
