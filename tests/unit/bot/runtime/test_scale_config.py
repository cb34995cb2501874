"""Where the conversations are: the shared database when configured, else the embedded SQLite file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.runtime.scale_config import tracker_db_url
from bot.settings import load_settings


def test_tracker_db_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CAUNOI_TRACKER_DB", raising=False)
    settings = replace(load_settings(), data_dir=tmp_path, sections={})
    assert tracker_db_url(settings) == f"sqlite:///{(tmp_path / 'trackers.db').resolve()}"
    shared = replace(settings, sections={"scale": {"tracker_db": "postgresql://caunoi:pw@db:5432/caunoi"}})
    assert tracker_db_url(shared) == "postgresql://caunoi:pw@db:5432/caunoi"
    monkeypatch.setenv("CAUNOI_TRACKER_DB", "postgresql://other@db/x")
    assert tracker_db_url(shared) == "postgresql://other@db/x"
