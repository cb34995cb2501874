from __future__ import annotations

from pathlib import Path

import pytest

from bot.status.store import StatusStore
from tests.support.status_data import one_application_store


@pytest.fixture
def store(tmp_path: Path) -> StatusStore:
    return one_application_store(tmp_path)
