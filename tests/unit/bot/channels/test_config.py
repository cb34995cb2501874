import dataclasses

import pytest

from bot.channels.config import rest_token, telegram_config, zalo_config
from bot.runtime.supervisor import RunOptions, enabled_channels, write_credentials
from bot.settings import load_settings


@pytest.fixture()
def settings(monkeypatch):
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "TELEGRAM_MODE", "TELEGRAM_WEBHOOK_URL",
                 "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_FILE_BASE_URL", "ZALO_APP_ID", "ZALO_OA_SECRET_KEY",
                 "ZALO_APP_SECRET", "ZALO_ACCESS_TOKEN", "ZALO_REFRESH_TOKEN", "ZALO_OPENAPI_URL", "ZALO_OAUTH_URL",
                 "ZALO_PUBLIC_URL", "ZALO_AUDIO_HOURS",
                 "CAUNOI_KIOSK", "CAUNOI_REST_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return load_settings()


def with_sections(settings, **sections):
    return dataclasses.replace(settings, sections=sections)


def test_no_tokens_means_rest_only(settings):
    assert not telegram_config(settings).enabled
    assert not zalo_config(settings).enabled
    # none of these needs credentials
    assert enabled_channels(settings) == ["rest", "kiosk", "cards", "recordings", "console"]


def test_telegram_from_config_and_environment_wins(settings, monkeypatch):
    configured = with_sections(settings, telegram={"token": "1:abc", "api_base_url": "http://127.0.0.1:8081/bot"})
    config = telegram_config(configured)
    assert config.enabled and config.mode == "polling"
    assert config.file_base_url == "http://127.0.0.1:8081/file/bot"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "2:env")
    assert telegram_config(configured).token == "2:env"
    assert telegram_config(settings).api_base_url == "https://api.telegram.org/bot"


def test_webhook_mode_needs_url_and_secret(settings, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:abc")
    monkeypatch.setenv("TELEGRAM_MODE", "webhook")
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_URL"):
        telegram_config(settings)
    monkeypatch.setenv("TELEGRAM_MODE", "carrier-pigeon")
    with pytest.raises(ValueError, match="polling or webhook"):
        telegram_config(settings)


def test_zalo_needs_app_id_and_secret_key(settings, monkeypatch):
    monkeypatch.setenv("ZALO_APP_ID", "123")
    assert not zalo_config(settings).enabled
    monkeypatch.setenv("ZALO_OA_SECRET_KEY", "k")
    config = zalo_config(settings)
    assert config.enabled and config.openapi_url == "https://openapi.zalo.me"
    assert enabled_channels(settings) == ["rest", "zalo", "kiosk", "cards", "recordings", "console"]
    monkeypatch.setenv("CAUNOI_KIOSK", "0")
    assert enabled_channels(settings) == ["rest", "zalo", "cards", "recordings", "console"]


def test_credentials_file_names_channels_without_secrets(settings, monkeypatch, tmp_path):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:very-secret")
    path = write_credentials(tmp_path, RunOptions(port=5999), enabled_channels(settings))
    text = path.read_text()
    assert "bot.channels.telegram.channel.TelegramInput" in text and "bot.channels.rest.channel.RestChannel" in text
    assert "very-secret" not in text


def test_rest_token_from_the_settings_file_or_the_environment(settings, monkeypatch):
    assert rest_token(settings) == ""
    assert "rest" not in enabled_channels(settings, "0.0.0.0")
    from_file = with_sections(settings, rest={"token": " t0k "})
    assert rest_token(from_file) == "t0k" and "rest" in enabled_channels(from_file, "0.0.0.0")
    monkeypatch.setenv("CAUNOI_REST_TOKEN", "env-wins")
    assert rest_token(from_file) == "env-wins"
    with pytest.raises(ValueError, match="rest: must be a mapping"):
        rest_token(with_sections(settings, rest="t0k"))


def test_a_bad_console_setting_stops_the_start_with_its_name(monkeypatch) -> None:
    settings = load_settings()
    broken = dataclasses.replace(settings, sections={**settings.sections, "console": {"idle_minutes": "x"}})
    with pytest.raises(ValueError, match="console.idle_minutes"):
        enabled_channels(broken)
    monkeypatch.setenv("CAUNOI_CONSOLE", "0")
    assert "console" not in enabled_channels(broken)  # switched off: its settings are not read
