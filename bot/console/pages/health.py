"""The health page's facts: what runs, which versions, the last status import, today's notices."""

from __future__ import annotations

import hashlib
import resource
from datetime import datetime, time
from pathlib import Path
from typing import Any

from bot.catalog.store import catalog_header
from bot.report.collect import LOCAL_TZ
from bot.status.store import StatusStore

CHANNEL_LABELS = {
    "rest": "REST", "telegram": "Telegram", "zalo": "Zalo", "kiosk": "Máy kiosk", "status": "API trạng thái hồ sơ",
    "cards": "Phiếu giấy tờ", "recordings": "Bản ghi âm tiếng dân tộc", "console": "Trang cán bộ",
}


def model_facts(model_file: Path) -> str:
    """"caunoi.tar.gz, trained 07/12/2026 21:04, inputs c1b1975bc1bb": which training this server runs."""
    try:
        trained = datetime.fromtimestamp(model_file.stat().st_mtime, LOCAL_TZ)
    except OSError:
        return "—"
    try:
        inputs = model_file.with_suffix("").with_suffix(".fingerprint").read_text(encoding="utf-8").strip()[:12]
    except OSError:
        inputs = ""
    return f"{model_file.name}, huấn luyện {trained:%d/%m/%Y %H:%M}" + (f", mã đầu vào {inputs}" if inputs else "")


def knowledge_base_facts() -> dict[str, Any]:
    from bot.kb.shared import knowledge_base

    kb = knowledge_base()
    verified = sorted(str(p.verified_on) for p in kb.procedures.values())
    # A version people can compare between two servers: a hash of what the entries say, in id order.
    digest = hashlib.sha256(repr(sorted(kb.procedures.items())).encode()).hexdigest()[:12]
    return {"procedures": len(kb.procedures), "oldest_check": verified[0] if verified else "—",
            "newest_check": verified[-1] if verified else "—", "version": digest}


def health_facts(channels: list[str], model_file: Path, store: StatusStore, catalog_file: Path) -> dict[str, Any]:
    from bot.languages.shared import languages

    today = datetime.combine(datetime.now(LOCAL_TZ).date(), time(), LOCAL_TZ)
    notices = store.notice_counts(today)
    found = languages()
    offered = [f"{found.packs[c].vi_name} ({c})" for c in found.offered] if found.offered else []
    # ru_maxrss is in KB on Linux: the most this process has held, which is what a small server must fit.
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "channels": [{"name": c, "label": CHANNEL_LABELS.get(c, c)} for c in channels],
        "model": model_facts(model_file),
        "kb": knowledge_base_facts(),
        "catalog": catalog_header(catalog_file),
        "last_import": store.last_import(),
        "notices": {"sent": notices.get("sent", 0), "failed": notices.get("failed", 0)},
        "languages": offered,
        "peak_mb": round(peak_mb),
    }
