"""Status settings: the environment first, then the `status:` section of the settings file.

    status:
      db_url: "postgresql://user@host/db"   # CAUNOI_STATUS_DB; default sqlite:///<data_dir>/status.db
      api_token: "a-long-random-string"     # CAUNOI_STATUS_API_TOKEN; the update API is off without it
      columns: {ma_ho_so: "Mã hồ sơ"}       # our column → the export's header, for `caunoi status import`

Light on purpose: `caunoi run` reads it to decide whether to serve the API, without loading the store.
"""

from __future__ import annotations

import os
from typing import Any

from bot.settings import Settings


def status_section(settings: Settings) -> dict[str, Any]:
    section = settings.sections.get("status") or {}
    if not isinstance(section, dict):
        raise ValueError("status: must be a mapping (db_url, api_token, columns)")
    return section


def _pick(env: str, settings: Settings, key: str) -> str:
    value = os.environ.get(env) or status_section(settings).get(key)
    return str(value).strip() if value not in (None, "") else ""


def configured_status_db_url(settings: Settings) -> str:
    """CAUNOI_STATUS_DB or `status.db_url` as set; "" when neither is (the SQLite file in the data folder)."""
    return _pick("CAUNOI_STATUS_DB", settings, "db_url")


def status_db_url(settings: Settings) -> str:
    return configured_status_db_url(settings) or f"sqlite:///{(settings.data_dir / 'status.db').resolve()}"


def status_api_token(settings: Settings) -> str:
    return _pick("CAUNOI_STATUS_API_TOKEN", settings, "api_token")


def status_columns(settings: Settings) -> dict[str, str]:
    columns = status_section(settings).get("columns") or {}
    if not isinstance(columns, dict):
        raise ValueError("status.columns must map our column names to the export's headers")
    return {str(k): str(v) for k, v in columns.items()}
