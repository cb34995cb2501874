"""Render one procedure topic as a short answer for a phone screen.

Short lines, numbered checklists, and a closing line on where to go. Uncertain facts always come
with the advice to confirm at the commune office. Every frame is a phrase (bot/dialogue/phrases.py)
and every fact a field of the entry, both read through a `Wording`, so the same renderers speak a
language a commune's team translated; a topic they have not translated is given in Vietnamese.
"""

from __future__ import annotations

from bot.dialogue.intents import TOPIC_INTENT, Topic
from bot.dialogue.reply import Reply, payload
from bot.kb import Procedure
from bot.languages.wording import VIETNAMESE, Untranslated, Wording, in_language
from bot.settings import Commune

TOPIC_BUTTONS = (
    ("button.documents", Topic.DOCUMENTS),
    ("button.fee", Topic.FEE),
    ("button.time", Topic.TIME),
    ("button.where", Topic.WHERE),
    ("button.steps", Topic.STEPS),
    ("button.online", Topic.ONLINE),
)


def help_line(commune: Commune, w: Wording = VIETNAMESE) -> str:
    """Where to get help doing it online: the desk or the village's digital team."""
    c = w.commune(commune)
    return w.phrase("answer.help_online", desk=c.desk, commune=c.name)


def _closing(p: Procedure, w: Wording) -> str:
    """Where to go, in one line: the first sentence of the entry's `where`."""
    return w.phrase("answer.closing", where=p.where.split(". ")[0].rstrip("."))


def _numbered(items: list[str] | tuple[str, ...]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))


def topic_buttons(procedure_id: str, skip: Topic | tuple[Topic, ...], w: Wording = VIETNAMESE) -> list[dict[str, str]]:
    """The other topics of a procedure (a KB id or "portal:<code>"), as buttons."""
    skipped = skip if isinstance(skip, tuple) else (skip,)
    return [
        {"title": w.phrase_or_vietnamese(key), "payload": payload(TOPIC_INTENT[topic], procedure_id)}
        for key, topic in TOPIC_BUTTONS
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


def _checklist(p: Procedure, w: Wording) -> list[dict[str, str | int | None]]:
    """The checklist in this wording when all of it is translated (a paper's notes too), else in Vietnamese."""
    try:
        return checklist(w.procedure(p))
    except Untranslated:
        return checklist(p)


def _bullets(title: str, items: tuple[str, ...]) -> list[str]:
    return [title, *(f"• {item.rstrip('.')}" for item in items)] if items else []


def documents(p: Procedure, commune: Commune, w: Wording = VIETNAMESE) -> str:
    """Papers everyone needs first, then the ones that depend on the case, one numbering."""
    ordered = ordered_documents(p)
    always = sum(1 for d in ordered if not d.when)
    lines = [w.phrase("documents.title", procedure=p.short_name)]
    for i, d in enumerate(ordered, 1):
        if i == always + 1:
            lines.append(w.phrase("documents.depends"))
        lines.append(f"{i}. {d.name} – {d.copies}")
        if d.when:  # on its own line: the KB's "when" texts carry their own brackets
            lines.append(f"   ↳ {d.when}")
    if p.bring_to_show:
        lines += _bullets(w.phrase("documents.show"), p.bring_to_show)
    lines.append(_closing(p, w))
    return "\n".join(lines)


def fee(p: Procedure, commune: Commune, w: Wording = VIETNAMESE) -> str:
    lines = [w.phrase("fee.title", procedure=p.short_name, amount=p.fee.amount)]
    lines += list(p.fee.details)
    if p.fee.exemptions:
        lines += _bullets(w.phrase("fee.exempt"), p.fee.exemptions)
    lines += [w.phrase("fee.reduced", reduction=r) for r in p.fee.reductions]
    if p.fee.confirm_at_office:
        lines.append(w.phrase("answer.confirm"))
    lines.append(_closing(p, w))
    return "\n".join(lines)


def time(p: Procedure, commune: Commune, w: Wording = VIETNAMESE) -> str:
    lines = [w.phrase("time.title", procedure=p.short_name, time=p.processing_time.text)]
    if p.deadline:
        lines.append(w.phrase("time.deadline", deadline=p.deadline))
    if p.processing_time.confirm_at_office:
        lines.append(w.phrase("answer.confirm"))
    lines.append(_closing(p, w))
    return "\n".join(lines)


def where(p: Procedure, commune: Commune, w: Wording = VIETNAMESE) -> str:
    return "\n".join([
        w.phrase("where.title", procedure=p.short_name, where=p.where),
        w.phrase("where.authority", authority=p.authority),
        w.phrase("where.here", contact=w.contact(commune)),
    ])


def steps(p: Procedure, commune: Commune, w: Wording = VIETNAMESE) -> str:
    return "\n".join([w.phrase("steps.title", procedure=p.short_name), _numbered(p.steps), _closing(p, w)])


def online(p: Procedure, commune: Commune, w: Wording = VIETNAMESE) -> str:
    name = p.short_name.capitalize()
    if not p.online.available:
        lines = [w.phrase("online.no", procedure=name)]
    else:
        names = [w.phrase(f"online.{c}") for c in p.online.channels]
        where_online = w.phrase("online.or").join(names) or w.phrase("online.anywhere")
        lines = [w.phrase("online.yes", procedure=name, channels=where_online)]
        if p.online.how:
            lines.append(_numbered(p.online.how))
    if p.online.notes:
        lines.append(p.online.notes)
    lines.append(help_line(commune, w))
    return "\n".join(lines)


def overview(p: Procedure, commune: Commune, w: Wording = VIETNAMESE) -> str:
    lines = [w.phrase("overview.title", name=p.name, summary=p.summary),
             w.phrase("overview.fee", amount=p.fee.amount),
             w.phrase("overview.time", time=p.processing_time.text)]
    if p.fee.confirm_at_office or p.processing_time.confirm_at_office:
        lines.append(w.phrase("answer.confirm"))
    lines.append(w.phrase("overview.more"))
    return "\n".join(lines)


RENDERERS = {
    Topic.OVERVIEW: overview, Topic.DOCUMENTS: documents, Topic.FEE: fee, Topic.TIME: time,
    Topic.WHERE: where, Topic.STEPS: steps, Topic.ONLINE: online,
}


# What the overview already says: asked alongside it, these add nothing.
_IN_OVERVIEW = (Topic.FEE, Topic.TIME)


def render(p: Procedure, topic: Topic, commune: Commune, w: Wording = VIETNAMESE) -> tuple[str, bool]:
    """One topic in this wording, or in Vietnamese after the approved line saying so; and whether it
    is translated."""
    return in_language(w, lambda wording: RENDERERS[topic](wording.procedure(p), commune, wording))


def answer(p: Procedure, topic: Topic | str, commune: Commune, also: tuple[Topic, ...] = (),
           w: Wording = VIETNAMESE) -> Reply:
    """The answer on `topic`, followed by the other topics the same message asked ("làm ở đâu, mất
    bao lâu?"): a person who asked three things gets three answers, not one and a menu."""
    topic = Topic(topic)
    extra = tuple(t for t in dict.fromkeys(also)
                  if t != topic and t in RENDERERS and not (topic == Topic.OVERVIEW and t in _IN_OVERVIEW))
    text, translated = render(p, topic, commune, w)
    for other in extra:
        said = set(text.splitlines())  # the closing line and the "ask the office" note once only
        more, _ = render(p, other, commune, w)
        text += "\n\n" + "\n".join(line for line in more.splitlines() if line not in said)
    listed = _checklist(p, w if translated else VIETNAMESE) if topic == Topic.DOCUMENTS else None
    return Reply(text, topic, p.id, topic_buttons(p.id, skip=(topic, *extra), w=w),
                 verified_on=p.verified_on, checklist=listed, source="kb",
                 language=w.marks)
