"""The language packs of this installation, read once per process (like bot/kb/shared.py's KB)."""

from __future__ import annotations

from functools import lru_cache

from bot.languages.registry import Languages, load_languages


@lru_cache(maxsize=1)
def languages() -> Languages:
    from bot.kb.shared import knowledge_base
    from bot.settings import load_settings

    settings = load_settings()
    return load_languages(settings.languages_dir, knowledge_base(), settings.commune, settings.top_procedures)
