"""Process-wide, load-once resources shared by actions and tools: settings and the KB."""

from __future__ import annotations

import logging
from functools import lru_cache

from bot.kb import KnowledgeBase, load_kb
from bot.settings import Settings, load_settings

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    settings = settings_()
    kb = load_kb(settings.kb_dir)
    for error in kb.errors:
        # A bad file is skipped, never silently: every problem is logged at start-up.
        logger.error("knowledge base: %s", error)
    logger.info("knowledge base: %d procedures loaded", len(kb.procedures))
    return kb


def settings_() -> Settings:
    return load_settings()
