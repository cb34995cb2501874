from __future__ import annotations

from pathlib import Path

import pytest

from bot.kb import load_kb
from bot.settings import Commune

COMMUNE = Commune("Xã Thử", "Bộ phận Một cửa", "Thôn 2", "0999 000 111", "7h30–17h")
TOP = ("khai_sinh", "can_cuoc")


@pytest.fixture(scope="session")
def kb(root: Path):
    return load_kb(root / "procedures_kb")
