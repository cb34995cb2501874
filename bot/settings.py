"""Project settings: paths and the commune profile, from `caunoi.yml` and the environment.

`CAUNOI_CONFIG` points at another settings file (a commune's own); `CAUNOI_HOME` at the project
folder (where `procedures_kb/`, `models/` and `data/` live).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def project_root() -> Path:
    return Path(os.environ.get("CAUNOI_HOME", PACKAGE_ROOT)).resolve()


@dataclass(frozen=True)
class Commune:
    name: str
    desk: str
    address: str
    phone: str
    hours: str
    # The desk in one line is a phrase ("contact", bot/dialogue/phrases.py), so it can be translated.


@dataclass(frozen=True)
class Settings:
    root: Path
    kb_dir: Path
    data_dir: Path
    models_dir: Path
    commune: Commune
    top_procedures: tuple[str, ...]
    # Other top-level sections of the settings file (telegram, zalo, ...), read by their owners.
    sections: dict[str, Any] = field(default_factory=dict)
    # Language packs a commune's bilingual team made (languages/README.md); none ship with the code.
    languages_dir: Path = PACKAGE_ROOT / "languages"


def settings_section(settings: Settings, name: str, keys: str) -> dict[str, Any]:
    """The `name:` section of the settings file ({} when absent); ValueError naming `keys` when it is
    not a mapping."""
    section = settings.sections.get(name) or {}
    if not isinstance(section, dict):
        raise ValueError(f"{name}: must be a mapping ({keys})")
    return section


def env_or_setting(env: str, section: dict[str, Any], key: str, default: str = "") -> str:
    """The environment variable `env` when set and not empty, else `section[key]`, else `default`; stripped."""
    value = os.environ.get(env) or section.get(key)
    return str(value).strip() if value not in (None, "") else default


_COMMUNE_FIELDS = ("name", "desk", "address", "phone", "hours")


def read_yaml_mapping(path: Path, what: str = "a mapping") -> dict[str, Any]:
    """The mapping a YAML file holds ({} for an empty file); FileNotFoundError when it is missing,
    ValueError naming the file otherwise."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: YAML syntax error: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: must be {what}")
    return data


def _read_config(path: Path) -> dict:
    try:
        return read_yaml_mapping(path, "a mapping of settings")
    except FileNotFoundError:
        return {}


@lru_cache(maxsize=1)
def load_settings() -> Settings:
    root = project_root()
    path = Path(os.environ.get("CAUNOI_CONFIG", root / "caunoi.yml"))
    data = _read_config(path)
    commune_data = data.get("commune") or {}
    missing = [f for f in _COMMUNE_FIELDS if not str(commune_data.get(f) or "").strip()]
    if missing:
        raise ValueError(f"{path}: commune.{missing[0]} is required (see caunoi.yml)")
    commune = Commune(**{f: str(commune_data[f]).strip() for f in _COMMUNE_FIELDS})
    data_dir = Path(os.environ.get("CAUNOI_DATA_DIR", root / data.get("data_dir", "data")))
    return Settings(
        root=root,
        kb_dir=root / data.get("kb_dir", "procedures_kb"),
        data_dir=data_dir,
        models_dir=root / "models",
        commune=commune,
        top_procedures=tuple(data.get("top_procedures") or ()),
        languages_dir=Path(os.environ.get("CAUNOI_LANGUAGES_DIR", root / data.get("languages_dir", "languages"))),
        sections={k: v for k, v in data.items() if isinstance(v, dict)},
    )
