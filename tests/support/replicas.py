"""Several `caunoi run` replicas for the scale-out tests (tests/e2e/test_scale_out.py, tests/e2e/deploy/test_nginx.py):
started together as in a deployment, stopped (or killed, with everything they started), and the Redis lock
store they share.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from tests.support.assistant import RunningAssistant, start_assistant
from tests.support.servers import loud_test_server


def redis_server() -> Iterator[str]:
    """For a fixture: a real Redis server on loopback (tests/support/redis_server.py); skipped, loudly, when it cannot
    start. CAUNOI_REQUIRE_REDIS=1 turns the skip into a failure."""
    from tests.support.redis_server import RedisServer, RedisUnavailable

    yield from loud_test_server(RedisServer, RedisUnavailable, "REDIS SCALE-OUT TESTS", "CAUNOI_REQUIRE_REDIS")


def start_replicas(data_dirs: list[Path], env: dict[str, str]) -> list[RunningAssistant]:
    """One `caunoi run` per data folder, all starting at once; if one fails, the others are stopped."""
    with ThreadPoolExecutor(len(data_dirs)) as pool:
        futures = [pool.submit(start_assistant, d, env) for d in data_dirs]
        started, failed = [], None
        for future in futures:
            try:
                started.append(future.result())
            except Exception as exc:  # noqa: BLE001 - stop the ones that started, then raise
                failed = exc
    if failed is not None:
        for running in started:
            running.stop()
        raise failed
    return started


def stop_or_kill(running: RunningAssistant) -> None:
    if running.process.poll() is None:
        running.stop()
    else:
        kill(running)  # its children, if any are left


def kill(running: RunningAssistant) -> None:
    """SIGKILL `caunoi run` and its servers: each child runs in its own process group (start_new_session)."""
    try:
        children = psutil.Process(running.process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    for child in children:
        try:
            os.killpg(child.pid, signal.SIGKILL)  # the child's group: the server and anything it forked
        except (ProcessLookupError, PermissionError):
            pass
    if running.process.poll() is None:
        running.process.kill()  # `caunoi run` itself shares the test's process group: just the process
    running.process.wait(30)
    psutil.wait_procs(children, timeout=30)
