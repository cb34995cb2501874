"""What a translation covers: every text a procedure's answers show, by key, with its Vietnamese.

A key names a field of the knowledge-base entry ("fee.amount", "documents.2.name", "steps.0"); the
same walk serves the spreadsheet export, the freshness check and the translated view of an entry
(bot/languages/wording.py), so they cannot disagree about what is translatable.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import is_dataclass

from bot.kb import Procedure
from bot.settings import Commune

# The fields an answer or a checklist shows. A dotted name is a field of a nested entry; "[]" marks a
# list, each item keyed by its position ("documents.0.name"). Sources, legal basis and aliases are not
# shown to people in their own words, so they are not translated.
PROCEDURE_FIELDS = frozenset({
    "name", "short_name", "summary", "button", "authority", "where", "deadline",
    "documents[].name", "documents[].copies", "documents[].when", "documents[].notes",
    "fee.amount", "fee.details[]", "fee.exemptions[]", "fee.reductions[]",
    "processing_time.text", "steps[]", "online.how[]", "online.notes", "bring_to_show[]",
})
# The commune desk's words that are not names: its name, address and phone stay as written.
COMMUNE_FIELDS = frozenset({"desk", "hours"})
COMMUNE_PREFIX = "commune."
_INDEX = re.compile(r"\.\d+(?=\.|$)")


def field_pattern(key: str) -> str:
    """"documents.2.name" → "documents[].name": the schema entry a key is an instance of."""
    return _INDEX.sub("[]", key)


def procedure_texts(p: Procedure) -> dict[str, str]:
    """Every translatable text of an entry, by key, in the entry's order; empty fields are left out."""
    found: dict[str, str] = {}
    _walk(p, "", found)
    return found


def _walk(value: object, key: str, found: dict[str, str]) -> None:
    if isinstance(value, str):
        if key and field_pattern(key) in PROCEDURE_FIELDS and value.strip():
            found[key] = value
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            _walk(item, f"{key}.{i}", found)
    elif is_dataclass(value):
        for name in value.__dataclass_fields__:
            _walk(getattr(value, name), f"{key}.{name}" if key else name, found)


def commune_texts(commune: Commune) -> dict[str, str]:
    return {COMMUNE_PREFIX + name: getattr(commune, name) for name in sorted(COMMUNE_FIELDS)}


def source_hash(text: str) -> str:
    """What a translation records of the Vietnamese it translates: when the Vietnamese changes, the
    hash does, and the translation is stale. Unicode form and outer spaces are not changes."""
    canonical = unicodedata.normalize("NFC", text).strip()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
