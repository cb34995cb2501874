from pathlib import Path

from bot.kb import load_kb
from bot.nlu.generate import procedure_aliases, render_nlu


def test_generated_nlu_is_up_to_date(root: Path) -> None:
    """Fails when procedures_kb/ changed without `caunoi kb export-nlu`."""
    kb = load_kb(root / "procedures_kb")
    committed = (root / "nlu" / "procedures_generated.yml").read_text(encoding="utf-8")
    assert committed == render_nlu(kb), "run `caunoi kb export-nlu` and commit the result"


def test_every_alias_becomes_a_synonym_of_its_procedure(root: Path) -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    kb = load_kb(root / "procedures_kb")
    data = load_data(str(root / "nlu" / "procedures_generated.yml"))
    for pid, names in procedure_aliases(kb).items():
        for name in names:
            assert data.entity_synonyms[name] == pid
    [lookup] = data.lookup_tables
    assert lookup["name"] == "procedure"
    assert set(lookup["elements"]) == set(data.entity_synonyms)
