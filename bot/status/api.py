"""The status update API: the commune's one-stop system (or a staff script) pushes file changes.

    POST /webhooks/status/applications     Authorization: Bearer <token>
         body: one row or a list of rows, keyed by the import's column names, dates as ISO strings
         → 200 {"added", "updated", "unchanged", "rejected": [{"index", "reason"}]}

Off unless a token is set (CAUNOI_STATUS_API_TOKEN or `status.api_token`). It is a Rasa input channel
only so that the Rasa server serves it beside the others; it never passes messages to the assistant.
401 for a missing or wrong token, 400 for a body that is not JSON objects, 413 above 1 MB, 503 when the
store cannot be reached: bad input never gives a 500. Rows are checked exactly as the import checks them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import MAX_BODY_BYTES, NO_STORE, Rejected, bearer_matches, body_of, dumps, guarded, parse_json
from bot.settings import load_settings
from bot.status.config import status_api_token
from bot.status.importer import ImportSummary, RowChecker, procedure_names, store_rows
from bot.status.store import OpenedOnFirstUse, StatusStore, open_status_store

logger = logging.getLogger(__name__)

CHANNEL = "status"
SOURCE = "api"


def _kb_names() -> tuple[list[str], dict[str, str]]:
    from bot.kb.shared import knowledge_base

    kb = knowledge_base()
    return list(kb.ids), procedure_names(kb)


def apply_rows(store: StatusStore, rows: list[dict[str, Any]], kb_ids: Collection[str],
               names: Mapping[str, str] | None = None, source: str = SOURCE) -> ImportSummary:
    """Check and store each row; a refused row is reported by its index in the list."""
    keyed = ((index, f"index {index}", {str(k).strip().lower(): v for k, v in row.items()})
             for index, row in enumerate(rows))
    return store_rows(store, RowChecker(kb_ids, names), keyed, source)


class StatusApiInput(InputChannel):
    def __init__(self, token: str, open_store: Callable[[], StatusStore] = open_status_store,
                 kb: Callable[[], tuple[Collection[str], Mapping[str, str]]] = _kb_names) -> None:
        self._token = token
        self._kb = kb
        self._store = OpenedOnFirstUse(open_store)

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(status_api_token(load_settings()))

    def authorized(self, header: str | None) -> bool:
        return bearer_matches(header, self._token)

    async def store(self) -> StatusStore:
        return await self._store.get()

    def close(self) -> None:
        self._store.close()

    @guarded
    async def on_applications(self, request: Request) -> HTTPResponse:
        if not self.authorized(request.headers.get("authorization")):
            raise Rejected(401, "missing or wrong token", {"WWW-Authenticate": "Bearer"})
        body = body_of(request, too_large=f"body over {MAX_BODY_BYTES} bytes: send fewer rows per request")
        data = parse_json(body)
        rows = data if isinstance(data, list) else [data]
        bad = next((i for i, row in enumerate(rows) if not isinstance(row, dict)), None)
        if bad is not None:
            raise Rejected(400, "body must be one object or a list of objects" if not isinstance(data, list)
                           else f"row {bad} is not an object")
        try:
            store = await self.store()
            kb_ids, names = await asyncio.to_thread(self._kb)
            summary = await asyncio.to_thread(apply_rows, store, rows, kb_ids, names)
        except Exception:
            logger.exception("Status API: rows not stored")
            raise Rejected(503, "status store unavailable; try again later") from None
        return response.json(
            {"added": summary.added, "updated": summary.updated, "unchanged": summary.unchanged,
             "rejected": [{"index": r.line, "reason": r.reason} for r in summary.rejected]},
            headers=NO_STORE, dumps=dumps)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("status_webhook", __name__)

        @bp.listener("after_server_stop")
        async def close(_app: Any, _loop: Any) -> None:
            self.close()

        @bp.route("/applications", methods=["POST"])
        async def applications(request: Request) -> HTTPResponse:
            return await self.on_applications(request)

        return bp
