from dataclasses import replace
from pathlib import Path

from bot.kb import load_kb
from bot.nlu.generate import procedure_aliases, procedure_situations, render_nlu


def _lookups(data) -> dict[str, list[str]]:
    return {table["name"]: table["elements"] for table in data.lookup_tables}


def test_generated_nlu_is_up_to_date(root: Path) -> None:
    """Fails when procedures_kb/ changed without `caunoi kb export-nlu`."""
    kb = load_kb(root / "procedures_kb")
    committed = (root / "nlu" / "procedures_generated.yml").read_text(encoding="utf-8")
    assert committed == render_nlu(kb), "run `caunoi kb export-nlu` and commit the result"


def test_every_alias_becomes_a_synonym_of_its_procedure(root: Path) -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    kb = load_kb(root / "procedures_kb")
    data = load_data(str(root / "nlu" / "procedures_generated.yml"))
    aliases = procedure_aliases(kb)
    for pid, names in aliases.items():
        for name in names:
            assert data.entity_synonyms[name] == pid
    assert set(_lookups(data)["procedure"]) == {name for names in aliases.values() for name in names}


def test_every_situation_becomes_a_synonym_of_its_procedure(root: Path) -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    kb = load_kb(root / "procedures_kb")
    data = load_data(str(root / "nlu" / "procedures_generated.yml"))
    lookups = _lookups(data)
    assert set(lookups) == {"procedure", "procedure_situation"}
    exported = procedure_situations(kb)
    for pid, procedure in kb.procedures.items():
        assert procedure.situations
        texts = [" ".join(s.lower().split()) for s in procedure.situations]
        assert exported[pid] == texts  # none dropped: the KB has no clash
        for text in texts:
            assert data.entity_synonyms[text] == pid
    assert sorted(lookups["procedure_situation"]) == sorted(t for texts in exported.values() for t in texts)
    # the alias matcher's table holds names only, never situations
    assert not set(lookups["procedure"]) & set(lookups["procedure_situation"])


def test_situations_are_appended_after_the_alias_output(root: Path) -> None:
    kb = load_kb(root / "procedures_kb")
    with_situations = render_nlu(kb)
    kb.procedures = {pid: replace(p, situations=()) for pid, p in kb.procedures.items()}
    names_only = render_nlu(kb)
    assert "procedure_situation" not in names_only
    assert with_situations.startswith(names_only)
    assert with_situations[len(names_only):].startswith("- lookup: procedure_situation\n")


def test_a_clashing_situation_is_left_out(root: Path) -> None:
    kb = load_kb(root / "procedures_kb")
    khai_sinh, khai_tu = kb.procedures["khai_sinh"], kb.procedures["khai_tu"]
    kb.procedures["khai_tu"] = replace(
        khai_tu, situations=(*khai_tu.situations, "GIẤY KHAI SINH", khai_sinh.situations[0].upper(), "a  b"),
    )
    exported = procedure_situations(kb)
    assert exported["khai_tu"] == [*(s.lower() for s in khai_tu.situations), "a b"]
    assert exported["khai_sinh"] == [s.lower() for s in khai_sinh.situations]
