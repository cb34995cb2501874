"""A small round-robin HTTP proxy in a background thread: each request goes to the next backend.

Stands in for nginx in front of several `caunoi run` replicas (deploy/nginx.conf) in the tests and
bench/load.py. A backend that refuses the connection is skipped for that request (like nginx's
`proxy_next_upstream error`), so a killed replica does not fail the requests after it.
"""

from __future__ import annotations

import asyncio
import itertools
import threading

import aiohttp
from aiohttp import web

from bot.runtime.chat import free_port


class RoundRobinProxy:
    def __init__(self, backends: list[str]) -> None:
        """`backends`: base URLs such as http://127.0.0.1:5005."""
        self.backends = [b.rstrip("/") for b in backends]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.counts = {b: 0 for b in self.backends}  # requests each backend answered
        self._next = itertools.cycle(range(len(self.backends)))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        last_error: Exception | None = None
        for _ in range(len(self.backends)):
            backend = self.backends[next(self._next)]
            try:
                async with self._session.request(request.method, backend + request.path_qs, data=body,
                                                 headers=headers) as response:
                    payload = await response.read()
                    self.counts[backend] += 1
                    return web.Response(body=payload, status=response.status,
                                        content_type=response.content_type, charset=response.charset)
            except aiohttp.ClientConnectionError as exc:
                if isinstance(exc, aiohttp.ServerDisconnectedError):
                    return web.Response(status=502, text=f"{backend}: {exc}")  # it may have seen the request
                last_error = exc  # refused: try the next replica
        return web.Response(status=502, text=f"no backend answered: {last_error}")

    async def _start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120),
                                              connector=aiohttp.TCPConnector(limit=0))
        app = web.Application(client_max_size=10 * 2**20)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port, backlog=1024).start()

    def _serve(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.run_until_complete(self._session.close())
        self._loop.close()

    def start(self) -> RoundRobinProxy:
        self._thread = threading.Thread(target=self._serve, name="round-robin-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> RoundRobinProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
