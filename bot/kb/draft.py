"""`caunoi kb draft portal:<code>`: a new KB entry prefilled from a national-portal record, for staff.

The report lists the portal procedures people ask about most; this writes `procedures_kb/<id>.yml` from
one of them, so staff start from the portal's facts instead of a blank file. What the record holds is
copied (papers with copies, fee and time per channel, steps, authority, legal basis, the portal page and
crawl date as the source); what only a person can write is a TODO placeholder (plain summary, aliases,
short name, button, situations, notes for minorities). The file carries `draft: true`: the loader skips
it, so nothing in it reaches people until staff rewrite it plainly, check it and delete the marker
(procedures_kb/README.md). Fee and time are marked `confirm_at_office: true`, `verified_on` is empty.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.catalog.answers import paper_icon
from bot.catalog.model import IN_PERSON, ONLINE, POST, CatalogRecord
from bot.catalog.model import Document as PortalDocument
from bot.catalog.tier import PORTAL
from bot.kb.draft_check import TODO, DraftCheck, check_draft
from bot.kb.loader import parse_entry_file
from bot.kb.validate import DRAFT_KEY, ID_PATTERN, is_draft

CODE = re.compile(r"^\d\.\d{6}$")
MAX_SLUG = 40  # an id is typed on command lines and read in reports: a few words, not the whole name
CHANNEL_LABELS = {IN_PERSON: "nộp trực tiếp", ONLINE: "nộp trực tuyến", POST: "gửi qua bưu điện"}
# Connecting words that make a poor last word of an id cut short ("cap_giay_phep_cho").
_DANGLING = frozenset("và của cho tại đối với theo trong ở hoặc có khi để đến từ về do các những bị".split())
_GENERIC_CASES = frozenset({"giấy tờ phải nộp", "thành phần hồ sơ", "hồ sơ gồm", "hồ sơ bao gồm"})
_STEP_NUMBER = re.compile(r"^\s*Bước\s*\d+\s*[:.\-–]\s*", re.IGNORECASE)

HEADER = """\
# BẢN NHÁP chép từ Cổng Dịch vụ công quốc gia: {code} {name}
# {url}
# Trợ lý KHÔNG dùng bản nháp này để trả lời người dân. Trước khi dùng, cán bộ cần:
#   1. Viết mọi chỗ "TODO" và viết lại bằng lời ngắn, dễ hiểu những phần chép từ Cổng (đánh dấu bên dưới).
#   2. Đối chiếu giấy tờ, lệ phí, thời gian với nguồn; ghi ngày kiểm tra vào verified_on.
#   3. Xóa dòng "draft: true", chạy `caunoi kb validate`, rồi `make train`.
# Hướng dẫn viết: procedures_kb/README.md
"""
FROM_PORTAL = "Chép từ Cổng: viết lại bằng lời ngắn, dễ hiểu."


class DraftError(Exception):
    """A draft that cannot be written, as one line; `status` is the command's exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Written:
    path: Path
    record: CatalogRecord
    check: DraftCheck  # what staff still have to write or fix


def parse_ref(ref: str) -> str:
    """The code in "portal:1.010038" (the report's form) or a bare "1.010038"."""
    code = ref.strip().removeprefix(PORTAL)
    if not CODE.match(code):
        raise DraftError(f"{ref!r} is not a portal procedure: give portal:<code>, e.g. portal:1.010038", 2)
    return code


def _ascii(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word.replace("đ", "d")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded)


def slug(name: str) -> str:
    """A short ascii id from a Vietnamese name: "Thủ tục đăng ký khai sinh lưu động" → "dang_ky_khai_sinh_luu_dong"."""
    words = re.findall(r"\w+", name.lower())
    if words[:2] == ["thủ", "tục"] and len(words) > 2:
        words = words[2:]  # most portal names begin "Thủ tục …": the rest tells procedures apart
    kept: list[tuple[str, str]] = []  # (word, its ascii form)
    for word in words:
        ascii_word = _ascii(word)
        if not ascii_word:
            continue
        if kept and len("_".join([a for _, a in kept] + [ascii_word])) > MAX_SLUG:
            break
        kept.append((word, ascii_word))
    # Judged with diacritics: "khí" (gas) and "trọng" (weight) end an id well, "khi" and "trong" do not.
    while len(kept) > 1 and kept[-1][0] in _DANGLING:
        kept.pop()
    text = "_".join(a for _, a in kept) or "thu_tuc"
    return text if text[0].isalpha() else f"tt_{text}"


# -- the entry ------------------------------------------------------------------------------------


def _per_channel(record: CatalogRecord, attr: str) -> str | None:
    """One value when every channel has the same, else "nộp trực tiếp: …; nộp trực tuyến: …"."""
    channels = record.channels or ()
    values = [getattr(c, attr) for c in channels]
    if not any(values):
        return None
    if None not in values and len(set(values)) == 1:
        return values[0]
    by_kind: dict[str, list[str]] = {}
    for channel, value in zip(channels, values, strict=True):
        shown = by_kind.setdefault(channel.kind, [])
        if value and value not in shown:
            shown.append(value)
    # A channel without a value is a fact staff must find out, not leave out: a TODO like any other.
    parts = [f"{CHANNEL_LABELS.get(kind, kind)}: {' hoặc '.join(shown) or f'{TODO}: Cổng không ghi'}"
             for kind, shown in by_kind.items()]
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def _case(document: PortalDocument) -> str | None:
    case = (document.case or "").strip().rstrip(":").strip()
    return None if case.lower() in _GENERIC_CASES else case or None


def _papers(record: CatalogRecord) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Documents to hand in, papers to show, and the portal's notes ("Lưu ý:") that sit in its list."""
    documents: list[dict[str, Any]] = []
    show: list[str] = []
    notes: list[str] = []
    for paper in record.documents or ():
        case = _case(paper)
        lowered = (case or "").lower()
        if lowered.startswith("lưu ý"):
            notes.append(f"Lưu ý trên Cổng: {paper.name}")
        elif "xuất trình" in lowered and "nộp" not in lowered:
            show.append(paper.name)
        else:
            item: dict[str, Any] = {"name": paper.name, "copies": paper.copies or f"{TODO}: số bản (Cổng không ghi)"}
            if case:
                item["when"] = case
            if paper.forms:
                item["notes"] = "Biểu mẫu trên Cổng: " + ", ".join(paper.forms)
            item["icon"] = paper_icon(paper.name)
            documents.append(item)
    if not documents:
        documents.append({"name": f"{TODO}: giấy tờ cần nộp (Cổng không ghi)", "copies": f"{TODO}: số bản"})
    return documents, show, notes


def _where_placeholder(record: CatalogRecord) -> str:
    """The portal fills the address for one record in eight; its in-person channel often says where instead."""
    channel = record.channel(IN_PERSON)
    said = f" Cổng ghi: {channel.note.lstrip('- ')}" if channel and channel.note else " (Cổng không ghi)"
    return f"{TODO}: nơi nộp hồ sơ và giờ nhận hồ sơ.{said}"


def _legal(record: CatalogRecord) -> list[str]:
    out: list[str] = []
    for doc in record.legal_basis or ():
        text = doc.title if not doc.number or doc.number in doc.title else f"{doc.title} ({doc.number})"
        if text not in out:
            out.append(text)
    return out or [f"{TODO}: văn bản pháp luật (Cổng không ghi)"]


def _online(record: CatalogRecord) -> dict[str, Any]:
    channel = record.channel(ONLINE)
    if channel is None:
        return {"available": False}
    online: dict[str, Any] = {"available": True, "channels": ["dvcqg"]}
    if channel.note:
        online["notes"] = channel.note
    return online


def _source(record: CatalogRecord) -> dict[str, Any]:
    crawl = f", bản thu thập {record.crawled}" if record.crawled else ""
    source: dict[str, Any] = {"ref": "S1", "title": f"Cổng Dịch vụ công quốc gia, thủ tục {record.code}{crawl}"}
    if record.url:
        source["url"] = record.url
    if record.crawled:
        source["date"] = record.crawled  # the copy's date: the portal page itself shows none
    return source


def _block(key: str, value: Any, comment: str | None = None) -> str:
    text = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    return (f"# {comment}\n" if comment else "") + text


def render_draft(record: CatalogRecord, procedure_id: str) -> str:
    """The YAML text of a draft entry for `record`, with comments saying what to rewrite."""
    documents, show, notes = _papers(record)
    fee: dict[str, Any] = {
        "amount": _per_channel(record, "fee") or f"{TODO}: Cổng không ghi lệ phí: hỏi cơ quan giải quyết, không đoán",
        "details": list(dict.fromkeys(c.fee_note for c in record.channels or () if c.fee_note)),
        "confirm_at_office": True,
    }
    if not fee["details"]:
        del fee["details"]
    time = {"text": _per_channel(record, "time") or f"{TODO}: Cổng không ghi thời gian: hỏi cơ quan giải quyết",
            "confirm_at_office": True}
    caveats = ([f"Điều kiện theo Cổng (đưa ý chính vào summary hoặc who_can_apply): {record.conditions}"]
               if record.conditions else []) + notes
    related = [code for code in record.aliases if code != record.code]
    parts = [
        HEADER.format(code=record.code, name=record.name, url=record.url or "(Cổng không ghi địa chỉ trang)"),
        _block(DRAFT_KEY, True, "Bản nháp: chưa kiểm tra, trợ lý không dùng. Xóa dòng này khi đã kiểm tra xong."),
        _block("id", procedure_id),
        _block("code", record.code),
        _block("related_codes", related) if related else "",
        _block("name", record.name, "Tên chính thức trên Cổng: rút gọn nếu quá dài."),
        _block("short_name", f"{TODO}: tên ngắn dùng trong câu trả lời, chữ thường"),
        _block("button", f"{TODO}: nhãn nút, tối đa 30 ký tự"),
        _block("summary", f"{TODO}: 1–2 câu dễ hiểu: thủ tục này là gì, ai cần làm"),
        _block("aliases", [f"{TODO}: ít nhất 5 cách người dân gọi thủ tục này, chữ thường, có dấu"]),
        _block("situations", [f"{TODO}: 15–25 câu người dân kể hoàn cảnh, không nêu tên thủ tục"]),
        _block("authority", record.competent or record.authority or f"{TODO}: cơ quan giải quyết (Cổng không ghi)"),
        _block("where", record.where or _where_placeholder(record), FROM_PORTAL),
        _block("who_can_apply", "; ".join(record.applicants), FROM_PORTAL) if record.applicants else "",
        _block("documents", documents, f"{FROM_PORTAL} Tên giấy tờ tối đa 140 ký tự, tối đa 12 giấy tờ."),
        _block("bring_to_show", show, "Giấy tờ Cổng ghi là phải xuất trình (không nộp). " + FROM_PORTAL)
        if show else "",
        _block("fee", fee, f"{FROM_PORTAL} Lệ phí chưa kiểm tra: giữ confirm_at_office: true nếu chưa chắc."),
        _block("processing_time", time, "Thời gian chưa kiểm tra: giữ confirm_at_office: true nếu chưa chắc."),
        _block("steps", [_STEP_NUMBER.sub("", s) for s in record.steps or ()] or [f"{TODO}: các bước (Cổng không ghi)"],
               f"{FROM_PORTAL} Tối đa 8 bước, mỗi bước tối đa 220 ký tự."),
        _block("online", _online(record), "Cổng ghi có nộp trực tuyến hay không: kiểm tra có trên VNeID (vneid) "
               "hay cổng tỉnh (dvc_tinh) không, thêm cách làm vào how."),
        _block("result", "; ".join(record.results or ()) or f"{TODO}: người dân nhận được gì (Cổng không ghi)",
               FROM_PORTAL),
        _block("legal_basis", _legal(record)),
        _block("minority_notes", [f"{TODO}: lưu ý cho đồng bào dân tộc thiểu số (phiên dịch, miễn giảm…), hoặc để []"]),
        _block("caveats", caveats, "Không hiện cho người dân: chỗ nguồn mâu thuẫn, chưa chắc.") if caveats else "",
        _block("sources", [_source(record)]),
        "# TODO: ngày cán bộ đối chiếu xong với nguồn, dạng YYYY-MM-DD.\nverified_on:\n",
    ]
    return "".join(part for part in parts if part)


# -- the file -------------------------------------------------------------------------------------


def _curated_codes(kb_dir: Path) -> dict[str, str]:
    """National code → the served (non-draft) entry that answers it, read from every file, even invalid ones."""
    owners: dict[str, str] = {}
    for path in sorted(kb_dir.glob("*.yml")):
        data, errors = parse_entry_file(path)
        if errors or not isinstance(data, dict) or is_draft(data):
            continue
        related = data.get("related_codes")
        for code in [data.get("code"), *(related if isinstance(related, list) else [])]:
            if code:
                owners.setdefault(str(code), path.name)
    return owners


def _check_target(path: Path, force: bool) -> None:
    if not path.exists():
        return
    data, errors = parse_entry_file(path)
    if errors or not is_draft(data):
        # Never replaced, even with --force: a draft is not served, so it would take a checked answer away.
        raise DraftError(f"{path} exists and is not a draft (a curated entry, or a file that cannot be read): "
                         "choose another id with --id")
    if not force:
        raise DraftError(f"{path} already exists (a draft): edit it, or add --force to write it again")


def write_draft(ref: str, kb_dir: Path, procedure_id: str | None = None, force: bool = False,
                catalog_file: Path | None = None) -> Written:
    """Write `<kb_dir>/<id>.yml` for the portal procedure `ref`; DraftError says why not."""
    from bot.catalog.store import CatalogFileError, catalog_path, read_catalog

    code = parse_ref(ref)
    if not kb_dir.is_dir():
        raise DraftError(f"{kb_dir}: no such knowledge-base folder", 2)
    catalog_file = catalog_file or catalog_path()
    try:
        catalog = read_catalog(catalog_file)
    except CatalogFileError as exc:
        raise DraftError(f"cannot read the national catalog: {exc}", 2) from None
    record = catalog.get(code)
    if record is None:
        raise DraftError(f"no procedure {code} in the national catalog ({catalog_file}, crawl {catalog.crawled})", 2)
    owners = _curated_codes(kb_dir)
    owner = next((owners[c] for c in (record.code, *record.aliases) if c in owners), None)
    if owner:
        raise DraftError(f"{PORTAL}{record.code} is already curated: {kb_dir / owner} answers it")
    procedure_id = procedure_id or slug(record.name)
    if not ID_PATTERN.match(procedure_id):
        raise DraftError(f"--id {procedure_id!r}: use lower-case letters, digits and _, starting with a letter", 2)
    path = kb_dir / f"{procedure_id}.yml"
    _check_target(path, force)
    text = render_draft(record, procedure_id)
    path.write_text(text, encoding="utf-8")
    return Written(path, record, check_draft(yaml.safe_load(text), path.name))
