"""/console/status: upload the one-stop system's export, look a file up (the desk's tools)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from sanic import Blueprint
from sanic.request import File, Request
from sanic.response import HTTPResponse

from bot.console.auth import StaffSession
from bot.console.web import Console, Refused, blocking, page, staff_only
from bot.privacy.redact import redact
from bot.status.importer import ImportSummary, StatusImportError, import_file, procedure_names
from bot.status.stages import STAGES
from bot.status.store import Application, OpenedOnFirstUse, StatusStore

SUFFIXES = (".csv", ".xlsx")
HEADER_CELLS = re.compile(r" \(header: .*\)$", re.S)
MULTIPART_SLACK = 16 * 1024  # the form's other fields and headers around the file


def _label(stage: str) -> str:
    return STAGES[stage].label if stage in STAGES else stage


def application_view(a: Application) -> dict[str, Any]:
    """What `caunoi status show` shows, and nothing more: initials and the phone's last 4 digits."""
    return {
        "code": a.code, "procedure": a.procedure_id, "stage": _label(a.stage), "received": f"{a.received:%d/%m/%Y}",
        "due": f"{a.due:%d/%m/%Y}" if a.due else "—", "note": a.note or "—", "initials": a.name_initials or "—",
        "phone": f"******{a.phone_last4}", "updated": f"{a.updated_at:%d/%m/%Y %H:%M} UTC",
        "history": [{"at": f"{h.at:%d/%m/%Y %H:%M} UTC", "stage": _label(h.stage), "note": h.note or "",
                     "source": h.source} for h in a.history],
    }


def _import(store: StatusStore, upload: File) -> ImportSummary:
    from bot.kb.shared import knowledge_base
    from bot.settings import load_settings
    from bot.status.config import status_columns

    settings = load_settings()
    kb = knowledge_base()
    # Under its own (cleaned) name, which the importer's messages use; it lives only while it is read.
    name = re.sub(r"[^\w.-]", "_", Path(upload.name or "").name)[-80:]
    (settings.data_dir / "run").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.data_dir / "run") as folder:
        path = Path(folder) / name
        path.write_bytes(upload.body)
        try:
            return import_file(path, store, kb.ids, status_columns(settings), source="console",
                               names=procedure_names(kb))
        except OSError as exc:  # a damaged XLSX and the like
            raise StatusImportError(f"{name}: không đọc được tệp ({exc.strerror or exc})") from None


def without_cells(message: str) -> str:
    """The importer names the header row it read when columns are missing; that row may be a person's
    data (a file without a header), so the page says where to look instead of showing it."""
    return HEADER_CELLS.sub(" (xem dòng tiêu đề của tệp và status.columns trong caunoi.yml)", message)


stores = OpenedOnFirstUse()  # the process's status store, shared by the console's pages


def register(bp: Blueprint, console: Console) -> None:
    upload_limit = console.config.upload_bytes + MULTIPART_SLACK

    async def status_page(session: StaffSession, status: int = 200, **context: Any) -> HTTPResponse:
        store = await stores.get()
        last = await blocking(store.last_import)
        context.setdefault("summary", None)
        context.setdefault("application", None)
        context.setdefault("message", None)
        context.setdefault("code", "")
        return await page(session, "status.html", status=status, section="status", last_import=last,
                          upload_mb=console.config.upload_mb, **context)

    @bp.get("/status")
    @staff_only(console, "status")
    async def show(request: Request, session: StaffSession) -> HTTPResponse:
        return await status_page(session)

    @bp.post("/status/upload")
    @staff_only(console, "status", form=True, limit=upload_limit)
    async def upload(request: Request, session: StaffSession, fields: dict, files: dict) -> HTTPResponse:
        file = files.get("file")
        if file is None or not file.body:
            raise Refused(400, "Chưa chọn tệp. Chọn tệp CSV hoặc XLSX xuất từ phần mềm một cửa.")
        if Path(file.name or "").suffix.lower() not in SUFFIXES:
            raise Refused(400, "Chỉ nhận tệp .csv hoặc .xlsx xuất từ phần mềm một cửa.")
        if len(file.body) > console.config.upload_bytes:
            raise Refused(413, "Tệp quá lớn. Không có gì được lưu.")
        store = await stores.get()
        try:
            summary = await blocking(_import, store, file)
        except StatusImportError as exc:
            await console.log(session, "status_import_refused")
            message = f"Không nhập được: {redact(without_cells(str(exc)))}. Không có gì được lưu."
            return await status_page(session, 400, message=message)
        counts = (f"thêm {summary.added}, cập nhật {summary.updated}, không đổi {summary.unchanged}, "
                  f"bị từ chối {len(summary.rejected)}")
        await console.log(session, "status_import", counts)
        rejected = [{"line": r.line, "reason": redact(r.reason)} for r in summary.rejected]
        return await status_page(session, summary={"counts": counts, "rejected": rejected,
                                                   "added": summary.added, "updated": summary.updated,
                                                   "unchanged": summary.unchanged})

    @bp.post("/status/lookup")
    @staff_only(console, "status", form=True)
    async def lookup(request: Request, session: StaffSession, fields: dict, files: dict) -> HTTPResponse:
        code = fields.get("code", "").strip()[:64]
        if not code:
            raise Refused(400, "Nhập mã hồ sơ, ví dụ H12.22-251103-0042.")
        store = await stores.get()
        found = await blocking(store.get, code)
        await console.log(session, "status_lookup", found.code if found else "(không có)")
        if found is None:
            return await status_page(session, 404, code=code, message="Không có hồ sơ nào mang mã này.")
        return await status_page(session, code=code, application=application_view(found))
