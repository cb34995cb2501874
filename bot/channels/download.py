"""Fetching a file a person sent (a Zalo voice message lives on Zalo's CDN), with a size limit
enforced while streaming: a huge upload must not fill the server's memory."""

from __future__ import annotations

import httpx

from voice.errors import AudioTooLarge, AudioUnreadable


async def fetch_limited(url: str, max_bytes: int, timeout: float = 20.0,
                        client: httpx.AsyncClient | None = None) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise AudioUnreadable(f"not a web address: {url[:40]!r}")
    owned = client is None
    client = client or httpx.AsyncClient(timeout=timeout, follow_redirects=True)
    try:
        async with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise AudioUnreadable(f"download answered HTTP {response.status_code}")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise AudioTooLarge(f"{declared} bytes")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise AudioTooLarge(f"more than {max_bytes} bytes")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.HTTPError as exc:
        raise AudioUnreadable(f"download failed: {type(exc).__name__}") from exc
    finally:
        if owned:
            await client.aclose()
