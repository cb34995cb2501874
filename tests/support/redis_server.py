"""A throwaway Redis server for the tests and the load benchmark: loopback only, no persistence.

Uses Debian's `redis-server` (`apt-get install redis-server`, which `make test-tools` does).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from bot.runtime.chat import free_port


class RedisUnavailable(RuntimeError):
    """Why no test server could be started."""


class RedisServer:
    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisUnavailable("redis-server not found on PATH (install it: apt-get install redis-server, "
                                   "or `make test-tools`)")
        self.binary = binary
        self.base = Path(tempfile.mkdtemp(prefix="caunoi-redis-"))
        self.log = self.base / "redis.log"
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 20) -> str:
        """Start the server; its URL (redis://127.0.0.1:PORT/0)."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [self.binary, "--save", "", "--appendonly", "no", "--port", str(self.port),
                 "--bind", "127.0.0.1", "--dir", str(self.base), "--daemonize", "no"],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RedisUnavailable(f"redis-server exited ({self.process.returncode}):\n{self._log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return self.url
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RedisUnavailable(f"redis-server did not answer within {timeout} s:\n{self._log_tail()}")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""

    def stop(self) -> None:
        try:
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
