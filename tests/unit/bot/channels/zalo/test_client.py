"""ZaloClient against the Zalo stand-in on loopback: sending, buttons, token refresh, retries, secrecy."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.channels.zalo.client import (
    MAX_TEXT_LENGTH,
    ZaloAPIError,
    ZaloAuthError,
    ZaloClient,
    ZaloUnavailableError,
    build_message,
    truncate_title,
)
from bot.channels.zalo.tokens import Tokens, TokenStore
from tests.support.standins.base import RecordedRequest
from tests.support.standins.zalo_api import MESSAGE_PATH, REFRESH_PATH, ZaloAPI
from tests.support.zalo_oa import APP_ID, APP_SECRET, AT0, RT0, USER


def client_for(api: ZaloAPI, store: TokenStore, app_secret: str = APP_SECRET, **kwargs: Any) -> ZaloClient:
    options: dict[str, Any] = {"openapi_url": api.url, "oauth_url": api.url, "backoff_base_s": 0.01,
                               "timeout": 5.0, **kwargs}
    return ZaloClient(APP_ID, app_secret, token_store=store, **options)


def run(client: ZaloClient, *coros: Any) -> list[Any]:
    async def main() -> list[Any]:
        try:
            return list(await asyncio.gather(*[c() for c in coros]))
        finally:
            await client.aclose()
    return asyncio.run(main())


def message_requests(api: ZaloAPI) -> list[RecordedRequest]:
    return api.recorded(lambda r: r.path == MESSAGE_PATH)


def refresh_requests(api: ZaloAPI) -> list[RecordedRequest]:
    return api.recorded(lambda r: r.path == REFRESH_PATH)


def test_send_text(api: ZaloAPI, store: TokenStore) -> None:
    client = client_for(api, store)
    [message_id] = run(client, lambda: client.send_text(USER, "Chào bạn! Bạn cần làm thủ tục gì?"))
    [sent] = api.sent_messages(USER)
    assert sent["message_id"] == message_id
    assert api.texts(USER) == ["Chào bạn! Bạn cần làm thủ tục gì?"]
    [request] = message_requests(api)
    assert request.headers["access_token"] == AT0
    assert json.loads(request.body) == {"recipient": {"user_id": USER},
                                        "message": {"text": "Chào bạn! Bạn cần làm thủ tục gì?"}}
    assert api.refresh_count == 0


def tiny_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="PNG")
    return out.getvalue()


def test_a_picture_is_uploaded_then_sent_as_a_media_message(api: ZaloAPI, store: TokenStore) -> None:
    client = client_for(api, store)
    png = tiny_png()

    async def send() -> str:
        return await client.send_image(USER, await client.upload_image(png, "giay-to.png"))

    [message_id] = run(client, send)
    assert api.images(USER) == [png]
    assert api.sent_messages(USER)[0]["message_id"] == message_id
    [upload] = api.recorded(lambda r: r.path == "/v2.0/oa/upload/image")
    assert upload.headers["access_token"] == AT0
    assert upload.headers["Content-Type"].startswith("multipart/form-data")


def test_a_picture_upload_refreshes_a_rejected_token_once(api: ZaloAPI, store: TokenStore) -> None:
    api.expire_access_token()
    client = client_for(api, store)
    [attachment_id] = run(client, lambda: client.upload_image(tiny_png(), "a.png"))
    assert attachment_id and api.refresh_count == 1


def test_pictures_zalo_would_refuse_are_refused_before_sending(api: ZaloAPI, store: TokenStore) -> None:
    client = client_for(api, store)
    with pytest.raises(ValueError, match="1000000"):
        run(client, lambda: client.upload_image(b"\x89PNG" + b"0" * 1_000_000, "big.png"))
    second = client_for(api, store)
    with pytest.raises(ZaloAPIError) as refused:
        run(second, lambda: second.upload_image(b"not a picture", "x.png"))
    assert refused.value.code == -201
    assert api.recorded(lambda r: r.path == "/v2.0/oa/upload/image") and not api.sent_messages(USER)


def test_buttons_are_accepted_by_zalo(api: ZaloAPI, store: TokenStore) -> None:
    client = client_for(api, store)
    long_title = "Đăng ký khai sinh cho trẻ em sinh ra ở nước ngoài có cha hoặc mẹ là công dân Việt Nam " * 2
    buttons = [("Khai sinh", '/chon_thu_tuc{"thu_tuc":"khai_sinh"}'), (long_title, "/khac")]
    run(client, lambda: client.send_text(USER, "Chọn thủ tục:", buttons))
    [sent] = api.sent_messages(USER)
    assert sent["text"] == "Chọn thủ tục:"
    rendered = sent["attachment"]["payload"]["buttons"]
    assert sent["attachment"]["type"] == "template"
    assert [b["type"] for b in rendered] == ["oa.query.hide", "oa.query.hide"]
    assert rendered[0] == {"title": "Khai sinh", "type": "oa.query.hide",
                           "payload": '/chon_thu_tuc{"thu_tuc":"khai_sinh"}'}
    assert len(rendered[1]["title"]) <= 100 and rendered[1]["title"].endswith("…")
    assert long_title.startswith(rendered[1]["title"][:-1])
    assert rendered[1]["payload"] == "/khac"


def test_show_buttons_can_be_chosen(api: ZaloAPI, store: TokenStore) -> None:
    client = client_for(api, store, button_type="oa.query.show")
    run(client, lambda: client.send_text(USER, "Có hoặc không?", [("Có", "có"), ("Không", "không")]))
    assert [b["type"] for b in api.sent_messages()[0]["attachment"]["payload"]["buttons"]] == ["oa.query.show"] * 2


def test_limits_are_enforced_before_sending(api: ZaloAPI, store: TokenStore) -> None:
    client = client_for(api, store)
    exactly = "a" * MAX_TEXT_LENGTH
    emoji_full = "🙂" * (MAX_TEXT_LENGTH // 2)  # two UTF-16 units each
    run(client, lambda: client.send_text(USER, exactly), lambda: client.send_text(USER, emoji_full))
    assert sorted(api.texts(USER)) == sorted([exactly, emoji_full])  # the stand-in accepts both
    for text, buttons in [(exactly + "a", None), (emoji_full + "🙂", None), ("", None), ("   ", None),
                          ("ok", [(f"b{n}", f"p{n}") for n in range(6)]), ("ok", [("t", "x" * 1001)]),
                          ("ok", [("", "p")]), ("ok", [("t", "")])]:
        with pytest.raises(ValueError):
            build_message(USER, text, buttons)
        fresh = client_for(api, store)
        with pytest.raises(ValueError):
            run(fresh, lambda c=fresh, t=text, b=buttons: c.send_text(USER, t, b))
    assert len(message_requests(api)) == 2


def test_truncate_title() -> None:
    assert truncate_title("Ngắn") == "Ngắn"
    assert truncate_title("x" * 100) == "x" * 100
    cut = truncate_title("từ " * 60)
    assert len(cut) <= 100 and cut.endswith("từ…")
    assert len(truncate_title("🙂" * 80).encode("utf-16-le")) // 2 <= 100


def test_proactive_refresh_before_expiry(api: ZaloAPI, store: TokenStore) -> None:
    store.save(Tokens(AT0, RT0, time.time() + 120))  # inside the 300 s margin
    client = client_for(api, store)
    run(client, lambda: client.send_text(USER, "một"))
    new = api.current_tokens
    assert api.refresh_count == 1 and new.access_token != AT0
    [request] = message_requests(api)  # no wasted send with the old token
    assert request.headers["access_token"] == new.access_token
    stored = store.load()
    assert stored is not None and (stored.access_token, stored.refresh_token) == (new.access_token, new.refresh_token)
    assert stored.expires_at == pytest.approx(time.time() + 90000, abs=30)  # from expires_in "90000"
    [refresh] = refresh_requests(api)
    assert refresh.headers["secret_key"] == APP_SECRET
    assert refresh.params == {"refresh_token": RT0, "app_id": APP_ID, "grant_type": "refresh_token"}


def test_no_refresh_when_token_is_far_from_expiry(api: ZaloAPI, store: TokenStore) -> None:
    client = client_for(api, store)
    run(client, lambda: client.send_text(USER, "một"), lambda: client.send_text(USER, "hai"))
    assert api.refresh_count == 0 and len(api.sent_messages()) == 2


@pytest.mark.parametrize("expired_code", [-216, -124])
def test_token_error_refreshes_once_and_retries_once(tmp_path: Path, expired_code: int) -> None:
    with ZaloAPI(APP_ID, APP_SECRET, AT0, RT0, expired_code=expired_code) as api:
        store = TokenStore(tmp_path / "tokens.json")
        store.seed(AT0, RT0, time.time() + 90000)  # the client believes the token is good
        api.expire_access_token()
        client = client_for(api, store)
        [message_id] = run(client, lambda: client.send_text(USER, "hết hạn"))
        assert api.refresh_count == 1
        tokens = [r.headers["access_token"] for r in message_requests(api)]
        assert tokens == [AT0, api.current_tokens.access_token]
        assert [m["message_id"] for m in api.sent_messages()] == [message_id]


def test_other_api_errors_raise_at_once(api: ZaloAPI, store: TokenStore) -> None:
    api.block_user(USER)
    client = client_for(api, store)
    with pytest.raises(ZaloAPIError) as info:
        run(client, lambda: client.send_text(USER, "xin chào"))
    assert info.value.code == -230 and "7 days" in info.value.message
    assert len(message_requests(api)) == 1 and api.refresh_count == 0


@pytest.mark.parametrize("locally_known", [True, False], ids=["expiry-known", "server-side-expiry"])
def test_concurrent_sends_refresh_exactly_once(api: ZaloAPI, store: TokenStore, locally_known: bool) -> None:
    if locally_known:
        store.save(Tokens(AT0, RT0, time.time() - 10))
    api.expire_access_token()
    client = client_for(api, store)
    texts = [f"tin {n}" for n in range(10)]
    ids = run(client, *[lambda t=t: client.send_text(USER, t) for t in texts])
    assert api.refresh_count == 1  # a second refresh with the spent token would have failed
    assert len(refresh_requests(api)) == 1
    assert sorted(api.texts(USER)) == sorted(texts) and len(set(ids)) == 10


def test_new_tokens_are_persisted_before_first_use(api: ZaloAPI, store: TokenStore) -> None:
    seen_in_store: list[dict[str, Any]] = []

    def snapshot(request: RecordedRequest) -> None:
        token = request.headers.get("access_token")
        if request.path == MESSAGE_PATH and token not in (None, AT0):
            seen_in_store.append(json.loads(store.path.read_text()))  # at the moment Zalo sees the new token

    api.on_request(snapshot)
    api.expire_access_token()
    client = client_for(api, store)
    run(client, lambda: client.send_text(USER, "lưu trước"))
    new = api.current_tokens
    assert seen_in_store, "the new access token was never used"
    assert seen_in_store[0]["access_token"] == new.access_token
    assert seen_in_store[0]["refresh_token"] == new.refresh_token


def test_refresh_rejected_raises_auth_error(api: ZaloAPI, tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    store.seed(AT0, "RT-already-spent", time.time() - 1)
    client = client_for(api, store)
    with pytest.raises(ZaloAuthError) as info:
        run(client, lambda: client.send_text(USER, "x"))
    message = str(info.value)
    assert "ZALO_REFRESH_TOKEN" in message and "-14014" in message and str(store.path) in message
    assert "RT-already-spent" not in message
    stored = store.load()
    assert stored is not None and stored.refresh_token == "RT-already-spent"  # nothing overwritten
    assert api.sent_messages() == [] and len(refresh_requests(api)) == 1


def test_single_use_refresh_token_is_enforced_by_the_stand_in(api: ZaloAPI, store: TokenStore) -> None:
    first = httpx.post(api.url + REFRESH_PATH, headers={"secret_key": APP_SECRET},
                       data={"refresh_token": RT0, "app_id": APP_ID, "grant_type": "refresh_token"})
    again = httpx.post(api.url + REFRESH_PATH, headers={"secret_key": APP_SECRET},
                       data={"refresh_token": RT0, "app_id": APP_ID, "grant_type": "refresh_token"})
    assert isinstance(first.json()["expires_in"], str)
    assert again.json()["error"] == -14014
    # The client's stored copy is now spent, like a second process that refreshed behind its back.
    client = client_for(api, store)
    with pytest.raises(ZaloAuthError):
        run(client, client.refresh)


def test_wrong_app_secret_raises_auth_error(api: ZaloAPI, store: TokenStore) -> None:
    client = client_for(api, store, app_secret="not-the-secret")
    with pytest.raises(ZaloAuthError):
        run(client, client.refresh)
    assert api.refresh_count == 0


def test_newer_pair_in_store_is_adopted_instead_of_spending_the_old_one(api: ZaloAPI, store: TokenStore) -> None:
    client = client_for(api, store)

    async def scenario() -> str:
        await client.send_text(USER, "một")  # client now holds AT0/RT0 in memory
        # Another process refreshes and stores the new pair; AT0 stops working.
        answer = httpx.post(api.url + REFRESH_PATH, headers={"secret_key": APP_SECRET},
                            data={"refresh_token": RT0, "app_id": APP_ID, "grant_type": "refresh_token"}).json()
        store.save(Tokens(answer["access_token"], answer["refresh_token"], time.time() + 90000))
        return await client.send_text(USER, "hai")

    run(client, scenario)
    assert api.refresh_count == 1  # only the other process's
    assert api.texts(USER) == ["một", "hai"]


@pytest.mark.parametrize("failure", [500, 502, 503, "drop"])
def test_transient_failure_is_retried(api: ZaloAPI, store: TokenStore, failure: int | str) -> None:
    api.fail_next(MESSAGE_PATH, failure)
    client = client_for(api, store)
    [message_id] = run(client, lambda: client.send_text(USER, "thử lại"))
    assert len(message_requests(api)) == 2
    assert [m["message_id"] for m in api.sent_messages()] == [message_id]


def test_timeout_is_retried(api: ZaloAPI, store: TokenStore) -> None:
    api.fail_next(MESSAGE_PATH, None, delay=1.0)
    client = client_for(api, store, timeout=0.3)
    [message_id] = run(client, lambda: client.send_text(USER, "chậm"))
    assert message_id in [m["message_id"] for m in api.sent_messages()]
    assert len(message_requests(api)) == 2


def test_persistent_failure_gives_up_after_three_attempts(api: ZaloAPI, store: TokenStore) -> None:
    api.fail_next(MESSAGE_PATH, 503, times=10)
    client = client_for(api, store, backoff_base_s=0.05)
    started = time.monotonic()
    with pytest.raises(ZaloUnavailableError) as info:
        run(client, lambda: client.send_text(USER, "không tới"))
    assert len(message_requests(api)) == 3
    assert time.monotonic() - started >= 0.05 + 0.1  # exponential backoff between the attempts
    assert "3 attempts" in str(info.value)


def test_refresh_is_retried_on_server_error(api: ZaloAPI, store: TokenStore) -> None:
    store.save(Tokens(AT0, RT0, time.time() - 1))
    api.fail_next(REFRESH_PATH, 502)
    client = client_for(api, store)
    run(client, lambda: client.send_text(USER, "x"))
    assert api.refresh_count == 1 and len(refresh_requests(api)) == 2


def test_no_tokens_raises_auth_error(api: ZaloAPI, tmp_path: Path) -> None:
    client = client_for(api, TokenStore(tmp_path / "missing.json"))
    with pytest.raises(ZaloAuthError, match="ZALO_REFRESH_TOKEN"):
        run(client, lambda: client.send_text(USER, "x"))


def test_injected_http_client_is_used_and_not_closed(api: ZaloAPI, store: TokenStore) -> None:
    async def main() -> None:
        async with httpx.AsyncClient(headers={"X-Test": "injected"}) as http:
            client = client_for(api, store, http=http)
            await client.send_text(USER, "x")
            await client.aclose()
            assert not http.is_closed

    asyncio.run(main())
    assert message_requests(api)[0].headers["X-Test"] == "injected"


def test_no_token_ever_appears_in_logs(api: ZaloAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = TokenStore(tmp_path / "tokens.json")
    store.seed(AT0, RT0, time.time() - 1)
    seen: set[str] = {AT0, RT0}
    client = client_for(api, store)

    async def scenario() -> None:
        await client.send_text(USER, "một")  # proactive refresh
        seen.update(api.current_tokens.__dict__.values())
        api.expire_access_token()
        await client.send_text(USER, "hai")  # -216, refresh, retry
        seen.update(api.current_tokens.__dict__.values())
        api.fail_next(MESSAGE_PATH, "drop")
        await client.send_text(USER, "ba")  # retried after a dropped connection
        await client.aclose()

    asyncio.run(scenario())
    bad_store = TokenStore(tmp_path / "bad.json")
    bad_store.seed("AT-x", "RT-spent-secret", 0)
    bad = client_for(api, bad_store)
    with pytest.raises(ZaloAuthError) as info:
        run(bad, lambda: bad.send_text(USER, "x"))
    seen.update({"AT-x", "RT-spent-secret"})
    assert api.refresh_count == 2 and len(seen) == 8
    assert "refresh" in caplog.text  # the log did say what happened
    for token in seen:
        assert token not in caplog.text
        assert token not in str(info.value)
        assert token not in repr(store.load())


def test_refresh_happens_only_once_per_send(api: ZaloAPI, store: TokenStore) -> None:
    def expire_every_token(request: RecordedRequest) -> None:
        if request.path == MESSAGE_PATH:
            api.expire_access_token()  # Zalo keeps rejecting, even the fresh token

    api.on_request(expire_every_token)
    client = client_for(api, store)
    with pytest.raises(ZaloAuthError, match="freshly refreshed"):
        run(client, lambda: client.send_text(USER, "x"))
    assert api.refresh_count == 1 and len(message_requests(api)) == 2
