from __future__ import annotations

import pytest

from bot.console.config import ConsoleConfig, console_config
from bot.settings import load_settings


def settings_with(console: object):
    settings = load_settings()
    return type(settings)(**{**settings.__dict__, "sections": {**settings.sections, "console": console}})


def test_defaults() -> None:
    assert console_config(settings_with({})) == ConsoleConfig()
    assert ConsoleConfig().upload_bytes == 5 * 1024 * 1024


def test_values_are_read() -> None:
    config = console_config(settings_with({"idle_minutes": 10, "account_failures": "3", "upload_mb": 0.5}))
    assert (config.idle_minutes, config.account_failures, config.upload_bytes) == (10, 3, 524288)


@pytest.mark.parametrize(("section", "message"), [
    ({"idle_minutes": "soon"}, "console.idle_minutes must be a number"),
    ({"account_failures": 0}, "must be above 0"),
    ({"account_failures": 2.5}, "console.account_failures must be a whole number"),
    ({"idle": 5}, "unknown setting 'idle'"),
    ("yes", "console: must be a mapping"),
])
def test_bad_values_name_the_setting(section: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        console_config(settings_with(section))
