"""A real assistant (`caunoi run`) on free loopback ports, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT


class RunningAssistant:
    def __init__(self, process: subprocess.Popen, port: int, data_dir: Path, log: Path) -> None:
        self.process = process
        self.port = port
        self.data_dir = data_dir
        self.log = log
        self.url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"

    def output(self) -> str:
        """Everything the servers printed so far (a file, not a pipe: a full pipe blocks them)."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_telegram_connected(self, timeout: float = 60) -> None:
        """Until the Telegram channel's runner is ready (in webhook mode: setWebhook answered). Before
        that an update gets 503, which Telegram delivers again but a test delivering once would not."""
        import json
        import time
        import urllib.request

        health = f"http://127.0.0.1:{self.port}/webhooks/telegram/"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with urllib.request.urlopen(health, timeout=10) as response:
                if json.loads(response.read()).get("connected"):
                    return
            time.sleep(0.05)
        raise TimeoutError(f"{health} never reported connected")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(60)


def start_assistant(data_dir: Path, env: dict[str, str] | None = None, port: int | None = None) -> RunningAssistant:
    """`caunoi run` on free ports (or `port`); `env` adds settings such as channel tokens."""
    from bot.runtime.chat import free_port
    from bot.runtime.supervisor import wait_for_port

    port, actions_port = port or free_port(), free_port()
    env = {**os.environ, "CAUNOI_DATA_DIR": str(data_dir), **(env or {})}
    log = data_dir / f"assistant-{port}.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--port", str(port),
             "--actions-port", str(actions_port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    running = RunningAssistant(process, port, data_dir, log)
    if not (wait_for_port("127.0.0.1", port, 180, process)
            and wait_for_port("127.0.0.1", actions_port, 60, process)):
        process.kill()
        process.wait()
        raise RuntimeError(f"assistant did not start:\n{running.output()[-4000:]}")
    return running
