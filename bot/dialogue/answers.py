"""Render one procedure topic as a short answer for a phone screen.

Short lines, numbered checklists, and a closing line on where to go. Uncertain facts always come
with the advice to confirm at the commune office.
"""

from __future__ import annotations

from bot.dialogue.intents import TOPIC_INTENT, Topic
from bot.dialogue.reply import Reply, payload
from bot.kb import Procedure
from bot.settings import Commune

CONFIRM = "Thông tin này chưa chắc chắn. Bạn nên hỏi lại cán bộ ở xã trước khi đi."
CHANNEL_NAMES = {
    "vneid": "ứng dụng VNeID",
    "dvcqg": "Cổng Dịch vụ công quốc gia (dichvucong.gov.vn)",
    "dvc_tinh": "Cổng dịch vụ công của tỉnh",
}
TOPIC_BUTTONS = (
    ("Giấy tờ cần có", Topic.DOCUMENTS),
    ("Lệ phí", Topic.FEE),
    ("Mất bao lâu", Topic.TIME),
    ("Nộp ở đâu", Topic.WHERE),
    ("Các bước", Topic.STEPS),
    ("Làm online", Topic.ONLINE),
)


def help_line(commune: Commune) -> str:
    """Where to get help doing it online: the desk or the village's digital team."""
    return f"Cần giúp? Đến {commune.desk}, {commune.name} hoặc tổ công nghệ số thôn."


def _closing(p: Procedure) -> str:
    """Where to go, in one line: the first sentence of the entry's `where`."""
    first = p.where.split(". ")[0].rstrip(".")
    return f"👉 Nơi nộp: {first}."


def _numbered(items: list[str] | tuple[str, ...]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))


def topic_buttons(procedure_id: str, skip: Topic | tuple[Topic, ...]) -> list[dict[str, str]]:
    """The other topics of a procedure (a KB id or "portal:<code>"), as buttons."""
    skipped = skip if isinstance(skip, tuple) else (skip,)
    return [
        {"title": title, "payload": payload(TOPIC_INTENT[topic], procedure_id)}
        for title, topic in TOPIC_BUTTONS
        if topic not in skipped
    ]


def ordered_documents(p: Procedure) -> list:
    return [d for d in p.documents if not d.when] + [d for d in p.documents if d.when]


def checklist(p: Procedure) -> list[dict[str, str | int | None]]:
    return [
        {"n": i, "name": d.name, "copies": d.copies, "when": d.when, "notes": d.notes,
         "icon": d.icon}
        for i, d in enumerate(ordered_documents(p), 1)
    ]


def _bullets(title: str, items: tuple[str, ...]) -> list[str]:
    return [title, *(f"• {item.rstrip('.')}" for item in items)] if items else []


def documents(p: Procedure, commune: Commune) -> str:
    """Papers everyone needs first, then the ones that depend on the case, one numbering."""
    ordered = ordered_documents(p)
    always = sum(1 for d in ordered if not d.when)
    lines = [f"Giấy tờ để {p.short_name}:"]
    for i, d in enumerate(ordered, 1):
        if i == always + 1:
            lines.append("Tùy trường hợp:")
        lines.append(f"{i}. {d.name} – {d.copies}")
        if d.when:  # on its own line: the KB's "when" texts carry their own brackets
            lines.append(f"   ↳ {d.when}")
    lines += _bullets("Mang theo để cán bộ xem:", p.bring_to_show)
    lines.append(_closing(p))
    return "\n".join(lines)


def fee(p: Procedure, commune: Commune) -> str:
    lines = [f"Lệ phí {p.short_name}: {p.fee.amount}"]
    lines += list(p.fee.details)
    lines += _bullets("Được miễn:", p.fee.exemptions)
    lines += [f"Giảm tạm thời: {r}" for r in p.fee.reductions]
    if p.fee.confirm_at_office:
        lines.append(CONFIRM)
    lines.append(_closing(p))
    return "\n".join(lines)


def time(p: Procedure, commune: Commune) -> str:
    lines = [f"Thời gian {p.short_name}: {p.processing_time.text}"]
    if p.deadline:
        lines.append(f"Lưu ý hạn: {p.deadline}")
    if p.processing_time.confirm_at_office:
        lines.append(CONFIRM)
    lines.append(_closing(p))
    return "\n".join(lines)


def where(p: Procedure, commune: Commune) -> str:
    return "\n".join([
        f"Đi đâu để {p.short_name}: {p.where}",
        f"Cơ quan giải quyết: {p.authority}",
        f"Ở xã mình: {commune.contact_line()}",
    ])


def steps(p: Procedure, commune: Commune) -> str:
    return "\n".join([f"Các bước {p.short_name}:", _numbered(p.steps), _closing(p)])


def online(p: Procedure, commune: Commune) -> str:
    if not p.online.available:
        lines = [f"{p.short_name.capitalize()} hiện chưa làm online được. Bạn cần đến nộp trực tiếp."]
    else:
        where_online = " hoặc ".join(CHANNEL_NAMES[c] for c in p.online.channels) or "mạng"
        lines = [f"{p.short_name.capitalize()} có thể làm online qua {where_online}."]
        if p.online.how:
            lines.append(_numbered(p.online.how))
    if p.online.notes:
        lines.append(p.online.notes)
    lines.append(help_line(commune))
    return "\n".join(lines)


def overview(p: Procedure, commune: Commune) -> str:
    lines = [f"{p.name}: {p.summary}", f"Lệ phí: {p.fee.amount}", f"Thời gian: {p.processing_time.text}"]
    if p.fee.confirm_at_office or p.processing_time.confirm_at_office:
        lines.append(CONFIRM)
    lines.append("Bạn muốn biết thêm gì? Chọn bên dưới.")
    return "\n".join(lines)


RENDERERS = {
    Topic.OVERVIEW: overview, Topic.DOCUMENTS: documents, Topic.FEE: fee, Topic.TIME: time,
    Topic.WHERE: where, Topic.STEPS: steps, Topic.ONLINE: online,
}


# What the overview already says: asked alongside it, these add nothing.
_IN_OVERVIEW = (Topic.FEE, Topic.TIME)


def answer(p: Procedure, topic: Topic | str, commune: Commune, also: tuple[Topic, ...] = ()) -> Reply:
    """The answer on `topic`, followed by the other topics the same message asked ("làm ở đâu, mất
    bao lâu?"): a person who asked three things gets three answers, not one and a menu."""
    topic = Topic(topic)
    extra = tuple(t for t in dict.fromkeys(also)
                  if t != topic and t in RENDERERS and not (topic == Topic.OVERVIEW and t in _IN_OVERVIEW))
    text = RENDERERS[topic](p, commune)
    for other in extra:
        said = set(text.splitlines())  # the closing line and the "ask the office" note once only
        text += "\n\n" + "\n".join(line for line in RENDERERS[other](p, commune).splitlines() if line not in said)
    return Reply(text, topic, p.id, topic_buttons(p.id, skip=(topic, *extra)),
                 verified_on=p.verified_on, checklist=checklist(p) if topic == Topic.DOCUMENTS else None,
                 source="kb")
