"""The knowledge base, loaded once per process and shared by actions and tools."""

from __future__ import annotations

import logging
from functools import lru_cache

from bot.kb import KnowledgeBase, load_kb
from bot.settings import load_settings

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    kb = load_kb(load_settings().kb_dir)
    for error in kb.errors:
        # A bad file is skipped, never silently: every problem is logged at start-up.
        logger.error("knowledge base: %s", error)
    logger.info("knowledge base: %d procedures loaded", len(kb.procedures))
    return kb
