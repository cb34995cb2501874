"""The knowledge base, loaded once per process and shared by actions and tools."""

from __future__ import annotations

import logging
import sys
from functools import lru_cache

from bot.kb import KnowledgeBase, Procedure, load_kb
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


def procedure_or_complain(procedure_id: str) -> Procedure | None:
    """The procedure for a command line (`caunoi kb show`, `caunoi checklist`); None after saying on
    stderr which ids exist."""
    kb = knowledge_base()
    procedure = kb.get(procedure_id)
    if procedure is None:
        print(f"Unknown procedure {procedure_id!r}. Known: {', '.join(kb.ids)}", file=sys.stderr)
    return procedure
