"""The Zalo OA stand-in and a token store seeded with its first tokens, for every Zalo unit test."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.channels.zalo.tokens import TokenStore
from tests.support.standins.zalo_api import ZaloAPI
from tests.support.zalo_oa import APP_ID, APP_SECRET, AT0, RT0


@pytest.fixture
def api() -> Iterator[ZaloAPI]:
    with ZaloAPI(APP_ID, APP_SECRET, AT0, RT0) as server:
        yield server  # type: ignore[misc]


@pytest.fixture
def store(tmp_path: Path) -> TokenStore:
    store = TokenStore(tmp_path / "zalo" / "tokens.json")
    store.seed(AT0, RT0, time.time() + 90000)
    return store
