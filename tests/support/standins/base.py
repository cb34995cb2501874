"""A stand-in HTTP server: an aiohttp application on 127.0.0.1 in a background thread.

Every request is recorded (method, path, headers, raw body) so tests can assert on what the project
really sent; `wait_for` polls the record instead of sleeping.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    # Decoded parameters: JSON body, form fields or multipart fields (files as bytes).
    params: dict[str, Any] = field(default_factory=dict)


class StandInServer:
    """Subclasses add routes in `routes()`; handlers run on the server's own event loop."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def routes(self, app: web.Application) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def recorded(self, predicate: Callable[[RecordedRequest], bool] = lambda r: True) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if predicate(r)]

    def wait_for(self, predicate: Callable[[RecordedRequest], bool], count: int = 1,
                 timeout: float = 30) -> list[RecordedRequest]:
        deadline = time.monotonic() + timeout
        while True:
            found = self.recorded(predicate)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"expected {count} matching requests, saw {len(found)}")
            time.sleep(0.05)

    def call_soon(self, callback: Callable[[], Any]) -> None:
        """Run `callback` on the server's loop (to touch state its handlers use)."""
        assert self._loop is not None
        self._loop.call_soon_threadsafe(callback)

    def start(self) -> StandInServer:
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            app = web.Application(client_max_size=64 * 1024 * 1024)
            self.routes(app)
            self._runner = web.AppRunner(app, access_log=None)
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            self._loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            # Handlers still running (a delayed answer the client gave up on) are cancelled here; left
            # pending, they would be garbage-collected during a later test and log "Task was destroyed
            # but it is pending!" at ERROR into that test's caplog.
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.close()

        self._thread = threading.Thread(target=serve, name=type(self).__name__, daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("stand-in server did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> StandInServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
