"""The procedures knowledge base: schema, validation and loading."""

from bot.kb.loader import KBError, KBLoadError, KnowledgeBase, load_kb
from bot.kb.model import Document, Procedure

__all__ = ["Document", "KBError", "KBLoadError", "KnowledgeBase", "Procedure", "load_kb"]
