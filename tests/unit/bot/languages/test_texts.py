"""What a translation covers, and the hash that makes it stale."""

from __future__ import annotations

import unicodedata

from bot.languages.texts import PROCEDURE_FIELDS, commune_texts, field_pattern, procedure_texts, source_hash
from tests.unit.bot.languages.conftest import COMMUNE


def test_every_text_an_answer_shows_has_a_key(kb) -> None:
    p = kb.procedures["khai_sinh"]
    texts = procedure_texts(p)
    assert texts["name"] == p.name and texts["fee.amount"] == p.fee.amount
    assert texts["documents.0.name"] == p.documents[0].name
    assert texts[f"steps.{len(p.steps) - 1}"] == p.steps[-1]
    assert all(field_pattern(key) in PROCEDURE_FIELDS for key in texts)
    # Not shown to people in their own words: ids, icons, sources, legal basis.
    assert not any(key.startswith(("id", "code", "sources", "legal_basis", "aliases")) for key in texts)
    assert not any(key.endswith(".icon") for key in texts)


def test_field_pattern_names_the_schema_entry() -> None:
    assert field_pattern("documents.12.name") == "documents[].name"
    assert field_pattern("steps.3") == "steps[]"
    assert field_pattern("fee.amount") == "fee.amount"


def test_the_hash_changes_with_the_words_not_with_their_unicode_form() -> None:
    text = "Lệ phí: miễn phí"
    assert source_hash(text) == source_hash(unicodedata.normalize("NFD", text) + "  ")
    assert source_hash(text) != source_hash("Lệ phí: 8.000 đồng")
    assert len(source_hash(text)) == 16


def test_the_commune_desk_and_hours_are_translatable_not_its_name_or_phone() -> None:
    assert commune_texts(COMMUNE) == {"commune.desk": COMMUNE.desk, "commune.hours": COMMUNE.hours}
