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
    twin = dict(good_entry, id="zz_ban_sao", aliases=["Khai Sinh", "a1", "a2", "a3", "a4"])
    _write(tmp_path, "zz_ban_sao", twin)
    [error] = load_kb(tmp_path).errors
    assert error.file == "zz_ban_sao.yml" and "also an alias of khai_sinh" in error.message


def test_not_utf8_and_not_a_mapping(tmp_path: Path) -> None:
    (tmp_path / "latin.yml").write_bytes("id: b\xe1o\n".encode("latin-1"))
    _write(tmp_path, "list", "- just\n- a list\n")
    messages = {e.file: e.message for e in load_kb(tmp_path).errors}
    assert "not UTF-8" in messages["latin.yml"]
    assert "must be a mapping" in messages["list.yml"]
