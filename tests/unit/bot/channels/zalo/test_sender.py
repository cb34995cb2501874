"""ZaloSender against the Zalo stand-in: long answers split to fit, buttons on the last part, more than
5 buttons in a follow-up, refusals (-230, no tokens, Zalo down) logged without crashing."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.channels.replies import Button, Outgoing
from bot.channels.zalo.client import MAX_BUTTONS, MAX_TEXT_LENGTH, ZaloClient, text_length
from bot.channels.zalo.sender import BUTTONS_ONLY, MORE_BUTTONS, ZaloSender, anonymous, messages_for
from bot.channels.zalo.tokens import TokenStore
from tests.support.standins.zalo_api import MESSAGE_PATH, ZaloAPI
from tests.support.zalo_oa import APP_ID, APP_SECRET, AT0, RT0, USER

OTHER = "246845883529190001"


def send(api: ZaloAPI, store: TokenStore, *batches: tuple[str, list[Outgoing]]) -> list[bool]:
    """Each (user, replies) batch through one sender, in order, on one event loop."""
    async def main() -> list[bool]:
        client = ZaloClient(APP_ID, APP_SECRET, token_store=store, openapi_url=api.url, oauth_url=api.url,
                            backoff_base_s=0.01, timeout=5.0)
        sender = ZaloSender(client)
        try:
            return [await sender.send(user, replies) for user, replies in batches]
        finally:
            await client.aclose()
    return asyncio.run(main())


def buttons_of(message: dict[str, Any]) -> list[tuple[str, str]]:
    attachment = message["attachment"]
    if attachment is None:
        return []
    return [(b["title"], b["payload"]) for b in attachment["payload"]["buttons"]]


def long_answer() -> str:
    # Paragraphs of numbered lines with emoji (2 UTF-16 units each): well over two messages.
    line = "{}. 📄 Giấy tờ số {}: bản chính, mang theo khi đến xã để cán bộ xem và đối chiếu."
    lines = [line.format(i, i) for i in range(1, 80)]
    return "\n\n".join("\n".join(lines[i:i + 5]) for i in range(0, len(lines), 5))


def test_long_text_is_split_into_parts_that_fit_with_buttons_on_the_last(api: ZaloAPI, store: TokenStore) -> None:
    text = long_answer()
    assert text_length(text) > 2 * MAX_TEXT_LENGTH
    buttons = (Button("Lệ phí", '/ask_fee{"procedure":"khai_sinh"}'), Button("Mất bao lâu", "/ask_time"))
    assert send(api, store, (USER, [Outgoing(text, buttons)])) == [True]
    sent = api.sent_messages(USER)
    assert len(sent) >= 3
    assert all(text_length(m["text"]) <= MAX_TEXT_LENGTH for m in sent)
    assert [buttons_of(m) for m in sent[:-1]] == [[]] * (len(sent) - 1)
    assert buttons_of(sent[-1]) == [(b.title, b.payload) for b in buttons]
    # Nothing lost or reordered, and no numbered line cut in half.
    assert "\n".join(m["text"] for m in sent).split() == text.split()
    assert all(m["text"].split("\n")[-1].endswith("đối chiếu.") for m in sent)


def test_more_than_five_buttons_continue_in_a_short_follow_up(api: ZaloAPI, store: TokenStore) -> None:
    buttons = tuple(Button(f"Thủ tục {i}", f'/ask_overview{{"procedure":"p{i}"}}') for i in range(7))
    assert send(api, store, (USER, [Outgoing("Bạn muốn hỏi thủ tục nào?", buttons)])) == [True]
    first, follow_up = api.sent_messages(USER)
    assert first["text"] == "Bạn muốn hỏi thủ tục nào?"
    assert buttons_of(first) == [(b.title, b.payload) for b in buttons[:MAX_BUTTONS]]
    assert follow_up["text"] == MORE_BUTTONS
    assert buttons_of(follow_up) == [(b.title, b.payload) for b in buttons[MAX_BUTTONS:]]
    # Payloads come back as the user's text without showing in the chat.
    assert {b["type"] for b in first["attachment"]["payload"]["buttons"]} == {"oa.query.hide"}


def test_replies_go_out_in_order_and_buttons_alone_get_a_text(api: ZaloAPI, store: TokenStore) -> None:
    replies = [Outgoing("Chào bạn!"), Outgoing("", (Button("Khai sinh", "/ask_overview"),)), Outgoing("Hết.")]
    assert send(api, store, (USER, replies)) == [True]
    assert api.texts(USER) == ["Chào bạn!", BUTTONS_ONLY, "Hết."]
    assert buttons_of(api.sent_messages(USER)[1]) == [("Khai sinh", "/ask_overview")]


def test_a_button_zalo_would_refuse_is_dropped_not_the_answer() -> None:
    buttons = (Button("Dài", "/x" + "a" * 1000), Button("Được", "/ok"))
    assert list(messages_for(Outgoing("Chọn nhé", buttons))) == [("Chọn nhé", [("Được", "/ok")])]


def test_user_outside_the_7_day_window_is_logged_not_raised(
    api: ZaloAPI, store: TokenStore, caplog: pytest.LogCaptureFixture
) -> None:
    api.block_user(USER)  # -230
    caplog.set_level(logging.INFO, logger="bot.channels.zalo")
    results = send(api, store, (USER, [Outgoing("Phần 1"), Outgoing("Phần 2")]), (OTHER, [Outgoing("Chào bạn!")]))
    assert results == [False, True]
    # The rest of the blocked user's answer is not tried; the next user is served as usual.
    assert len(api.recorded(lambda r: r.path == MESSAGE_PATH and r.params["recipient"]["user_id"] == USER)) == 1
    assert api.texts(OTHER) == ["Chào bạn!"]
    [warning] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "-230" in warning.getMessage() and anonymous(USER) in warning.getMessage()
    assert USER not in caplog.text and OTHER not in caplog.text


def test_no_tokens_is_one_error_not_one_per_message(
    api: ZaloAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    empty = TokenStore(tmp_path / "none" / "zalo_tokens.json")
    caplog.set_level(logging.INFO, logger="bot.channels.zalo")
    assert send(api, empty, (USER, [Outgoing("a")]), (USER, [Outgoing("b")]), (OTHER, [Outgoing("c")])) == [False] * 3
    assert api.recorded(lambda r: r.path == MESSAGE_PATH) == []
    [error] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "ZALO_REFRESH_TOKEN" in error.getMessage()


def test_zalo_unreachable_after_retries_is_logged_without_secrets(
    api: ZaloAPI, store: TokenStore, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail_next(MESSAGE_PATH, 502, times=10)
    caplog.set_level(logging.DEBUG, logger="bot.channels.zalo")
    assert send(api, store, (USER, [Outgoing("Chào bạn!")])) == [False]
    assert api.sent_messages() == []
    assert any(r.levelno == logging.ERROR and "502" in r.getMessage() for r in caplog.records)
    for secret in (AT0, RT0, APP_SECRET, USER, "Chào bạn"):
        assert secret not in caplog.text
