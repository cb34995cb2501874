"""Reading a language pack: what is served, what is refused and why."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.languages.pack import CORE_PHRASES, load_pack, missing_core, parse_entry, write_review
from bot.languages.texts import source_hash
from tests.support.language_pack import OWN_NAME, write_pack
from tests.unit.bot.languages.conftest import COMMUNE, TOP

GOOD = {"text": "[qaa] x", "status": "approved", "translator": "A", "reviewer": "B", "source_hash": "0" * 16}


@pytest.mark.parametrize(("change", "message"), [
    ({"status": "done"}, "greet.status: must be draft or approved"),
    ({"reviewer": None}, "greet.reviewer: an approved text needs a reviewer"),
    ({"reviewer": " a "}, "greet.reviewer: must be another person than the translator"),
    ({"translator": ""}, "greet.translator: required"),
    ({"text": "  "}, "greet.text: required"),
    ({"source_hash": "abc"}, "greet.source_hash"),
])
def test_a_bad_entry_is_refused_naming_its_field(change, message) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_entry("greet", GOOD | change)


def test_a_draft_needs_no_reviewer() -> None:
    assert not parse_entry("greet", GOOD | {"status": "draft", "reviewer": None}).approved


def test_a_rejected_entry_is_kept_and_not_approved() -> None:
    entry = parse_entry("greet", GOOD | {"status": "rejected", "reviewer": "A"})  # may be its translator
    assert entry.status == "rejected" and not entry.approved


def test_a_phrase_must_keep_its_placeholders() -> None:
    wanted = r"fee.title.text: must keep the Vietnamese placeholders \({amount}, {procedure}\)"
    with pytest.raises(ValueError, match=wanted):
        parse_entry("fee.title", GOOD | {"text": "[qaa] {procedure}"}, check_placeholders=True)
    assert parse_entry("fee.title", GOOD | {"text": "[qaa] {amount} {procedure}"}, check_placeholders=True)


def test_only_approved_fresh_entries_are_served(kb, tmp_path: Path) -> None:
    folder = write_pack(tmp_path, kb, COMMUNE, drafts=["greet"], stale=["khai_sinh:fee.amount"])
    pack = load_pack(folder)
    assert pack.errors == []
    assert pack.phrase("greet") is None  # a draft
    assert pack.phrase("thanks") == "[qaa] thanks"
    fee = kb.procedures["khai_sinh"].fee.amount
    assert pack.text("khai_sinh", "fee.amount", fee) is None  # translated from older Vietnamese
    name = kb.procedures["khai_sinh"].name
    assert pack.text("khai_sinh", "name", name) == "[qaa] khai_sinh:name"
    assert pack.text("khai_sinh", "name", name + " mới") is None  # the Vietnamese changed since
    assert pack.own_name == OWN_NAME


def test_the_gate_lists_the_core_texts_not_approved(kb, tmp_path: Path) -> None:
    complete = load_pack(write_pack(tmp_path / "a", kb, COMMUNE))
    assert missing_core(complete, kb, COMMUNE, TOP) == []
    partial = load_pack(write_pack(tmp_path / "b", kb, COMMUNE, leave_out=["fallback"],
                                   drafts=["khai_sinh:summary"], stale=["language.name"]))
    assert missing_core(partial, kb, COMMUNE, TOP) == ["language.name", "fallback", "khai_sinh:summary"]
    # A procedure outside the top ones is not part of the gate.
    outside = load_pack(write_pack(tmp_path / "c", kb, COMMUNE, leave_out=["ket_hon:summary"]))
    assert missing_core(outside, kb, COMMUNE, TOP) == []
    assert "language.choose" in CORE_PHRASES and "human" in CORE_PHRASES


def test_bad_entries_are_listed_with_their_file_and_the_rest_is_served(kb, tmp_path: Path) -> None:
    folder = write_pack(tmp_path, kb, COMMUNE)
    phrases = yaml.safe_load((folder / "phrases.yml").read_text(encoding="utf-8"))
    phrases["greet"]["reviewer"] = phrases["greet"]["translator"]
    (folder / "phrases.yml").write_text(yaml.safe_dump(phrases, allow_unicode=True), encoding="utf-8")
    (folder / "procedures" / "ket_hon.yml").write_text("name: [unclosed", encoding="utf-8")
    pack = load_pack(folder)
    assert any(e.startswith(f"{folder / 'phrases.yml'}: greet.reviewer") for e in pack.errors)
    assert any(e.startswith(f"{folder / 'procedures' / 'ket_hon.yml'}: YAML syntax error") for e in pack.errors)
    assert pack.phrase("greet") is None and pack.phrase("thanks") == "[qaa] thanks"


@pytest.mark.parametrize(("meta", "message"), [
    ({"code": "vi", "vi_name": "x"}, "code: must be a language code"),
    ({"code": "qab", "vi_name": "x"}, "code: 'qab' differs from its folder's name 'qaa'"),
    ({"code": "qaa"}, "vi_name: required"),
    ({"code": "qaa", "vi_name": "x", "script": "cyrillic"}, "script: must be one of"),
])
def test_an_unusable_language_file_names_its_field(tmp_path: Path, meta, message) -> None:
    folder = tmp_path / "qaa"
    folder.mkdir()
    (folder / "language.yml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    with pytest.raises(ValueError, match=f"language.yml: {message}"):
        load_pack(folder)


def test_hashes_written_by_the_helper_match_the_vietnamese(kb, tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path, kb, COMMUNE))
    assert pack.phrases["greet"].source_hash == source_hash("Xin chào! Tôi là Cầu Nối, giúp bạn làm giấy tờ ở xã. "
                                                            "Bạn cần làm thủ tục gì?")


def test_a_review_rewrites_one_entry_keeping_the_rest_of_the_file(kb, tmp_path: Path) -> None:
    folder = write_pack(tmp_path, kb, COMMUNE, drafts=["greet"])
    path = folder / "phrases.yml"
    before = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text("# ghi chú của tổ (mẫu)\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    digest = source_hash("Xin chào (mẫu)")
    entry = write_review(folder, "greet", "approved", "Cán bộ (mẫu)", digest)
    assert (entry.status, entry.reviewer, entry.source_hash) == ("approved", "Cán bộ (mẫu)", digest)
    text = path.read_text(encoding="utf-8")
    after = yaml.safe_load(text)
    assert text.startswith("# ghi chú của tổ (mẫu)\n") and list(after) == list(before)
    assert after == before | {"greet": before["greet"] | {"status": "approved", "reviewer": "Cán bộ (mẫu)",
                                                          "source_hash": digest}}
    write_review(folder, "khai_sinh:fee.amount", "rejected", "Cán bộ (mẫu)")
    assert load_pack(folder).entry("khai_sinh:fee.amount").status == "rejected"


@pytest.mark.parametrize(("key", "reviewer", "message"), [
    ("greet", "người dịch (MẪU)", "greet.reviewer: must be another person than the translator"),
    ("nothing", "Cán bộ", "nothing: no such entry"),
])
def test_a_review_the_pack_would_refuse_writes_nothing(kb, tmp_path: Path, key, reviewer, message) -> None:
    folder = write_pack(tmp_path, kb, COMMUNE, drafts=["greet"])
    before = (folder / "phrases.yml").read_bytes()
    with pytest.raises(ValueError, match=message.replace("(", r"\(")) as caught:
        write_review(folder, key, "approved", reviewer, source_hash("x"))
    assert str(folder / "phrases.yml") in str(caught.value)
    assert (folder / "phrases.yml").read_bytes() == before
