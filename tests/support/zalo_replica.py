"""One Zalo replica in a process of its own, for tests/unit/bot/channels/zalo/test_token_db.py: a real ZaloClient on the
shared SQL token store (or a token file shared by the workers of one data folder), sending when the test
says go. Kept out of the test module so the spawned
interpreter imports only the client and the store (not Rasa), and starts in well under a second."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.token_db import SQLTokenStore
from bot.channels.zalo.tokens import TokenStore


def replica(name: str, url: str, api_url: str, app_id: str, app_secret: str, user: str, start: Any,
            results: Any) -> None:
    """Send two messages to `user` once every replica is ready; put (name, "ok", [message ids]) or
    (name, "error", text) on `results`. `url`: a database URL, or the path of a token file."""
    store = SQLTokenStore(url, app_id) if "://" in url else TokenStore(url)
    try:
        store.load()  # connected, table there: the race starts at the send, not at start-up
        client = ZaloClient(app_id, app_secret, token_store=store, openapi_url=api_url, oauth_url=api_url,
                            backoff_base_s=0.01, timeout=10.0)

        async def main() -> list[str]:
            try:
                first = await client.send_text(user, f"{name}: một")  # every replica at the same moment
                second = await client.send_text(user, f"{name}: hai")  # with the pair this replica ended with
                return [first, second]
            finally:
                await client.aclose()

        start.wait(60)
        results.put((name, "ok", asyncio.run(main())))
    except BaseException as exc:  # noqa: BLE001 - reported to the test, which fails with it
        results.put((name, "error", f"{type(exc).__name__}: {exc}"))
    finally:
        store.close()
