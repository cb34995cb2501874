"""Property tests of the Telegram side as our webhook sees it: `json.loads` + `Update.de_json` (the webhook
answers 400 to anything they raise), then python-telegram-bot's dispatch into our `UpdateRouter`. Arbitrary
JSON dicts and mutated real updates never make a handler fail, and whatever reaches the inbox is text for
a `telegram:<chat id>` conversation."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import CallbackQuery, Update, User
from telegram.ext import ApplicationBuilder, ContextTypes

from bot.channels.inbox import Incoming, Outcome
from bot.channels.telegram.keyboard import CallbackPayloads
from bot.channels.telegram.updates import UpdateRouter, malformed
from tests.support.fuzz import mutate

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CHAT = {"id": 42, "type": "private", "first_name": "An"}
USER = {"id": 42, "is_bot": False, "first_name": "An"}
REAL = [
    {"update_id": 1, "message": {"message_id": 1, "date": 1700000000, "chat": CHAT, "from": USER, "text": "xin chào"}},
    {"update_id": 2, "message": {"message_id": 2, "date": 1700000000, "chat": CHAT, "from": USER, "text": "/start",
                                 "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}},
    {"update_id": 3, "callback_query": {"id": "9", "from": USER, "chat_instance": "c", "data": "/ask_fee",
                                        "message": {"message_id": 5, "date": 1700000000, "chat": CHAT, "text": "?"}}},
    {"update_id": 4, "message": {"message_id": 3, "date": 1700000000, "chat": CHAT, "from": USER,
                                 "voice": {"file_id": "f", "file_unique_id": "u", "duration": 2, "file_size": 10}}},
    {"update_id": 5, "message": {"message_id": 4, "date": 1700000000, "chat": CHAT, "from": USER,
                                 "sticker": {"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1,
                                             "is_animated": False, "is_video": False, "type": "regular"}}},
    {"update_id": 6, "message": {"message_id": 6, "date": 1700000000, "chat": {"id": -5, "type": "group",
                                                                               "title": "G"},
                                 "from": USER, "text": "/help@bot",
                                 "entities": [{"type": "bot_command", "offset": 0, "length": 9}]}},
]

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**63), st.floats(),
                    st.text(max_size=20), st.sampled_from(["private", "group", "/start", "", "cn:missing", "\x00"]))
JSON_LIKE = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=15)


@st.composite
def mutated_updates(draw: st.DrawFn) -> Any:
    return mutate(draw, draw(st.sampled_from(REAL)), JSON_LIKE, draw(st.integers(1, 3)))


class RecordingInbox:
    def __init__(self) -> None:
        self.incoming: list[Incoming] = []

    async def handle(self, incoming: Incoming, send: Any) -> Outcome:
        self.incoming.append(incoming)
        return Outcome.ANSWERED


class QuietSender:
    async def typing(self, chat_id: Any) -> None:
        return None

    async def send(self, *args: Any, **kwargs: Any) -> None:
        return None


class RecordingRouter(UpdateRouter):
    errors: list[BaseException]

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.errors.append(context.error)


_FOLDER = Path(tempfile.mkdtemp(prefix="tgfuzz-"))
_PAYLOADS = CallbackPayloads(_FOLDER / "channels.db")


def _dispatch(body: bytes) -> tuple[RecordingRouter, RecordingInbox] | None:
    """What the webhook does with a body: None where it would answer 400."""
    application = ApplicationBuilder().token("123:TEST").base_url("http://127.0.0.1:9/bot").build()
    inbox = RecordingInbox()
    router = RecordingRouter(inbox, QuietSender(), _PAYLOADS)  # type: ignore[arg-type]
    router.errors = []
    router.install(application)
    # `initialize()` would call getMe; the command filters need only the bot's own user from it.
    application._initialized = True
    application.bot._bot_user = User(id=123, is_bot=True, first_name="Cầu Nối", username="caunoi_test_bot")
    try:  # the webhook's own boundary: any Exception here is its 400
        update = Update.de_json(json.loads(body), application.bot)
    except Exception:
        return None
    if update is None or malformed(update) is not None:  # its 400 too
        return None

    async def run() -> None:
        with patch.object(CallbackQuery, "answer", new=AsyncMock()):
            await application.process_update(update)

    asyncio.run(run())
    return router, inbox


def _check(body: bytes) -> None:
    result = _dispatch(body)
    if result is None:
        return
    router, inbox = result
    assert router.errors == [], router.errors
    for incoming in inbox.incoming:
        assert isinstance(incoming.text, str) and len(incoming.text) >= 0
        assert incoming.sender_id.startswith("telegram:")
        assert isinstance(incoming.message_id, str)


@FAST
@given(mutated_updates())
def test_mutated_real_updates_never_make_a_handler_fail(update: Any) -> None:
    _check(json.dumps(update).encode())


@FAST
@given(st.dictionaries(st.sampled_from(["update_id", "message", "callback_query", "edited_message", "x"]),
                       JSON_LIKE, max_size=3))
def test_arbitrary_dicts_never_make_a_handler_fail(update: dict[str, Any]) -> None:
    _check(json.dumps(update).encode())


@settings(max_examples=30, deadline=None)
@given(st.one_of(st.binary(max_size=200), JSON_LIKE.map(lambda v: json.dumps(v).encode())))
def test_arbitrary_bodies(body: bytes) -> None:
    _check(body)


def test_real_updates_reach_the_inbox_as_text() -> None:
    result = _dispatch(json.dumps(REAL[0]).encode())
    assert result is not None
    router, inbox = result
    assert router.errors == [] and [i.text for i in inbox.incoming] == ["xin chào"]
