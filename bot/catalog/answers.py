"""Answers from a national-portal record, in the curated answers' shape but short and plain.

Portal text is legal language and long; a phone screen and a loudspeaker need little of it. So: the
first papers only (the rest on the portal), no legal citations, and a field the portal left empty or
the parser could not read is answered with the link, never with table debris. Every answer ends with
where it comes from, when that was read, and that the commune desk confirms it: these records were
not checked by anyone here, unlike the curated knowledge base.
"""

from __future__ import annotations

from bot.catalog.model import IN_PERSON, ONLINE, POST, CatalogRecord, Document
from bot.catalog.text import without_citations
from bot.dialogue.answers import help_line
from bot.dialogue.intents import Topic
from bot.languages.wording import VIETNAMESE
from bot.settings import Commune

MAX_DOCUMENTS = 5  # more do not fit a phone screen: the rest is behind a "xem thêm" button
MORE_PAGE = 10  # papers per "xem thêm" page
MORE_BUTTON = "Xem thêm giấy tờ"
MAX_STEPS = 5
MAX_LINE = 220  # one item of a list; longer portal sentences are cut at a word
CONTEXT_WORDS = 3  # of a shared beginning, the words kept before where close names differ
CHANNEL_NAMES = {IN_PERSON: "Nộp trực tiếp", ONLINE: "Nộp online", POST: "Gửi qua bưu điện"}
LEVEL_NAMES = {"Cấp xã": "xã, phường", "Cấp tỉnh": "tỉnh", "Cấp bộ": "bộ ở trung ương"}
SOURCE_LINE = "Thông tin này lấy từ Cổng Dịch vụ công quốc gia; cán bộ xã sẽ xác nhận khi bạn nộp."


def short(text: str, limit: int = MAX_LINE) -> str:
    """At most `limit` characters, cut at a word; a bracket left open by the cut is dropped with what it
    opened when that leaves most of the text, else closed ("(đối…" would be read aloud as "đối")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    if cut.count("(") > cut.count(")"):
        opened = cut.rfind("(")
        return cut[:opened].rstrip(" ,;:") + "…" if opened > limit // 2 else cut + "…)"
    return cut + "…"


def plain(text: str, limit: int = MAX_LINE) -> str:
    """A portal sentence for a citizen: without the law it cites, at most `limit` characters."""
    return short(without_citations(text), limit)


def crawl_month(crawled: str) -> str:
    """"2026-06" → "tháng 6/2026": read the same on a screen and aloud."""
    parts = crawled.split("-")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        return f"tháng {int(parts[1])}/{parts[0]}"
    return crawled


def source(record: CatalogRecord) -> str:
    crawled = f", dữ liệu {crawl_month(record.crawled)}" if record.crawled else ""
    return f"Nguồn: {record.url}{crawled}"


def _see_portal(record: CatalogRecord) -> str:
    return f"Xem chi tiết trên Cổng Dịch vụ công: {record.url}"


def _levels(record: CatalogRecord) -> str | None:
    names = [LEVEL_NAMES[level] for level in record.levels if level in LEVEL_NAMES]
    return ", ".join(names) if names else None


def _per_channel(record: CatalogRecord, attribute: str) -> list[str]:
    lines = []
    for channel in record.channels or ():
        value = getattr(channel, attribute)
        if value:
            lines.append(f"{CHANNEL_NAMES.get(channel.kind, channel.kind)}: {short(value, 120)}")
    return lines


def overview(record: CatalogRecord, commune: Commune) -> list[str]:
    lines = []
    if levels := _levels(record):
        lines.append(f"Làm ở cấp: {levels}")
    if record.authority:
        lines.append(f"Cơ quan giải quyết: {short(record.authority, 160)}")
    fee = _per_channel(record, "fee")[:1]
    time = _per_channel(record, "time")[:1]
    lines += [f"Lệ phí ({line})" for line in fee] + [f"Thời gian ({line})" for line in time]
    if not fee or not time:
        lines.append(_see_portal(record))
    return lines


_CASE_OPENINGS = ("trường hợp", "nếu", "đối với trường hợp", "riêng", "ngoài ra")
# Group labels of the portal's paper list that head papers everyone brings, not one situation.
_SECTIONS = ("giấy tờ phải nộp", "giấy tờ phải xuất trình", "các giấy tờ phải nộp", "các giấy tờ phải xuất trình",
             "thành phần hồ sơ", "hồ sơ gồm")
# Group labels whose rows are rules for the desk, not papers ("Lưu ý: người tiếp nhận có trách nhiệm…").
_NOTES = ("lưu ý", "đối với giấy tờ nộp, xuất trình nếu", "đối với giấy tờ gửi kèm theo", "quy định về miễn, giảm")


def _label(document: Document) -> str:
    return (document.case or "").strip().lower()


def _situation(document: Document) -> str | None:
    """The portal's group label when it names a situation ("Trường hợp ủy quyền:"), not a section."""
    label = _label(document)
    return document.case if label and not label.startswith(_SECTIONS) else None


def _for_one_case(document: Document) -> bool:
    return _situation(document) is not None or document.name.lower().startswith(_CASE_OPENINGS)


def document_order(record: CatalogRecord) -> list[Document]:
    """The papers everyone brings first, then those for one case only ("Trường hợp ủy quyền…"), each
    group in the portal's order: the first page, "xem thêm" and the card all follow it."""
    papers = [d for d in record.documents or () if not _label(d).startswith(_NOTES)] or list(record.documents or ())
    return [d for d in papers if not _for_one_case(d)] + [d for d in papers if _for_one_case(d)]


def _paper(number: int, doc: Document) -> str:
    copies = f" ({doc.copies})" if doc.copies else ""
    return f"{number}. {plain(doc.name, 160)}{copies}"


def _first_page(record: CatalogRecord) -> tuple[list[Document], list[Document]]:
    """All the papers in order, and those the documents answer lists: the papers everyone brings (those
    for one case only are counted, not listed, unless there is nothing else), at most MAX_DOCUMENTS.
    The rest is one "xem thêm" away (`more_documents`)."""
    ordered = document_order(record)
    everyone = [d for d in ordered if not _for_one_case(d)]
    return ordered, (everyone or ordered)[:MAX_DOCUMENTS]


def documents(record: CatalogRecord, commune: Commune) -> list[str]:
    if not record.documents:
        return ["Cổng Dịch vụ công không ghi rõ giấy tờ cho thủ tục này.", _see_portal(record)]
    ordered, shown = _first_page(record)
    lines = ["Giấy tờ cần có:"] + [_paper(i, doc) for i, doc in enumerate(shown, 1)]
    if rest := len(ordered) - len(shown):
        lines.append(f"… và {rest} giấy tờ khác (tùy trường hợp): bấm “{MORE_BUTTON}” để xem.")
    return lines


# The card's picture for a paper, from the words of its name, first match wins (bot/cards/icons.py).
_ICON_WORDS = (
    ("form", ("tờ khai", "bản khai", "đơn ", "giấy đề nghị", "phiếu", "mẫu")),
    ("photo", ("ảnh",)),
    ("id_card", ("căn cước", "chứng minh nhân dân", "hộ chiếu", "giấy tờ tùy thân")),
    ("medical", ("y tế", "sức khỏe", "bệnh", "giấy chứng sinh", "báo tử")),
    ("household", ("hộ khẩu", "sổ hộ", "hộ gia đình")),
    ("residence", ("chỗ ở", "nhà ở", "quyền sử dụng đất", "thửa đất", "cư trú")),
    ("money", ("biên lai", "lệ phí", "chứng từ nộp")),
    ("certificate", ("giấy chứng nhận", "giấy khai sinh", "trích lục", "văn bằng", "bằng tốt nghiệp", "chứng chỉ",
                     "giấy phép")),
    ("letter", ("văn bản", "giấy ủy quyền", "giấy xác nhận", "biên bản", "quyết định", "hợp đồng")),
)


def paper_icon(name: str) -> str:
    lowered = f"{name.lower()} "
    return next((icon for icon, words in _ICON_WORDS if any(w in lowered for w in words)), "other")


def checklist(record: CatalogRecord) -> list[dict[str, str | int | None]]:
    """One item per paper, in the shape of the curated checklists (bot/dialogue/answers.py)."""
    return [
        {"n": i, "name": plain(d.name), "copies": d.copies,
         "when": (short(situation.rstrip(": "), 100) if (situation := _situation(d)) else "Tùy trường hợp")
         if _for_one_case(d) else None,
         "notes": None, "icon": paper_icon(d.name)}
        for i, d in enumerate(document_order(record), 1)
    ]


def more_start(record: CatalogRecord) -> int | None:
    """Where "xem thêm" starts after the documents answer (1-based), None when all were shown."""
    ordered, shown = _first_page(record)
    return len(shown) + 1 if len(shown) < len(ordered) else None


def more_documents(record: CatalogRecord, start: int) -> tuple[str, int | None]:
    """Papers `start`… (1-based) a page at a time, with the situation each belongs to when it changes,
    and where the next page starts (None at the end)."""
    ordered = document_order(record)
    start = min(max(start, 1), max(len(ordered), 1))
    page = ordered[start - 1: start - 1 + MORE_PAGE]
    lines = [f"{short(record.name, 200)}: giấy tờ {start}–{start + len(page) - 1} trên {len(ordered)}"]
    case = None
    for number, doc in enumerate(page, start):
        if doc.case and doc.case != case:
            lines.append(short(doc.case.rstrip(":"), 100) + ":")
        case = doc.case
        lines.append(_paper(number, doc))
    after = start + len(page)
    if after > len(ordered):
        lines += [source(record), SOURCE_LINE]
    return "\n".join(lines), (after if after <= len(ordered) else None)


def fee(record: CatalogRecord, commune: Commune) -> list[str]:
    lines = _per_channel(record, "fee")
    # "Miễn phí" often comes with "mức thu do Hội đồng nhân dân tỉnh quy định": the note matters.
    notes = list(dict.fromkeys(short(c.fee_note, 160) for c in record.channels or () if c.fee_note))[:1]
    if not lines:
        return ["Cổng Dịch vụ công không ghi rõ lệ phí.", *[f"Ghi chú: {n}" for n in notes], _see_portal(record)]
    return ["Lệ phí:", *lines, *[f"Ghi chú: {n}" for n in notes]]


def time(record: CatalogRecord, commune: Commune) -> list[str]:
    lines = _per_channel(record, "time")
    return ["Thời gian giải quyết:", *lines] if lines else [
        "Cổng Dịch vụ công không ghi rõ thời gian.", _see_portal(record)]


def where(record: CatalogRecord, commune: Commune) -> list[str]:
    lines = []
    if record.where:
        lines.append(f"Nơi nộp: {short(record.where, 200)}")
    if record.authority:
        lines.append(f"Cơ quan giải quyết: {short(record.authority, 160)}")
    if levels := _levels(record):
        lines.append(f"Làm ở cấp: {levels}")
    if record.at_commune:
        lines.append(f"Ở xã mình: {VIETNAMESE.contact(commune)}")
    return lines or [_see_portal(record)]


def steps(record: CatalogRecord, commune: Commune) -> list[str]:
    if not record.steps:
        return ["Cổng Dịch vụ công không ghi rõ các bước.", _see_portal(record)]
    lines = ["Các bước:"] + [f"{i}. {plain(step)}" for i, step in enumerate(record.steps[:MAX_STEPS], 1)]
    if len(record.steps) > MAX_STEPS:
        lines.append(_see_portal(record))
    return lines


def online(record: CatalogRecord, commune: Commune) -> list[str]:
    channel = record.channel(ONLINE)
    if channel is None:
        return ["Cổng Dịch vụ công không ghi cách nộp online cho thủ tục này. Bạn nộp trực tiếp hoặc hỏi xã.",
                f"Hỏi xã: {VIETNAMESE.contact(commune)}"]
    lines = [f"Có thể nộp online trên Cổng Dịch vụ công: {record.url}"]
    if channel.time:
        lines.append(f"Thời gian: {short(channel.time, 120)}")
    if channel.fee:
        lines.append(f"Lệ phí: {short(channel.fee, 120)}")
    lines.append(help_line(commune))
    return lines


RENDERERS = {
    Topic.OVERVIEW: overview, Topic.DOCUMENTS: documents, Topic.FEE: fee, Topic.TIME: time,
    Topic.WHERE: where, Topic.STEPS: steps, Topic.ONLINE: online,
}


def answer_text(record: CatalogRecord, topic: Topic, commune: Commune, also: tuple[Topic, ...] = ()) -> str:
    """The answer on `topic` (and the other topics asked), the source and the crawl date last."""
    lines = [f"{short(record.name, 200)} (theo Cổng Dịch vụ công quốc gia)"]
    for t in dict.fromkeys((topic, *also)):
        if t in RENDERERS:
            lines += [line for line in RENDERERS[t](record, commune) if line not in lines]
    lines += [source(record), SOURCE_LINE]
    return "\n".join(lines)


def choice_titles(names: list[str], limit: int = 60) -> list[str]:
    """Button titles for close portal names that differ only at the end ("Giải quyết tranh chấp đất
    đai thuộc thẩm quyền của … cấp xã / cấp tỉnh"): the shared beginning is shortened so that what
    tells them apart shows."""
    words = [name.split() for name in names]
    shared = 0
    while all(len(w) > shared + 1 for w in words) and len({w[shared].lower() for w in words}) == 1:
        shared += 1
    if len(names) < 2 or shared < 4:
        return [short(name, limit) for name in names]
    head, keep = " ".join(words[0][:2]), max(shared - CONTEXT_WORDS, 2)
    return [short(f"{head} … {' '.join(w[keep:])}", limit) for w in words]
