"""The report as text for staff (Vietnamese headings), as JSON, and as a PNG chart."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.report.collect import TIMEZONE_NAME, Report
from bot.report.curation import Candidate, candidates

TOPIC_LABELS = {
    "overview": "giới thiệu thủ tục",
    "documents": "giấy tờ cần có",
    "fee": "lệ phí",
    "time": "thời gian giải quyết",
    "where": "nơi nộp",
    "steps": "các bước",
    "online": "làm online",
    "clarify": "phải hỏi lại thủ tục nào",
    "status": "tra cứu hồ sơ",
    "greet": "chào hỏi",
    "goodbye": "chào tạm biệt",
    "thanks": "cảm ơn",
    "help": "hỏi trợ lý làm được gì",
    "human": "muốn gặp cán bộ",
    "out_of_scope": "ngoài phạm vi",
    "unknown_procedure": "thủ tục chưa có hướng dẫn",
    "fallback": "không hiểu câu hỏi",
    "language": "chọn ngôn ngữ",
}
INPUT_LABELS = {"text": "gõ chữ", "voice": "giọng nói"}
EMPTY_QUESTION = "(tin nhắn không có chữ)"
PORTAL_HEADING = "Thủ tục chưa có trong kho, trợ lý trả lời theo Cổng Dịch vụ công quốc gia"
PORTAL_NOTE = "  Thông tin chép từ Cổng, chưa được cán bộ kiểm tra: nên soạn vào kho thủ tục."


def _day(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else "?"


def period_line(report: Report) -> str:
    since = report.period.since or (report.first_message.date() if report.first_message else None)
    until = report.period.until or (report.last_message.date() if report.last_message else None)
    if since is None and until is None:
        return "Khoảng thời gian: toàn bộ dữ liệu"
    whole = "" if report.period.since or report.period.until else " (toàn bộ dữ liệu)"
    return f"Khoảng thời gian: {_day(since)} – {_day(until)}{whole}, giờ Việt Nam (UTC+7)"


def _procedure_label(procedure_id: str, names: Mapping[str, str]) -> str:
    name = names.get(procedure_id)
    return f"{name} ({procedure_id})" if name else procedure_id


def _lines(counts: list[tuple[str, int]], empty: str = "  (không có)") -> list[str]:
    if not counts:
        return [empty]
    width = max(len(str(n)) for _, n in counts)
    return [f"  {n:>{width}}  {label}" for label, n in counts]


def _next_step(candidate: Candidate) -> str:
    if candidate.curated:
        return f"Nay đã có trong kho: {candidate.curated}"
    if candidate.draft:
        return f"Đã có bản nháp {candidate.draft}: viết lại cho dễ hiểu, kiểm tra, rồi bỏ dòng draft: true"
    if candidate.gone:
        return "Không còn trong danh mục Cổng hiện có (mã đã đổi hoặc bị bỏ)"
    return f"Soạn bản nháp: {candidate.command}"


def _portal_lines(portal: Sequence[Candidate]) -> list[str]:
    """Two lines a procedure: the count and name, then what to do about it."""
    if not portal:
        return ["  (không có)"]
    width = max(len(str(c.count)) for c in portal)
    out = []
    for c in portal:
        out.append(f"  {c.count:>{width}}  {f'{c.name} ({c.procedure_id})' if c.name else c.procedure_id}")
        out.append(f"  {'':>{width}}    {_next_step(c)}")  # under the name, indented
    return out


def render_text(report: Report, top: int = 10, names: Mapping[str, str] | None = None,
                portal: Sequence[Candidate] | None = None) -> str:
    """The report for staff. `portal`: the portal procedures with what the KB has for them (bot/report/curation.py);
    without it, they are listed from the report with `names` alone."""
    names = names or {}
    portal = candidates(report.portal, top, names) if portal is None else portal
    voice, text = report.inputs["voice"], report.inputs["text"]
    out = [
        "BÁO CÁO CẦU NỐI",
        period_line(report),
        f"Số cuộc trò chuyện: {report.conversations}",
        f"Số tin nhắn của người dân: {report.user_messages} (gõ chữ: {text}, giọng nói: {voice})",
    ]
    if not report.user_messages:
        out.append("Không có tin nhắn nào trong khoảng thời gian này.")
    if report.no_reply:
        out.append(f"Tin nhắn trợ lý không trả lời (lỗi): {report.no_reply}")
    out += ["", "Kênh"]
    out += _lines(report.channels.most_common())
    out += ["", f"Thủ tục được hỏi nhiều nhất (top {top})"]
    out += _lines([(_procedure_label(p, names), n) for p, n in report.procedures.most_common(top)])
    out += ["", f"{PORTAL_HEADING} (top {top})", PORTAL_NOTE]
    out += _portal_lines(portal)
    out += ["", f"Nội dung được hỏi (top {top})"]
    out += _lines([(f"{TOPIC_LABELS.get(t, t)} ({t})", n) for t, n in report.topics.most_common(top)])
    out += ["", f"Câu hỏi trợ lý chưa trả lời được (top {top}) – nên bổ sung vào kho thủ tục"]
    out += _lines([(q or EMPTY_QUESTION, n) for q, n in report.unanswered.most_common(top)])
    out += ["", f"Câu hỏi trợ lý phải hỏi lại vì chưa rõ thủ tục (top {top})"]
    out += _lines([(q or EMPTY_QUESTION, n) for q, n in report.unclear.most_common(top)])
    out += ["", "Số điện thoại, số giấy tờ, mã hồ sơ, email và tên riêng đã được che (Nghị định 13/2023/NĐ-CP)."]
    return "\n".join(out) + "\n"


def _ranked(counts: Counter[str], top: int, key: str, label: Mapping[str, str] | None = None) -> list[dict]:
    rows = []
    for value, n in counts.most_common(top):
        row: dict[str, Any] = {key: value, "count": n}
        if label is not None:
            row["label"] = label.get(value)
        rows.append(row)
    return rows


def _portal_rows(portal: Sequence[Candidate]) -> list[dict[str, Any]]:
    return [{"procedure_id": c.procedure_id, "code": c.code, "count": c.count, "label": c.name,
             "curated_as": c.curated, "draft_file": c.draft, "in_catalog": not c.gone, "draft_command": c.command}
            for c in portal]


def to_dict(report: Report, top: int = 10, names: Mapping[str, str] | None = None,
            portal: Sequence[Candidate] | None = None) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value else None

    portal = candidates(report.portal, top, names) if portal is None else portal
    return {
        "period": {
            "since": iso(report.period.since), "until": iso(report.period.until), "timezone": TIMEZONE_NAME,
            "first_message": iso(report.first_message), "last_message": iso(report.last_message),
        },
        "conversations": report.conversations,
        "user_messages": report.user_messages,
        "inputs": {"text": report.inputs["text"], "voice": report.inputs["voice"]},
        "no_reply": report.no_reply,
        "channels": _ranked(report.channels, len(report.channels), "channel"),
        "procedures": _ranked(report.procedures, top, "procedure_id", names or {}),
        "portal_procedures": _portal_rows(portal),
        "topics": _ranked(report.topics, top, "topic", TOPIC_LABELS),
        "unanswered": _ranked(report.unanswered, top, "text"),
        "unclear": _ranked(report.unclear, top, "text"),
    }


def render_json(report: Report, top: int = 10, names: Mapping[str, str] | None = None,
                portal: Sequence[Candidate] | None = None) -> str:
    return json.dumps(to_dict(report, top, names, portal), ensure_ascii=False, indent=2) + "\n"


def _short(text: str, limit: int = 42) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_chart(report: Report, path: Path, top: int = 10, names: Mapping[str, str] | None = None) -> Path:
    """Bar charts of curated and portal procedures, topics and unanswered questions, as PNG. Agg backend, no pyplot
    (no display, no global state); matplotlib's own DejaVu Sans has every Vietnamese letter."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    names = names or {}
    panels = [
        ("Thủ tục được hỏi nhiều nhất",
         [(_short(names.get(p, p)), n) for p, n in report.procedures.most_common(top)], "#2b6cb0"),
        ("Thủ tục chưa có trong kho (trả lời theo Cổng) – nên soạn vào kho",
         [(_short(names.get(p, p)), n) for p, n in report.portal.most_common(top)], "#6b46c1"),
        ("Nội dung được hỏi",
         [(TOPIC_LABELS.get(t, t), n) for t, n in report.topics.most_common(top)], "#2f855a"),
        ("Câu hỏi chưa trả lời được",
         [(_short(q or EMPTY_QUESTION), n) for q, n in report.unanswered.most_common(top)], "#c05621"),
    ]
    rows = max(1, *(len(data) for _, data, _ in panels))
    figure = Figure(figsize=(10, 2.2 + len(panels) * (0.9 + 0.32 * rows)), dpi=100)
    FigureCanvasAgg(figure)
    figure.suptitle(
        f"Cầu Nối – {period_line(report)}\n{report.conversations} cuộc trò chuyện, "
        f"{report.user_messages} tin nhắn", fontsize=11, fontfamily="DejaVu Sans",
    )
    axes = figure.subplots(len(panels), 1)
    for ax, (title, data, colour) in zip(axes, panels, strict=True):
        ax.set_title(title, loc="left", fontsize=11, fontfamily="DejaVu Sans")
        if not data:
            ax.text(0.5, 0.5, "Không có dữ liệu", ha="center", va="center", transform=ax.transAxes,
                    fontfamily="DejaVu Sans")
            ax.set_axis_off()
            continue
        labels = [label for label, _ in reversed(data)]
        values = [n for _, n in reversed(data)]
        bars = ax.barh(range(len(values)), values, color=colour)
        ax.set_ylim(len(values) - rows - 0.5, len(values) - 0.5)  # same bar height in every panel, top-aligned
        ax.set_yticks(range(len(values)), labels, fontfamily="DejaVu Sans", fontsize=9)
        ax.bar_label(bars, padding=3, fontsize=9)
        ax.set_xlim(0, max(values) * 1.15)
        ax.xaxis.set_visible(False)
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
    figure.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path
