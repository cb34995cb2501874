import logging
from pathlib import Path

import pytest
import yaml

from bot.kb import KBLoadError, load_kb

REQUIRED_IDS = {
    "khai_sinh", "khai_sinh_lien_thong", "khai_tu", "ket_hon", "xac_nhan_tinh_trang_hon_nhan",
    "cai_chinh_ho_tich", "trich_luc_ho_tich", "chung_thuc", "thuong_tru", "tam_tru", "can_cuoc",
    "dinh_danh_dien_tu", "bhyt", "ho_ngheo", "tro_cap_xa_hoi",
}


@pytest.fixture
def good_entry(root: Path) -> dict:
    return yaml.safe_load((root / "procedures_kb" / "khai_sinh.yml").read_text(encoding="utf-8"))


def _write(folder: Path, name: str, data) -> None:
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    (folder / f"{name}.yml").write_text(text, encoding="utf-8")


def test_every_shipped_entry_is_valid_and_complete(root: Path) -> None:
    kb = load_kb(root / "procedures_kb")
    assert [str(e) for e in kb.errors] == []
    assert REQUIRED_IDS <= set(kb.ids)
    for p in kb.procedures.values():
        assert p.sources and p.verified_on and p.documents and p.steps and p.legal_basis
        assert len(p.aliases) >= 5
        assert 15 <= len(p.situations) <= 25, p.id


def test_missing_field_names_file_and_field(tmp_path: Path, good_entry: dict) -> None:
    del good_entry["fee"]["amount"]
    good_entry["documents"][1]["copies"] = ""
    _write(tmp_path, "khai_sinh", good_entry)
    kb = load_kb(tmp_path)
    messages = [str(e) for e in kb.errors]
    assert "khai_sinh.yml: fee.amount: is required" in messages
    assert any(m.startswith("khai_sinh.yml: documents[1].copies: must be a non-empty text")
               for m in messages)
    assert kb.procedures == {}


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    _write(tmp_path, "hong", "id: hong\naliases: [a, b\nname: x\n")
    [error] = load_kb(tmp_path).errors
    assert error.file == "hong.yml"
    assert error.field.startswith("line ")
    assert "YAML syntax error" in error.message


def test_one_bad_file_does_not_take_the_others_down(tmp_path: Path, good_entry: dict) -> None:
    _write(tmp_path, "khai_sinh", good_entry)
    _write(tmp_path, "broken", {"id": "broken"})
    kb = load_kb(tmp_path)
    assert kb.ids == ["khai_sinh"]
    assert {e.file for e in kb.errors} == {"broken.yml"}
    with pytest.raises(KBLoadError, match="broken.yml"):
        load_kb(tmp_path, strict=True)


def test_wrong_types_and_values_are_explained(tmp_path: Path, good_entry: dict) -> None:
    good_entry.update(id="other", code="1001193", steps="không phải danh sách", surprise=1)
    good_entry["documents"][0]["icon"] = "rocket"
    good_entry["online"]["channels"] = ["zalo"]
    _write(tmp_path, "khai_sinh", good_entry)
    fields = {e.field for e in load_kb(tmp_path).errors}
    assert {"id", "code", "steps", "surprise", "documents[0].icon", "online.channels"} <= fields


def test_same_alias_in_two_files_is_rejected(tmp_path: Path, good_entry: dict) -> None:
    _write(tmp_path, "khai_sinh", good_entry)
    twin = dict(good_entry, id="zz_ban_sao", aliases=["Khai Sinh", "a1", "a2", "a3", "a4"], situations=[])
    _write(tmp_path, "zz_ban_sao", twin)
    [error] = load_kb(tmp_path).errors
    assert error.file == "zz_ban_sao.yml" and "also an alias of khai_sinh" in error.message


def test_not_utf8_and_not_a_mapping(tmp_path: Path) -> None:
    (tmp_path / "latin.yml").write_bytes("id: b\xe1o\n".encode("latin-1"))
    _write(tmp_path, "list", "- just\n- a list\n")
    messages = {e.file: e.message for e in load_kb(tmp_path).errors}
    assert "not UTF-8" in messages["latin.yml"]
    assert "must be a mapping" in messages["list.yml"]


def _errors(folder: Path) -> list[str]:
    return [str(e) for e in load_kb(folder).errors]


def test_situations_are_optional(tmp_path: Path, good_entry: dict) -> None:
    del good_entry["situations"]
    _write(tmp_path, "khai_sinh", good_entry)
    kb = load_kb(tmp_path)
    assert kb.errors == [] and kb.procedures["khai_sinh"].situations == ()


def test_situations_must_be_a_list(tmp_path: Path, good_entry: dict) -> None:
    good_entry["situations"] = "vợ mới sinh em bé"
    _write(tmp_path, "khai_sinh", good_entry)
    assert _errors(tmp_path) == ["khai_sinh.yml: situations: must be a list, got str"]


def test_a_situation_must_be_a_non_empty_text(tmp_path: Path, good_entry: dict) -> None:
    good_entry["situations"] = ["vợ mới sinh em bé", "   ", 7]
    _write(tmp_path, "khai_sinh", good_entry)
    messages = _errors(tmp_path)
    assert any(m.startswith("khai_sinh.yml: situations[1]: must be a non-empty text") for m in messages)
    assert any(m.startswith("khai_sinh.yml: situations[2]: must be a non-empty text") for m in messages)
    assert len(messages) == 2


def test_a_situation_has_at_most_twelve_words(tmp_path: Path, good_entry: dict) -> None:
    twelve = "vợ em mới sinh em bé ở trạm y tế xã hôm"
    good_entry["situations"] = [twelve, twelve + " qua"]
    _write(tmp_path, "khai_sinh", good_entry)
    assert _errors(tmp_path) == ["khai_sinh.yml: situations[1]: has 13 words, limit is 12"]


def test_a_situation_is_one_line(tmp_path: Path, good_entry: dict) -> None:
    good_entry["situations"] = ["vợ mới sinh\nem bé"]
    _write(tmp_path, "khai_sinh", good_entry)
    assert _errors(tmp_path) == ["khai_sinh.yml: situations[0]: must be one line"]


def test_a_situation_repeated_in_one_entry_is_rejected(tmp_path: Path, good_entry: dict) -> None:
    # the same once folded: case, diacritics, spacing
    good_entry["situations"] = ["vợ mới sinh em bé", "chồng đi làm xa", "Vo moi  sinh em be"]
    _write(tmp_path, "khai_sinh", good_entry)
    [message] = _errors(tmp_path)
    assert message.startswith("khai_sinh.yml: situations[2]: ") and "repeats situations[0]" in message


def test_a_situation_is_not_an_alias(tmp_path: Path, good_entry: dict) -> None:
    good_entry["situations"] = ["vợ mới sinh em bé", "Khai Sinh"]
    _write(tmp_path, "khai_sinh", good_entry)
    [message] = _errors(tmp_path)
    assert message.startswith("khai_sinh.yml: situations[1]: ") and "is an alias" in message


def test_same_situation_in_two_files_is_rejected(tmp_path: Path, good_entry: dict) -> None:
    good_entry["situations"] = ["vợ mới sinh em bé", "con chưa có giấy tờ gì"]
    _write(tmp_path, "khai_sinh", good_entry)
    twin = dict(good_entry, id="zz_ban_sao", aliases=["b1", "b2", "b3", "b4", "b5"],
                situations=["ông nội vừa mất", "Vợ mới sinh em bé"])
    _write(tmp_path, "zz_ban_sao", twin)
    kb = load_kb(tmp_path)
    [error] = kb.errors
    assert (error.file, error.field) == ("zz_ban_sao.yml", "situations[1]")
    assert "also a situation of khai_sinh" in error.message
    assert set(kb.ids) == {"khai_sinh", "zz_ban_sao"}  # like an alias clash: reported, still loaded
    with pytest.raises(KBLoadError, match="zz_ban_sao.yml: situations\\[1\\]"):
        load_kb(tmp_path, strict=True)


def test_a_situation_that_is_another_entrys_alias_is_rejected(tmp_path: Path, good_entry: dict) -> None:
    _write(tmp_path, "khai_sinh", good_entry)
    twin = dict(good_entry, id="aa_khac", aliases=["b1", "b2", "b3", "b4", "b5"], situations=["giấy khai sinh"])
    _write(tmp_path, "aa_khac", twin)
    [error] = load_kb(tmp_path).errors
    assert (error.file, error.field) == ("aa_khac.yml", "situations[0]")
    assert "also an alias of khai_sinh" in error.message


def test_a_source_date_is_optional_but_never_malformed(tmp_path: Path, good_entry: dict) -> None:
    """An undated source is left without a date (or with an empty `date:`) rather than a guessed month."""
    good_entry["sources"][0].pop("date", None)
    good_entry["sources"].append({"ref": "S99", "title": "Bài không ghi ngày", "date": None})
    good_entry["sources"].append({"ref": "S98", "title": "Bài có ngày", "date": "2026-10"})
    _write(tmp_path, "khai_sinh", good_entry)
    kb = load_kb(tmp_path)
    assert kb.errors == []
    dates = [s.date for s in kb.procedures["khai_sinh"].sources]
    assert dates[0] is None and dates[-2:] == [None, "2026-10"]

    good_entry["sources"][-1]["date"] = "tháng 10"
    _write(tmp_path, "khai_sinh", good_entry)
    messages = _errors(tmp_path)
    assert len(messages) == 1 and messages[0].startswith(
        f"khai_sinh.yml: sources[{len(good_entry['sources']) - 1}].date: must be a date")


def test_verified_on_stays_required(tmp_path: Path, good_entry: dict) -> None:
    del good_entry["verified_on"]
    _write(tmp_path, "khai_sinh", good_entry)
    assert _errors(tmp_path) == ["khai_sinh.yml: verified_on: is required"]


def test_button_is_optional_short_and_one_line(tmp_path: Path, good_entry: dict) -> None:
    del good_entry["button"]
    _write(tmp_path, "khai_sinh", good_entry)
    p = load_kb(tmp_path).procedures["khai_sinh"]
    short = good_entry["short_name"]
    assert p.button is None and p.button_label == short[:1].upper() + short[1:]

    good_entry["button"] = "Đăng ký khai sinh cho con mới sinh ở trạm y tế"
    _write(tmp_path, "khai_sinh", good_entry)
    assert _errors(tmp_path) == ["khai_sinh.yml: button: is 46 characters, limit is 30"]

    good_entry["button"] = "Làm\ngiấy khai sinh"
    _write(tmp_path, "khai_sinh", good_entry)
    assert _errors(tmp_path) == ["khai_sinh.yml: button: must be one line"]


def test_a_draft_is_skipped_with_one_log_line_naming_it(tmp_path: Path, good_entry: dict,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    from bot.kb.draft import write_draft

    _write(tmp_path, "khai_sinh", good_entry)
    write_draft("portal:1.010038", tmp_path)  # Tách hộ: TODOs and portal texts too long for the schema
    with caplog.at_level(logging.WARNING, logger="bot.kb.loader"):
        kb = load_kb(tmp_path)
    assert kb.ids == ["khai_sinh"] and kb.errors == []  # a draft breaks nothing and is no error
    assert [d.file for d in kb.drafts] == ["tach_ho.yml"]
    [record] = [r for r in caplog.records if r.name == "bot.kb.loader"]
    assert "tach_ho.yml" in record.getMessage() and "draft" in record.getMessage()
    assert load_kb(tmp_path, strict=True).ids == ["khai_sinh"]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.kb.loader"):
        load_kb(tmp_path, log_drafts=False)
    assert not [r for r in caplog.records if r.name == "bot.kb.loader"]


def test_a_complete_entry_marked_draft_is_not_served(tmp_path: Path, good_entry: dict) -> None:
    _write(tmp_path, "khai_sinh", dict(good_entry, draft=True))
    kb = load_kb(tmp_path)
    assert kb.procedures == {} and kb.errors == [] and [d.id for d in kb.drafts] == ["khai_sinh"]
    # any value but false keeps it out: it is served only once the marker is gone or false
    _write(tmp_path, "khai_sinh", dict(good_entry, draft="có"))
    assert load_kb(tmp_path).procedures == {}
    _write(tmp_path, "khai_sinh", dict(good_entry, draft=False))
    kb = load_kb(tmp_path)
    assert kb.ids == ["khai_sinh"] and kb.errors == [] and kb.drafts == []


def test_the_nlu_export_leaves_drafts_out(tmp_path: Path, good_entry: dict) -> None:
    from bot.runtime.training import export_nlu

    (tmp_path / "procedures_kb").mkdir()
    (tmp_path / "nlu").mkdir()
    _write(tmp_path / "procedures_kb", "khai_sinh", good_entry)
    draft = dict(good_entry, id="tach_ho", code="1.010038", related_codes=[], draft=True,
                 aliases=["tách hộ", "tách hộ khẩu", "tách sổ hộ khẩu", "ra hộ riêng", "lập hộ mới"],
                 situations=["con trai lấy vợ muốn ra ở riêng"])
    _write(tmp_path / "procedures_kb", "tach_ho", draft)
    export_nlu(tmp_path)
    exported = (tmp_path / "nlu" / "procedures_generated.yml").read_text(encoding="utf-8")
    assert "- synonym: khai_sinh" in exported
    assert "tach_ho" not in exported and "tách hộ khẩu" not in exported

    del draft["draft"]  # checked: staff delete the marker
    _write(tmp_path / "procedures_kb", "tach_ho", draft)
    assert export_nlu(tmp_path) is True
    assert "- synonym: tach_ho" in (tmp_path / "nlu" / "procedures_generated.yml").read_text(encoding="utf-8")
