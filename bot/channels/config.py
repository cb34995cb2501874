"""Channel settings: the environment first, then the `telegram:` / `zalo:` / `rest:` sections of caunoi.yml.

A channel is on when its credentials are present; without them `caunoi run` serves REST only. Light
on purpose (no Rasa import): `caunoi run` reads it before starting the servers.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.settings import Settings, env_or_setting, settings_section


@dataclass(frozen=True)
class TelegramConfig:
    token: str
    api_base_url: str  # python-telegram-bot's base_url, ending in /bot
    file_base_url: str
    mode: str  # "polling" (default: a commune server behind NAT has no public URL) or "webhook"
    webhook_url: str
    webhook_secret: str

    @property
    def enabled(self) -> bool:
        return bool(self.token)


@dataclass(frozen=True)
class ZaloConfig:
    app_id: str
    oa_secret_key: str
    app_secret: str
    access_token: str
    refresh_token: str
    openapi_url: str
    oauth_url: str
    # The https:// address people reach this server at (what Zalo's console has before /webhooks/zalo/webhook).
    # Set: people who speak also get a link to hear the answer. Empty: text only.
    public_url: str = ""
    audio_hours: float = 24.0  # how long such a link works

    @property
    def enabled(self) -> bool:
        return bool(self.app_id and self.oa_secret_key)


def telegram_config(settings: Settings) -> TelegramConfig:
    section = settings.sections.get("telegram") or {}
    base = env_or_setting("TELEGRAM_API_BASE_URL", section, "api_base_url", "https://api.telegram.org/bot")
    # The file endpoint sits beside the method endpoint: https://api.telegram.org/file/bot<token>/...
    default_files = base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base
    mode = env_or_setting("TELEGRAM_MODE", section, "mode", "polling").lower()
    if mode not in ("polling", "webhook"):
        raise ValueError(f"telegram.mode must be polling or webhook, not {mode!r}")
    config = TelegramConfig(
        token=env_or_setting("TELEGRAM_BOT_TOKEN", section, "token"),
        api_base_url=base,
        file_base_url=env_or_setting("TELEGRAM_FILE_BASE_URL", section, "file_base_url", default_files),
        mode=mode,
        webhook_url=env_or_setting("TELEGRAM_WEBHOOK_URL", section, "webhook_url"),
        webhook_secret=env_or_setting("TELEGRAM_WEBHOOK_SECRET", section, "webhook_secret"),
    )
    if config.enabled and mode == "webhook" and not (config.webhook_url and config.webhook_secret):
        raise ValueError("telegram webhook mode needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET")
    return config


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_AUDIO_HOURS = 7 * 24  # Zalo's own window for answering a user


def public_base_url(value: str, name: str) -> str:
    """A public base address for links people tap: https://host[:port][/prefix], no trailing slash.
    http:// only on loopback (tests, a proxy on the same machine). ValueError: one line saying what to set."""
    if not value:
        return ""
    wanted = f"{name} must be this server's public https:// address, e.g. https://caunoi.example.org"
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValueError(f"{wanted} (this one cannot be read)") from None
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{wanted}, without a user name or password in it")
    if parts.scheme == "http" and host in LOOPBACK_HOSTS:
        pass
    elif parts.scheme != "https" or not host:
        raise ValueError(f"{wanted} (http:// only for 127.0.0.1 or localhost), not {value!r}")
    if parts.query or parts.fragment or "/webhooks/" in parts.path + "/":
        raise ValueError(f"{wanted}: the part before /webhooks/..., without ? or #, not {value!r}")
    return value.rstrip("/")


def _hours(value: str, name: str) -> float:
    try:
        hours = float(value)
    except ValueError:
        hours = math.nan
    if not 0 < hours <= MAX_AUDIO_HOURS:  # also refuses nan
        raise ValueError(f"{name} must be a number of hours above 0 and at most {MAX_AUDIO_HOURS}, not {value!r}")
    return hours


def zalo_config(settings: Settings) -> ZaloConfig:
    section = settings.sections.get("zalo") or {}
    config = ZaloConfig(
        app_id=env_or_setting("ZALO_APP_ID", section, "app_id"),
        oa_secret_key=env_or_setting("ZALO_OA_SECRET_KEY", section, "oa_secret_key"),
        app_secret=env_or_setting("ZALO_APP_SECRET", section, "app_secret"),
        access_token=env_or_setting("ZALO_ACCESS_TOKEN", section, "access_token"),
        refresh_token=env_or_setting("ZALO_REFRESH_TOKEN", section, "refresh_token"),
        openapi_url=env_or_setting("ZALO_OPENAPI_URL", section, "openapi_url", "https://openapi.zalo.me").rstrip("/"),
        oauth_url=env_or_setting("ZALO_OAUTH_URL", section, "oauth_url", "https://oauth.zaloapp.com").rstrip("/"),
    )
    if not config.enabled:
        return config
    return dataclasses.replace(
        config,
        public_url=public_base_url(env_or_setting("ZALO_PUBLIC_URL", section, "public_url"),
                                   "ZALO_PUBLIC_URL (zalo.public_url)"),
        audio_hours=_hours(env_or_setting("ZALO_AUDIO_HOURS", section, "audio_hours", "24"),
                           "ZALO_AUDIO_HOURS (zalo.audio_hours)"),
    )


REST_TOKEN_ENV = "CAUNOI_REST_TOKEN"


def rest_token(settings: Settings) -> str:
    """The REST token from the environment or `rest.token`; "" when none is set."""
    return env_or_setting(REST_TOKEN_ENV, settings_section(settings, "rest", "token"), "token")
