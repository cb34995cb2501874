"""Shared fixtures: the project root, the trained model and a running assistant.

Tests under tests/e2e/, and any test that uses one of E2E_FIXTURES (the trained engine, a running
assistant, a database server, a browser…), are marked `e2e`: `pytest -m "not e2e"` is the quick loop.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.runtime.environment import apply_quiet_env
from bot.runtime.training import is_up_to_date, model_path, train
from tests.support.assistant import start_assistant
from tests.support.paths import ROOT
from tests.support.servers import loud_test_server

apply_quiet_env()

# Fixtures that need more than this process: a trained model, servers, a browser, a speech model.
E2E_FIXTURES = frozenset({
    "trained_model", "assistant", "postgres_url", "redis_url", "browser", "kiosk", "hints", "cluster",
    "deployment",
})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    e2e_dir = Path(__file__).parent / "e2e"
    for item in items:
        if e2e_dir in Path(str(item.fspath)).parents or E2E_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def rasa_left_as_it_was():
    """No test may leave a Rasa patch applied for the tests after it (they use `patches.applied`)."""
    from bot.rasa_ext import patches

    yield
    left = patches.applied_names()
    patches.undo()
    assert not left, f"this test left Rasa patches applied: {left}"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def trained_model() -> Path:
    if not is_up_to_date(ROOT):
        train(ROOT)
    return model_path(ROOT)


@pytest.fixture(scope="session")
def assistant(trained_model: Path, tmp_path_factory: pytest.TempPathFactory):
    running = start_assistant(tmp_path_factory.mktemp("assistant-data"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server on loopback for the session (tests/support/pg.py); skipped, loudly, when it
    cannot start.

    CAUNOI_REQUIRE_POSTGRES=1 turns the skip into a failure (for CI machines that must test PostgreSQL).
    """
    from tests.support.pg import PostgresServer, PostgresUnavailable

    yield from loud_test_server(PostgresServer, PostgresUnavailable, "PostgreSQL TESTS", "CAUNOI_REQUIRE_POSTGRES")
