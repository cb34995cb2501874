"""A real tracker database of answers from the national catalog, shared by the report's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.report_data import PORTAL_TURNS, build_tracker_db


@pytest.fixture(scope="session")
def portal_db_url(root: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    db = build_tracker_db(root, tmp_path_factory.mktemp("report-portal") / "trackers.db", PORTAL_TURNS)
    return f"sqlite:///{db}"
