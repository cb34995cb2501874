"""Status settings: the environment first, then the `status:` section of the settings file.

    status:
      db_url: "postgresql://user@host/db"   # CAUNOI_STATUS_DB; default sqlite:///<data_dir>/status.db
      api_token: "a-long-random-string"     # CAUNOI_STATUS_API_TOKEN; the update API is off without it
      columns: {ma_ho_so: "Mã hồ sơ"}       # our column → the export's header, for `caunoi status import`

Light on purpose: `caunoi run` reads it to decide whether to serve the API, without loading the store.
"""

from __future__ import annotations

from typing import Any

from bot.settings import Settings, env_or_setting, settings_section


def status_section(settings: Settings) -> dict[str, Any]:
    return settings_section(settings, "status", "db_url, api_token, columns")


def configured_status_db_url(settings: Settings) -> str:
    """CAUNOI_STATUS_DB or `status.db_url` as set; "" when neither is (the SQLite file in the data folder)."""
    return env_or_setting("CAUNOI_STATUS_DB", status_section(settings), "db_url")


def status_db_url(settings: Settings) -> str:
    return configured_status_db_url(settings) or f"sqlite:///{(settings.data_dir / 'status.db').resolve()}"


def status_api_token(settings: Settings) -> str:
    return env_or_setting("CAUNOI_STATUS_API_TOKEN", status_section(settings), "api_token")


def status_columns(settings: Settings) -> dict[str, str]:
    columns = status_section(settings).get("columns") or {}
    if not isinstance(columns, dict):
        raise ValueError("status.columns must map our column names to the export's headers")
    return {str(k): str(v) for k, v in columns.items()}
