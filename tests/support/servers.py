"""Throwaway servers (PostgreSQL, Redis, nginx…) for fixtures: skipped loudly when they cannot start."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest


def loud_test_server(make: Any, unavailable: type[Exception], what: str, require_env: str) -> Iterator[str]:
    """Start a throwaway server (`make().start()` gives its URL) for a fixture; when it cannot start, say so
    in a banner on the real stderr and skip — or fail, when `require_env` is 1 (machines that must test it)."""
    server = None
    try:
        server = make()
        url = server.start()
    except (unavailable, OSError, subprocess.SubprocessError) as exc:
        if server is not None:
            server.stop()
        message = f"{what} NOT RUN: could not start a test server: {exc}"
        sys.__stderr__.write(f"\n{'!' * 100}\n{message}\n{'!' * 100}\n")
        if os.environ.get(require_env) == "1":
            pytest.fail(message)
        pytest.skip(message)
    yield url
    server.stop()
