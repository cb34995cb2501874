"""The console's Languages page (issue 16): what each language pack covers, and the review of its
translations and recordings by the commune's team. Data and actions only; the routes, the session, the
CSRF token and the audit log are the console's (bot/console/).

The packs' rules hold here as in `caunoi lang import`: a translator never approves their own text, and
approving records the hash of the Vietnamese the reviewer read, so the page sends back the hash it
showed (`shown_hash`) and a text changed meanwhile is refused, not approved unseen. After a change the
caller runs `bot.languages.shared.reload()` so the assistant serves it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.kb import KnowledgeBase
from bot.languages.pack import (
    CODE,
    Entry,
    LanguagePack,
    core_keys,
    entry_file,
    load_pack,
    missing_core,
    read_pack_file,
    same_person,
    translatable,
    write_review,
)
from bot.languages.recorded import vietnamese_of
from bot.languages.recordings import (
    APPROVED,
    REJECTED,
    Recording,
    Recordings,
    RecordingsError,
    out_of_date,
    review_recording,
)
from bot.languages.status import PHRASES_ROW, coverage
from bot.languages.texts import source_hash
from bot.settings import Commune

# Sheet keys: "greet", "commune.desk", "khai_sinh:documents.0.name"; recording keys: "khai_sinh.fee",
# "phrase.greet". Anything else is refused before a path is built from it.
SHEET_KEY = re.compile(r"(?:[a-z0-9_]{1,64}:)?[a-z0-9_]{1,64}(?:\.[a-z0-9_]{1,64}){0,4}")
RECORDING_KEY = re.compile(r"[a-z0-9_]{1,64}\.[a-z_.]{1,40}")  # as the recordings channel serves them
AUDIO_FORMATS = ("ogg", "mp3")
LIMIT = 100  # entries per list on one page: a phone does not scroll through a whole imported sheet

START = ("Chưa có ngôn ngữ nào. Tổ công nghệ số của xã bắt đầu một ngôn ngữ bằng lệnh "
         "caunoi lang export trên máy chủ, dịch trong bảng tính rồi caunoi lang import "
         "(hướng dẫn từng bước: languages/README.md).")
STATUS = {"draft": "chờ duyệt", "approved": "đã duyệt", "rejected": "bị trả lại"}
RECORDING_STATUS = {APPROVED: "đã duyệt", REJECTED: "bị từ chối"}
NOT_PLAYED = {"text changed": "tiếng Việt đã đổi: cần thu âm lại", "unknown key": "không còn câu trả lời này",
              "audio file missing": "thiếu tệp âm thanh"}


class ReviewError(Exception):
    """A refused action, with a sentence the staff can act on."""

    @property
    def message(self) -> str:
        return str(self.args[0])


# -- the pages ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str  # the procedure as a button names it, or "Câu của trợ lý"
    procedure_id: str | None
    translated: int
    texts: int
    recorded: int
    recordable: int
    stale: int


@dataclass(frozen=True)
class Missing:
    key: str
    vietnamese: str


@dataclass(frozen=True)
class PackSummary:
    code: str
    vi_name: str
    offered: bool
    missing: list[Missing]  # core texts not approved and fresh
    rows: list[Row]
    problem: str | None
    url: str


def languages_page(folder: Path, kb: KnowledgeBase, commune: Commune, top: Iterable[str]) -> dict[str, Any]:
    """The context of languages.html: every pack with its gate and coverage, and what cannot be read."""
    found = coverage(folder, kb, commune, top)
    packs = []
    for c in found.packs:
        texts = translatable(kb, commune, c.pack.vi_name)
        rows = [Row(_where(kb, r.procedure_id), r.procedure_id, r.translated, r.texts, r.recorded, r.recordable,
                    r.stale) for r in c.rows]
        packs.append(PackSummary(c.pack.code, c.pack.vi_name, c.offered, [Missing(k, texts[k]) for k in c.missing],
                                 rows, c.problem, _url(c.pack.code)))
    empty = START if not packs and not found.errors else None
    return {"packs": packs, "problems": found.errors, "empty": empty}


@dataclass(frozen=True)
class EntryView:
    key: str
    where: str  # "Câu của trợ lý" or the procedure's label
    vietnamese: str  # today's Vietnamese
    text: str
    translator: str
    reviewer: str
    status: str
    status_label: str
    stale: bool  # translated from a Vietnamese that has changed since
    core: bool  # the language is offered only once this one is approved
    shown_hash: str  # what approving records: the hash of the Vietnamese shown
    shown_text_hash: str  # the translation shown: one edited meanwhile is not approved unseen


@dataclass(frozen=True)
class RecordingView:
    key: str
    vietnamese: str  # what it should say; empty when the key names no answer any more
    fresh: bool  # speaks today's Vietnamese and its files are there
    played: bool  # fresh and not rejected: what people hear
    state: str  # "đúng câu hiện nay", or why it cannot be played
    status: str
    status_label: str
    speaker: str
    consent_date: str
    duration: str  # "2,5 giây"
    reviewer: str
    mp3_url: str
    ogg_url: str


def language_page(folder: Path, code: str, kb: KnowledgeBase, commune: Commune, top: Iterable[str],
                  limit: int = LIMIT) -> dict[str, Any] | None:
    """The context of language.html: the texts waiting for review, the approved ones gone stale, and the
    recordings. None for a code with no pack (a 404)."""
    if not CODE.fullmatch(code) or not (folder / code).is_dir():
        return None
    problems: list[str] = []
    try:
        pack = load_pack(folder / code)
    except ValueError as exc:
        return {"code": code, "vi_name": code, "url": _url(code), "offered": False, "missing": 0, "waiting": [],
                "waiting_total": 0, "stale": [], "stale_total": 0, "recordings": [], "problems": [str(exc)]}
    problems += pack.errors
    waiting, stale = _entries(pack, kb, commune, top)
    try:
        recordings = _recordings(pack, kb, commune)
    except RecordingsError as exc:
        recordings = []
        problems.append(str(exc))
    missing = len(missing_core(pack, kb, commune, top))
    return {"code": code, "vi_name": pack.vi_name, "url": _url(code), "offered": missing == 0, "missing": missing,
            "waiting": waiting[:limit], "waiting_total": len(waiting), "stale": stale[:limit],
            "stale_total": len(stale), "recordings": recordings, "problems": problems}


def _entries(pack: LanguagePack, kb: KnowledgeBase, commune: Commune,
             top: Iterable[str]) -> tuple[list[EntryView], list[EntryView]]:
    core = set(core_keys(kb, top))
    waiting, stale = [], []
    for key, vi in translatable(kb, commune, pack.vi_name).items():
        entry = pack.entry(key)
        if entry is None:
            continue
        changed = entry.source_hash != source_hash(vi)
        if entry.approved and not changed:
            continue
        view = EntryView(key, _where(kb, key.partition(":")[0] if ":" in key else None), vi, entry.text,
                         entry.translator, entry.reviewer or "", entry.status, STATUS[entry.status], changed,
                         key in core, source_hash(vi), source_hash(entry.text))
        (stale if entry.approved else waiting).append(view)
    return waiting, stale


def _recordings(pack: LanguagePack, kb: KnowledgeBase, commune: Commune) -> list[RecordingView]:
    recordings = Recordings.load(pack.folder)
    views = []
    for key in recordings.keys():
        r = recordings.stored(key)
        if r is None:
            continue
        vi = vietnamese_of(key, kb, commune)
        reason = out_of_date(r, source_hash(vi) if vi is not None else None)
        base = f"{_url(pack.code)}/recordings/{key}"
        views.append(RecordingView(key, vi or "", reason is None, reason is None and not r.rejected,
                                   NOT_PLAYED[reason] if reason else "đúng câu hiện nay", r.status,
                                   RECORDING_STATUS[r.status], r.speaker, r.consent_date.strftime("%d/%m/%Y"),
                                   f"{r.seconds:.1f} giây".replace(".", ","), r.reviewer, f"{base}.mp3",
                                   f"{base}.ogg"))
    return views


def _where(kb: KnowledgeBase, procedure_id: str | None) -> str:
    if procedure_id is None:
        return PHRASES_ROW[1:-1].capitalize()  # "Câu của trợ lý"
    p = kb.procedures.get(procedure_id)
    return p.button_label if p is not None else procedure_id


def _url(code: str) -> str:
    return f"/console/languages/{code}"


# -- the actions --------------------------------------------------------------------------------------


def approve_entry(folder: Path, code: str, key: str, reviewer: str, *, shown_hash: str, shown_text_hash: str,
                  kb: KnowledgeBase, commune: Commune) -> str:
    """Approve a translation as the page showed it; ReviewError when the rules or a change refuse it."""
    pack = _pack(folder, code)
    vietnamese = translatable(kb, commune, pack.vi_name).get(_sheet_key(key))
    if vietnamese is None:
        raise ReviewError(f"Không có câu {key} để dịch (thủ tục đã bị bỏ?). Hãy tải lại trang.")
    entry = _stored_entry(pack, key)
    if source_hash(vietnamese) != shown_hash:
        raise ReviewError(f"Câu tiếng Việt của {key} vừa được sửa sau khi trang mở. Chưa duyệt: hãy tải lại trang "
                          "và đọc câu mới.")
    if source_hash(entry.text) != shown_text_hash:
        raise ReviewError(f"Bản dịch {key} vừa được sửa sau khi trang mở. Chưa duyệt: hãy tải lại trang.")
    if same_person(reviewer, entry.translator):
        raise ReviewError(f"Bạn là người dịch câu {key}: một người khác trong tổ phải duyệt.")
    _write(pack, key, "approved", reviewer, shown_hash)
    return f"Đã duyệt câu {key}."


def reject_entry(folder: Path, code: str, key: str, reviewer: str) -> str:
    """Send a translation back to its translator: it is not served until approved again."""
    pack = _pack(folder, code)
    _stored_entry(pack, _sheet_key(key))
    _write(pack, key, "rejected", reviewer, None)
    return f"Đã trả lại câu {key} cho người dịch. Câu này không được dùng cho đến khi được duyệt lại."


def approve_recording(folder: Path, code: str, key: str, reviewer: str) -> str:
    pack = _pack(folder, code)
    recording = _stored_recording(pack, key)
    if same_person(reviewer, recording.speaker):
        raise ReviewError(f"Bạn là người đọc bản ghi {key}: một người khác phải nghe và duyệt.")
    _review_recording(pack, key, APPROVED, reviewer)
    return f"Đã duyệt bản ghi {key}. Bản ghi chỉ được phát khi câu tiếng Việt vẫn như lúc thu âm."


def reject_recording(folder: Path, code: str, key: str, reviewer: str) -> str:
    pack = _pack(folder, code)
    _stored_recording(pack, key)
    _review_recording(pack, key, REJECTED, reviewer)
    return f"Đã từ chối bản ghi {key}: không phát nữa cho đến khi có bản thu mới hoặc được duyệt lại."


def recording_file(folder: Path, code: str, key: str, ext: str) -> Path | None:
    """A stored recording's file to play on the review page, rejected or not; None for anything else."""
    if not CODE.fullmatch(code) or not RECORDING_KEY.fullmatch(key) or ext not in AUDIO_FORMATS:
        return None
    try:
        recording = Recordings.load(folder / code).stored(key)
    except RecordingsError:
        return None
    path: Path | None = getattr(recording, ext) if recording is not None else None
    audio = (folder / code / "audio").resolve()
    if path is None or not path.is_file() or not path.resolve().is_relative_to(audio):
        return None
    return path


def _pack(folder: Path, code: str) -> LanguagePack:
    if not CODE.fullmatch(code) or not (folder / code).is_dir():
        raise ReviewError("Không có ngôn ngữ này.")
    try:
        return load_pack(folder / code)
    except ValueError as exc:
        raise ReviewError(f"Không đọc được ngôn ngữ {code}: {exc}") from None


def _sheet_key(key: str) -> str:
    if not SHEET_KEY.fullmatch(key):
        raise ReviewError("Mã câu không hợp lệ.")
    return key


def _stored_entry(pack: LanguagePack, key: str) -> Entry:
    path, _ = entry_file(pack.folder, key)
    _readable(path)
    entry = pack.entry(key)
    if entry is None:
        raise ReviewError(f"Câu {key} chưa có bản dịch, hoặc bản dịch có lỗi (xem mục Lỗi trong tệp).")
    return entry


def _readable(path: Path) -> None:
    """A broken file is refused before anything is written: the team fixes it by hand first."""
    try:
        read_pack_file(path)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReviewError(f"Tệp {path} bị lỗi nên không sửa được: {exc}") from None


def _write(pack: LanguagePack, key: str, status: str, reviewer: str, digest: str | None) -> None:
    if not reviewer.strip():
        raise ReviewError("Không rõ tài khoản người duyệt.")
    try:
        write_review(pack.folder, key, status, reviewer.strip(), digest)
    except ValueError as exc:
        raise ReviewError(f"Không lưu được: {exc}") from None


def _stored_recording(pack: LanguagePack, key: str) -> Recording:
    if not RECORDING_KEY.fullmatch(key):
        raise ReviewError("Mã bản ghi không hợp lệ.")
    try:
        recording = Recordings.load(pack.folder).stored(key)
    except RecordingsError as exc:
        raise ReviewError(f"Không đọc được danh sách bản ghi: {exc}") from None
    if recording is None:
        raise ReviewError(f"Không có bản ghi {key}.")
    return recording


def _review_recording(pack: LanguagePack, key: str, status: str, reviewer: str) -> None:
    if not reviewer.strip():
        raise ReviewError("Không rõ tài khoản người duyệt.")
    try:
        review_recording(pack.folder, key, status, reviewer)
    except (RecordingsError, KeyError, ValueError) as exc:
        raise ReviewError(f"Không lưu được: {exc}") from None
