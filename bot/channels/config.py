"""Channel settings: the environment first, then the `telegram:` / `zalo:` sections of caunoi.yml.

A channel is on when its credentials are present; without them `caunoi run` serves REST only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from bot.settings import Settings


def _pick(env: str, section: dict[str, Any], key: str, default: str = "") -> str:
    value = os.environ.get(env)
    if value is None or value == "":
        value = section.get(key)
    return str(value).strip() if value not in (None, "") else default


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

    @property
    def enabled(self) -> bool:
        return bool(self.app_id and self.oa_secret_key)


def telegram_config(settings: Settings) -> TelegramConfig:
    section = settings.sections.get("telegram") or {}
    base = _pick("TELEGRAM_API_BASE_URL", section, "api_base_url", "https://api.telegram.org/bot")
    # The file endpoint sits beside the method endpoint: https://api.telegram.org/file/bot<token>/...
    default_files = base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base
    mode = _pick("TELEGRAM_MODE", section, "mode", "polling").lower()
    if mode not in ("polling", "webhook"):
        raise ValueError(f"telegram.mode must be polling or webhook, not {mode!r}")
    config = TelegramConfig(
        token=_pick("TELEGRAM_BOT_TOKEN", section, "token"),
        api_base_url=base,
        file_base_url=_pick("TELEGRAM_FILE_BASE_URL", section, "file_base_url", default_files),
        mode=mode,
        webhook_url=_pick("TELEGRAM_WEBHOOK_URL", section, "webhook_url"),
        webhook_secret=_pick("TELEGRAM_WEBHOOK_SECRET", section, "webhook_secret"),
    )
    if config.enabled and mode == "webhook" and not (config.webhook_url and config.webhook_secret):
        raise ValueError("telegram webhook mode needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET")
    return config


def zalo_config(settings: Settings) -> ZaloConfig:
    section = settings.sections.get("zalo") or {}
    return ZaloConfig(
        app_id=_pick("ZALO_APP_ID", section, "app_id"),
        oa_secret_key=_pick("ZALO_OA_SECRET_KEY", section, "oa_secret_key"),
        app_secret=_pick("ZALO_APP_SECRET", section, "app_secret"),
        access_token=_pick("ZALO_ACCESS_TOKEN", section, "access_token"),
        refresh_token=_pick("ZALO_REFRESH_TOKEN", section, "refresh_token"),
        openapi_url=_pick("ZALO_OPENAPI_URL", section, "openapi_url", "https://openapi.zalo.me").rstrip("/"),
        oauth_url=_pick("ZALO_OAUTH_URL", section, "oauth_url", "https://oauth.zaloapp.com").rstrip("/"),
    )
