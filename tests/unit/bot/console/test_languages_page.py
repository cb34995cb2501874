"""The console's Languages page (bot/console/pages/languages.py): real pack files in a temporary folder.

Packs are the tests' placeholder ones (private-use code `qaa`, "[qaa] <key>" texts, tones for audio):
no sentence of a real minority language is written here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from markupsafe import Markup

from bot.console.pages.languages import (
    ReviewError,
    approve_entry,
    approve_recording,
    language_page,
    languages_page,
    recording_file,
    reject_entry,
    reject_recording,
)
from bot.console.templates import render
from bot.kb import load_kb
from bot.languages import shared
from bot.languages.pack import load_pack, translatable
from bot.languages.recorded import hasher
from bot.languages.recordings import Recordings
from bot.languages.registry import Languages, load_languages
from bot.languages.status import coverage_table
from bot.languages.texts import source_hash
from tests.support.language_pack import CODE, TRANSLATOR, VI_NAME, record, write_pack
from tests.unit.bot.languages.conftest import COMMUNE, TOP

STAFF = "Cán bộ Một (mẫu)"
CSRF = Markup('<input type="hidden" name="csrf" value="t">')


@pytest.fixture(scope="module")
def kb(root: Path):
    return load_kb(root / "procedures_kb")


@pytest.fixture
def folder(kb, tmp_path: Path) -> Path:
    """`qaa` with "greet" waiting for review, two approved texts gone stale, one core text missing."""
    write_pack(tmp_path, kb, COMMUNE, drafts=["greet"], stale=["goodbye", "khai_sinh:fee.amount"],
               leave_out=["fallback"])
    return tmp_path


def page(folder: Path, kb) -> dict:
    ctx = language_page(folder, CODE, kb, COMMUNE, TOP)
    assert ctx is not None
    return ctx


def shown(folder: Path, kb, key: str) -> dict[str, str]:
    """The hashes the page showed with an entry, as its form sends them back."""
    ctx = page(folder, kb)
    entry = next(e for e in ctx["waiting"] + ctx["stale"] if e.key == key)
    return {"shown_hash": entry.shown_hash, "shown_text_hash": entry.shown_text_hash}


def approve(folder: Path, kb, key: str, reviewer: str = STAFF, **hashes: str) -> str:
    return approve_entry(folder, CODE, key, reviewer, kb=kb, commune=COMMUNE, **(hashes or shown(folder, kb, key)))


def test_the_coverage_table_has_the_numbers_of_lang_status(kb, folder: Path) -> None:
    ctx = languages_page(folder, kb, COMMUNE, TOP)
    assert ctx["empty"] is None and ctx["problems"] == []
    [pack] = ctx["packs"]
    assert (pack.code, pack.vi_name, pack.offered, pack.url) == (CODE, VI_NAME, False, "/console/languages/qaa")
    assert [m.key for m in pack.missing] == ["greet", "fallback", "khai_sinh:fee.amount"]
    assert pack.missing[0].vietnamese == translatable(kb, COMMUNE, VI_NAME)["greet"]
    phrases, khai_sinh = pack.rows[0], next(r for r in pack.rows if r.procedure_id == "khai_sinh")
    assert (phrases.label, phrases.procedure_id, phrases.stale) == ("Câu của trợ lý", None, 1)
    assert khai_sinh.label == kb.procedures["khai_sinh"].button_label
    assert (khai_sinh.translated, khai_sinh.texts - 1, khai_sinh.recorded, khai_sinh.recordable, khai_sinh.stale) == (
        khai_sinh.texts - 1, khai_sinh.translated, 0, 7, 1)
    table = coverage_table(folder, kb, COMMUNE, TOP)  # `caunoi lang status` prints the same rows
    for r in pack.rows:
        name = r.procedure_id or "(câu của trợ lý)"
        assert f"  {name:<24}{f'{r.translated}/{r.texts}':>9}{f'{r.recorded}/{r.recordable}':>9}{r.stale:>7}" in table
    html = render("languages.html", **ctx)
    assert "Chưa mở cho người dân: còn 3 câu bắt buộc" in html and 'href="/console/languages/qaa"' in html


def test_without_packs_the_page_says_how_a_commune_starts_one(kb, tmp_path: Path) -> None:
    ctx = languages_page(tmp_path / "none", kb, COMMUNE, TOP)
    assert ctx["packs"] == [] and "caunoi lang export" in ctx["empty"] and "languages/README.md" in ctx["empty"]
    assert ctx["empty"] in render("languages.html", **ctx)


def test_the_review_queue_lists_drafts_and_stale_entries(kb, folder: Path) -> None:
    ctx = page(folder, kb)
    assert [e.key for e in ctx["waiting"]] == ["greet"]
    assert [e.key for e in ctx["stale"]] == ["goodbye", "khai_sinh:fee.amount"]
    greet = ctx["waiting"][0]
    vi = translatable(kb, COMMUNE, VI_NAME)["greet"]
    assert (greet.vietnamese, greet.text, greet.translator, greet.status, greet.status_label) == (
        vi, "[qaa] greet", TRANSLATOR, "draft", "chờ duyệt")
    assert greet.core and not greet.stale and greet.shown_hash == source_hash(vi)
    fee = ctx["stale"][1]
    assert fee.stale and fee.status == "approved" and fee.vietnamese == kb.procedures["khai_sinh"].fee.amount
    assert (ctx["offered"], ctx["missing"], ctx["waiting_total"], ctx["stale_total"]) == (False, 3, 1, 2)
    assert language_page(folder, "qab", kb, COMMUNE, TOP) is None
    assert language_page(folder, "../qaa", kb, COMMUNE, TOP) is None


def test_approving_writes_the_file_and_the_pack_then_serves_the_text(kb, folder: Path) -> None:
    path = folder / CODE / "phrases.yml"
    path.write_text("# ghi chú của tổ (mẫu)\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    before = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert load_pack(folder / CODE).phrase("greet") is None
    assert approve(folder, kb, "greet") == "Đã duyệt câu greet."
    assert load_pack(folder / CODE).phrase("greet") == "[qaa] greet"
    after = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert after["greet"]["reviewer"] == STAFF and after["greet"]["translator"] == TRANSLATOR
    assert {k: v for k, v in after.items() if k != "greet"} == {k: v for k, v in before.items() if k != "greet"}
    assert list(after) == list(before) and path.read_text(encoding="utf-8").startswith("# ghi chú")

    # A stale text approved against today's Vietnamese is served again.
    approve(folder, kb, "khai_sinh:fee.amount")
    fee = kb.procedures["khai_sinh"].fee.amount
    assert load_pack(folder / CODE).text("khai_sinh", "fee.amount", fee) == "[qaa] khai_sinh:fee.amount"
    assert [e.key for e in page(folder, kb)["stale"]] == ["goodbye"] and page(folder, kb)["waiting"] == []
    assert load_languages(folder, kb, COMMUNE, TOP).missing[CODE] == ["fallback"]


def test_rejecting_takes_an_approved_text_out_of_service(kb, folder: Path) -> None:
    assert load_pack(folder / CODE).phrase("thanks") == "[qaa] thanks"
    message = reject_entry(folder, CODE, "thanks", STAFF)
    assert "trả lại" in message
    entry = load_pack(folder / CODE).entry("thanks")
    assert (entry.status, entry.reviewer) == ("rejected", STAFF)
    assert load_pack(folder / CODE).phrase("thanks") is None
    waiting = page(folder, kb)["waiting"]
    assert [(e.key, e.status_label) for e in waiting] == [("greet", "chờ duyệt"), ("thanks", "bị trả lại")]


@pytest.mark.parametrize("reviewer", [TRANSLATOR, "  người DỊCH  (mẫu) "])
def test_a_translator_cannot_approve_their_own_text(kb, folder: Path, reviewer: str) -> None:
    before = (folder / CODE / "phrases.yml").read_bytes()
    with pytest.raises(ReviewError, match="Bạn là người dịch câu greet"):
        approve(folder, kb, "greet", reviewer)
    assert (folder / CODE / "phrases.yml").read_bytes() == before


def test_a_text_changed_since_the_page_was_shown_is_not_approved(kb, folder: Path) -> None:
    before = (folder / CODE / "phrases.yml").read_bytes()
    hashes = shown(folder, kb, "greet")
    with pytest.raises(ReviewError, match="tiếng Việt .* vừa được sửa"):
        approve(folder, kb, "greet", shown_hash=source_hash("Câu tiếng Việt cũ (mẫu)"),
                shown_text_hash=hashes["shown_text_hash"])
    with pytest.raises(ReviewError, match="Bản dịch greet vừa được sửa"):
        approve(folder, kb, "greet", shown_hash=hashes["shown_hash"], shown_text_hash=source_hash("[qaa] cũ"))
    assert (folder / CODE / "phrases.yml").read_bytes() == before


def test_a_broken_pack_file_is_refused_by_name_and_left_untouched(kb, folder: Path) -> None:
    hashes = shown(folder, kb, "khai_sinh:fee.amount")
    path = folder / CODE / "procedures" / "khai_sinh.yml"
    broken = path.read_bytes() + b"  - [unclosed\n"
    path.write_bytes(broken)
    with pytest.raises(ReviewError, match=str(path)):
        approve(folder, kb, "khai_sinh:fee.amount", **hashes)
    with pytest.raises(ReviewError, match=str(path)):
        reject_entry(folder, CODE, "khai_sinh:fee.amount", STAFF)
    assert path.read_bytes() == broken
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []  # no temporary file left
    assert any(str(path) in problem for problem in page(folder, kb)["problems"])


@pytest.mark.parametrize(("code", "key"), [
    ("qab", "greet"), ("../qaa", "greet"), (CODE, "../../language"), (CODE, "../x:greet"), (CODE, "nothing"),
    (CODE, "fallback"),  # never translated: nothing to approve
])
def test_unknown_languages_and_keys_are_refused(kb, folder: Path, code: str, key: str) -> None:
    with pytest.raises(ReviewError):
        approve_entry(folder, code, key, STAFF, shown_hash="0" * 16, shown_text_hash="0" * 16, kb=kb, commune=COMMUNE)
    with pytest.raises(ReviewError):
        reject_entry(folder, code, key, STAFF)


def test_a_rejected_recording_is_not_served_and_can_be_approved_again(kb, folder: Path) -> None:
    record(folder, kb, COMMUNE, ["phrase.greet", "phrase.thanks"])
    now = hasher(kb, COMMUNE)
    [greet, thanks] = page(folder, kb)["recordings"]
    assert (greet.key, greet.fresh, greet.played, greet.status) == ("phrase.greet", True, True, "approved")
    assert greet.vietnamese and greet.mp3_url == "/console/languages/qaa/recordings/phrase.greet.mp3"

    assert "Đã từ chối bản ghi phrase.greet" in reject_recording(folder, CODE, "phrase.greet", STAFF)
    recordings = Recordings.load(folder / CODE)
    assert recordings.fresh("phrase.greet", now("phrase.greet")) is None
    assert recordings.fresh("phrase.thanks", now("phrase.thanks")) is not None
    greet = page(folder, kb)["recordings"][0]
    assert (greet.played, greet.status_label, greet.reviewer) == (False, "bị từ chối", STAFF)
    assert recording_file(folder, CODE, "phrase.greet", "mp3") == recordings.stored("phrase.greet").mp3  # staff hear it

    with pytest.raises(ReviewError, match="Bạn là người đọc"):
        approve_recording(folder, CODE, "phrase.greet", "Người thu âm (mẫu)")
    approve_recording(folder, CODE, "phrase.greet", STAFF)
    assert Recordings.load(folder / CODE).fresh("phrase.greet", now("phrase.greet")) is not None
    with pytest.raises(ReviewError, match="Không có bản ghi phrase.help"):
        reject_recording(folder, CODE, "phrase.help", STAFF)


def test_recording_files_are_only_those_the_manifest_lists(kb, folder: Path) -> None:
    record(folder, kb, COMMUNE, ["phrase.greet"])
    audio = folder / CODE / "audio"
    assert recording_file(folder, CODE, "phrase.greet", "ogg") == audio / "phrase.greet.ogg"
    (folder / "secret.mp3").write_bytes(b"not for the page")
    for code, key, ext in [(CODE, "../../secret", "mp3"), ("..", "qaa/audio/phrase.greet", "mp3"),
                           (CODE, "phrase.greet", "yml"), (CODE, "phrase.thanks", "mp3"),
                           ("qab", "phrase.greet", "mp3"), (CODE, "phrase.greet/../../../secret", "mp3"),
                           (CODE, "recordings", "yml")]:
        assert recording_file(folder, code, key, ext) is None, (code, key, ext)
    with pytest.raises(ReviewError):
        reject_recording(folder, CODE, "../phrase.greet", STAFF)


def test_the_review_page_renders_its_forms_and_escapes_what_the_files_say(kb, folder: Path) -> None:
    path = folder / CODE / "phrases.yml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries["goodbye"]["text"] = "[qaa] <script>alert(1)</script>"
    entries["goodbye"]["translator"] = "<b>Người dịch</b>"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    record(folder, kb, COMMUNE, ["phrase.greet"])
    html = render("language.html", csrf_input=CSRF, **page(folder, kb))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>" not in html and "&lt;b&gt;Người dịch&lt;/b&gt;" in html
    forms = html.count("<form ")
    assert forms == 1 + 2 + 1 and html.count(str(CSRF)) == forms  # greet, the two stale texts, one recording
    assert html.count('action="/console/languages/qaa/entries"') == 3
    assert html.count('action="/console/languages/qaa/recordings"') == 1
    for field in ('name="key" value="greet"', 'name="key" value="khai_sinh:fee.amount"',
                  f'name="shown_hash" value="{shown(folder, kb, "greet")["shown_hash"]}"', 'name="shown_text_hash"',
                  'name="decision" value="approve"', 'name="decision" value="reject"',
                  'name="key" value="phrase.greet"', 'src="/console/languages/qaa/recordings/phrase.greet.mp3"',
                  '<audio controls'):
        assert field in html, field


def test_reload_refreshes_the_object_the_dialogue_holds(kb, folder: Path, tmp_path: Path, monkeypatch) -> None:
    stamp = tmp_path / "run" / shared.STAMP
    monkeypatch.setattr(shared, "_read", lambda: load_languages(folder, kb, COMMUNE, TOP))
    monkeypatch.setattr(shared, "_stamp_path", lambda: stamp)
    shared._loaded.cache_clear()
    try:
        held = shared.languages()  # what bot/actions/answer.py gives the dialogue once
        assert held.packs[CODE].phrase("greet") is None
        approve(folder, kb, "greet")
        shared.reload()
        assert shared.languages() is held and held.packs[CODE].phrase("greet") == "[qaa] greet"

        # Another process of the installation changed a pack: its stamp tells this one to read again.
        reject_entry(folder, CODE, "greet", STAFF)
        stamp.write_text("another process\n", encoding="utf-8")
        shared.refresh()
        assert held.packs[CODE].phrase("greet") is None and isinstance(held, Languages)
    finally:
        shared._loaded.cache_clear()
