"""Answers from a national-portal record, in the curated answers' shape but short and plain.

Portal text is legal language and long; a phone screen and a loudspeaker need little of it. So: the
first papers only (the rest on the portal), no legal citations, and a field the portal left empty or
the parser could not read is answered with the link, never with table debris. Every answer ends with
where it comes from, when that was read, and that the commune desk confirms it: these records were
not checked by anyone here, unlike the curated knowledge base.
"""

from __future__ import annotations

from bot.catalog.model import IN_PERSON, ONLINE, POST, CatalogRecord, Document
from bot.dialogue.intents import Topic
from bot.settings import Commune

MAX_DOCUMENTS = 5  # more do not fit a phone screen; the portal link has them all
MAX_STEPS = 5
MAX_LINE = 220  # one item of a list; longer portal sentences are cut at a word
CONTEXT_WORDS = 3  # of a shared beginning, the words kept before where close names differ
CHANNEL_NAMES = {IN_PERSON: "Nộp trực tiếp", ONLINE: "Nộp online", POST: "Gửi qua bưu điện"}
LEVEL_NAMES = {"Cấp xã": "xã, phường", "Cấp tỉnh": "tỉnh", "Cấp bộ": "bộ ở trung ương"}
SOURCE_LINE = "Thông tin này lấy từ Cổng Dịch vụ công quốc gia; cán bộ xã sẽ xác nhận khi bạn nộp."


def short(text: str, limit: int = MAX_LINE) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


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


def _for_one_case(document: Document) -> bool:
    return bool(document.case) or document.name.lower().startswith(_CASE_OPENINGS)


def documents(record: CatalogRecord, commune: Commune) -> list[str]:
    if not record.documents:
        return ["Cổng Dịch vụ công không ghi rõ giấy tờ cho thủ tục này.", _see_portal(record)]
    # The papers everyone brings; those for one case only ("Trường hợp ủy quyền…") are counted, not
    # listed, unless there is nothing else.
    everyone = [d for d in record.documents if not _for_one_case(d)]
    shown = (everyone or list(record.documents))[:MAX_DOCUMENTS]
    lines = ["Giấy tờ cần có:"]
    for i, doc in enumerate(shown, 1):
        copies = f" ({doc.copies})" if doc.copies else ""
        lines.append(f"{i}. {short(doc.name, 160)}{copies}")
    rest = len(record.documents) - len(shown)
    if rest > 0:
        lines.append(f"… và {rest} giấy tờ khác (tùy trường hợp). {_see_portal(record)}")
    return lines


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
        lines.append(f"Ở xã mình: {commune.contact_line()}")
    return lines or [_see_portal(record)]


def steps(record: CatalogRecord, commune: Commune) -> list[str]:
    if not record.steps:
        return ["Cổng Dịch vụ công không ghi rõ các bước.", _see_portal(record)]
    lines = ["Các bước:"] + [f"{i}. {short(step)}" for i, step in enumerate(record.steps[:MAX_STEPS], 1)]
    if len(record.steps) > MAX_STEPS:
        lines.append(_see_portal(record))
    return lines


def online(record: CatalogRecord, commune: Commune) -> list[str]:
    channel = record.channel(ONLINE)
    if channel is None:
        return ["Cổng Dịch vụ công không ghi cách nộp online cho thủ tục này. Bạn nộp trực tiếp hoặc hỏi xã.",
                f"Hỏi xã: {commune.contact_line()}"]
    lines = [f"Có thể nộp online trên Cổng Dịch vụ công: {record.url}"]
    if channel.time:
        lines.append(f"Thời gian: {short(channel.time, 120)}")
    if channel.fee:
        lines.append(f"Lệ phí: {short(channel.fee, 120)}")
    lines.append(f"Cần giúp? Đến {commune.desk}, {commune.name} hoặc tổ công nghệ số thôn.")
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
    crawled = f", dữ liệu {record.crawled}" if record.crawled else ""
    lines += [f"Nguồn: {record.url}{crawled}", SOURCE_LINE]
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
