"""The Zalo token pair in a shared SQL database (bot/channels/zalo/token_db.py), on real SQLite and a real
PostgreSQL: the store itself, the seeding rule, which store `caunoi run` picks, and — the point of it —
replicas in separate processes that refresh at the same moment spend the single-use refresh token once.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.channels.config import ZaloConfig
from bot.channels.zalo.channel import ZaloInput
from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.token_db import TABLE, SQLTokenStore, open_token_store, shared_db_url
from bot.channels.zalo.tokens import Tokens, TokenStore, TokenStoreError
from bot.runtime.chat import free_port
from bot.settings import Commune, Settings, load_settings
from tests.support import zalo_replica
from tests.support.pg import DATABASES, new_database
from tests.support.standins.zalo_api import MESSAGE_PATH, REFRESH_PATH, ZaloAPI
from tests.support.zalo_oa import APP_ID, APP_SECRET, AT0, RT0, USER

REFRESH_DELAY_S = 1.5  # Zalo "thinks" this long: a replica that does not wait for the lock refreshes meanwhile


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'status.db'}"
    return new_database(request.getfixturevalue("postgres_url"))


@pytest.fixture
def stores() -> Iterator[list[SQLTokenStore]]:
    opened: list[SQLTokenStore] = []
    yield opened
    for store in opened:
        store.close()


def open_store(stores: list[SQLTokenStore], url: str, app_id: str = APP_ID) -> SQLTokenStore:
    store = SQLTokenStore(url, app_id)
    stores.append(store)
    return store


def client_for(api: ZaloAPI, store: Any) -> ZaloClient:
    return ZaloClient(APP_ID, APP_SECRET, token_store=store, openapi_url=api.url, oauth_url=api.url,
                      backoff_base_s=0.01, timeout=10.0)


# -- the store ----------------------------------------------------------------------------------------------


def test_round_trip(db_url: str, stores: list[SQLTokenStore]) -> None:
    store = open_store(stores, db_url)
    assert store.load() is None and not store.exists()
    store.save(Tokens("AT-1", "RT-1", 1_700_000_000.5))
    assert store.load() == Tokens("AT-1", "RT-1", 1_700_000_000.5) and store.exists()
    store.save(Tokens("AT-2", "RT-2", 1_700_090_000.0))
    # another process (its own engine and connections) reads the same row
    assert open_store(stores, db_url).load() == Tokens("AT-2", "RT-2", 1_700_090_000.0)
    # one row per app: another app id has its own pair
    other = open_store(stores, db_url, app_id="another-app")
    assert other.load() is None
    other.save(Tokens("AT-x", "RT-x", 5.0))
    assert store.load() == Tokens("AT-2", "RT-2", 1_700_090_000.0)


def test_seeding_rule(db_url: str, stores: list[SQLTokenStore]) -> None:
    store = open_store(stores, db_url)
    assert store.seed(None, None) is None and not store.exists()
    # A refresh token alone is enough: the access token counts as expired, the client refreshes first.
    assert store.seed("AT-env", "RT-env", 0.0) == Tokens("AT-env", "RT-env", 0.0)
    # A refresh moved the row on; the same (now spent) environment values must not win on restart,
    store.save(Tokens("AT-new", "RT-new", 200.0))
    assert store.seed("AT-env", "RT-env", 0.0) == Tokens("AT-new", "RT-new", 200.0)
    # nor different ones: only deleting the row re-seeds.
    assert open_store(stores, db_url).seed("AT-other", "RT-other", 0.0) == Tokens("AT-new", "RT-new", 200.0)
    assert store.load() == Tokens("AT-new", "RT-new", 200.0)


def test_seeding_prefers_the_token_file_a_replica_used_before(
    db_url: str, stores: list[SQLTokenStore], tmp_path: Path
) -> None:
    old_file = TokenStore(tmp_path / "zalo_tokens.json")
    old_file.save(Tokens("AT-file", "RT-file", 300.0))  # refreshed since the environment's were set
    store = open_store(stores, db_url)
    assert store.seed("AT-env", "RT-env", 0.0, previous=old_file) == Tokens("AT-file", "RT-file", 300.0)
    # Once the row exists it wins, over another replica's file as well.
    other_file = TokenStore(tmp_path / "other" / "zalo_tokens.json")
    other_file.save(Tokens("AT-other", "RT-other", 400.0))
    assert open_store(stores, db_url).seed("AT-env", "RT-env", 0.0, previous=other_file) == Tokens(
        "AT-file", "RT-file", 300.0)


def test_replicas_starting_together_agree_on_one_pair(db_url: str, stores: list[SQLTokenStore]) -> None:
    """Eight replicas seed at once, each with different environment values: all end with the same pair."""
    seeded: list[Tokens | None] = []
    replicas = [open_store(stores, db_url) for _ in range(8)]
    for replica in replicas:
        replica.load()  # the table exists before the race (its creation is not what is tested here)
    threads = [threading.Thread(target=lambda r=r, n=n: seeded.append(r.seed(f"AT-{n}", f"RT-{n}", 0.0)))
               for n, r in enumerate(replicas)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(seeded) == 8 and len(set(seeded)) == 1 and seeded[0] is not None
    assert replicas[0].load() == seeded[0]


def test_errors_name_the_database_never_a_password_or_a_token(stores: list[SQLTokenStore]) -> None:
    url = f"postgresql://caunoi:pw-SECRET@127.0.0.1:{free_port()}/caunoi"  # nobody listens there
    store = open_store(stores, url)
    assert "pw-SECRET" not in store.location and "127.0.0.1" in store.location
    for call in (store.load, lambda: store.save(Tokens("AT-SECRET", "RT-SECRET", 1.0)),
                 lambda: store.seed("AT-SECRET", "RT-SECRET")):
        with pytest.raises(TokenStoreError) as info:
            call()
        assert "pw-SECRET" not in str(info.value) and "SECRET" not in str(info.value)
        assert TABLE in str(info.value)
    with pytest.raises(ValueError) as bad:
        SQLTokenStore("caunoi:pw-SECRET@db.example/caunoi", APP_ID)  # no scheme
    assert "pw-SECRET" not in str(bad.value)


# -- refreshing across processes ----------------------------------------------------------------------------


def run_replicas(url: str, api: ZaloAPI, count: int = 2) -> dict[str, tuple[str, Any]]:
    context = multiprocessing.get_context("spawn")  # fresh interpreters, nothing shared but the database
    start, results = context.Barrier(count), context.Queue()
    processes = [context.Process(target=zalo_replica.replica,
                                 args=(f"replica-{n}", url, api.url, APP_ID, APP_SECRET, USER, start, results))
                 for n in range(count)]
    for process in processes:
        process.start()
    try:
        found = {}
        for _ in processes:
            name, outcome, detail = results.get(timeout=120)
            found[name] = (outcome, detail)
        return found
    finally:
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.kill()
                process.join()


@pytest.mark.parametrize("expiry", ["known-expired", "rejected-by-zalo"])
def test_two_replicas_refresh_once(db_url: str, api: ZaloAPI, stores: list[SQLTokenStore], expiry: str) -> None:
    """Two replicas (separate processes) hold the same expired access token and send at the same moment.
    Zalo takes a while to answer the refresh, so a replica that did not wait for the database lock would
    spend the same refresh token and be refused (-14014). With the lock: one refresh, both sends go out,
    both replicas use the new pair."""
    store = open_store(stores, db_url)
    if expiry == "known-expired":
        store.seed(AT0, RT0, time.time() - 10)  # both replicas know the token is expired: they refresh first
    else:
        store.seed(AT0, RT0, time.time() + 90000)  # both believe it is good; Zalo answers -216 to it
        api.expire_access_token()
    api.fail_next(REFRESH_PATH, None, delay=REFRESH_DELAY_S, times=2)  # answer normally, but slowly

    results = run_replicas(db_url, api)

    assert {name: outcome for name, (outcome, _) in results.items()} == {"replica-0": "ok", "replica-1": "ok"}, \
        results
    assert api.refresh_count == 1
    assert [r.params["refresh_token"] for r in api.recorded(lambda r: r.path == REFRESH_PATH)] == [RT0]
    new = api.current_tokens
    assert store.load() == Tokens(new.access_token, new.refresh_token, pytest.approx(time.time() + 90000, abs=60))
    sent = api.sent_messages(USER)
    assert sorted(m["text"] for m in sent) == sorted(f"replica-{n}: {w}" for n in (0, 1) for w in ("một", "hai"))
    assert {m["access_token"] for m in sent} == {new.access_token}  # the same new pair in both replicas
    if expiry == "rejected-by-zalo":  # each replica tried the old token once, then never again
        tried = [r.headers["access_token"] for r in api.recorded(lambda r: r.path == MESSAGE_PATH)]
        assert tried.count(AT0) <= 2 and len(tried) == len(sent) + tried.count(AT0)


def test_two_workers_sharing_a_token_file_refresh_once(tmp_path: Path, api: ZaloAPI) -> None:
    """Without a shared database, the Sanic workers of one replica (CAUNOI_WORKERS) share the data folder's
    token file: its flock plays the database lock's part."""
    path = tmp_path / "zalo_tokens.json"
    store = TokenStore(path)
    store.seed(AT0, RT0, time.time() - 10)
    api.fail_next(REFRESH_PATH, None, delay=REFRESH_DELAY_S, times=2)
    results = run_replicas(str(path), api)
    assert {name: outcome for name, (outcome, _) in results.items()} == {"replica-0": "ok", "replica-1": "ok"}, \
        results
    assert api.refresh_count == 1
    new = api.current_tokens
    assert store.load() == Tokens(new.access_token, new.refresh_token, pytest.approx(time.time() + 90000, abs=60))
    assert {m["access_token"] for m in api.sent_messages(USER)} == {new.access_token}


def test_waiting_for_another_replica_keeps_the_event_loop_serving(
    db_url: str, api: ZaloAPI, stores: list[SQLTokenStore]
) -> None:
    """While another replica holds the lock (it is refreshing), this replica's client waits for it in a
    worker thread: other tasks on its event loop keep running. Then it uses the pair the other one stored."""
    open_store(stores, db_url).seed(AT0, RT0, time.time() - 10)
    other, mine = open_store(stores, db_url), open_store(stores, db_url)
    client = client_for(api, mine)
    ticks: list[float] = []

    async def ticker(until: asyncio.Event) -> None:
        while not until.is_set():
            ticks.append(time.monotonic())
            await asyncio.sleep(0.02)

    async def scenario() -> str:
        async with other.refreshing() as held:  # the other replica is refreshing
            assert await held.load() == Tokens(AT0, RT0, pytest.approx(time.time() - 10, abs=5))
            send = asyncio.create_task(client.send_text(USER, "chờ"))
            done = asyncio.Event()
            ticking = asyncio.create_task(ticker(done))
            await asyncio.sleep(0.5)
            assert not send.done()  # waiting for the lock,
            assert len(ticks) >= 10  # and the loop went on meanwhile
            async with httpx.AsyncClient() as http:  # the other replica's refresh, then its save
                answer = (await http.post(api.url + REFRESH_PATH, headers={"secret_key": APP_SECRET}, data={
                    "refresh_token": RT0, "app_id": APP_ID, "grant_type": "refresh_token"})).json()
            await held.save(Tokens(answer["access_token"], answer["refresh_token"], time.time() + 90000))
        message_id = await asyncio.wait_for(send, 30)
        done.set()
        await ticking
        await client.aclose()
        return message_id

    assert asyncio.run(scenario())
    assert api.refresh_count == 1  # the other replica's only
    [sent] = api.sent_messages(USER)
    assert sent["access_token"] == api.current_tokens.access_token


def test_a_cancelled_wait_does_not_leave_the_lock_held(db_url: str, stores: list[SQLTokenStore]) -> None:
    open_store(stores, db_url).seed(AT0, RT0, 0.0)
    first, second = open_store(stores, db_url), open_store(stores, db_url)

    async def scenario() -> None:
        async with first.refreshing():
            waiter = asyncio.create_task(second.refreshing().__aenter__())
            await asyncio.sleep(0.3)
            waiter.cancel()  # e.g. the server stops while a send waits for another replica
            with pytest.raises(asyncio.CancelledError):
                await waiter
        # the cancelled waiter got the lock after `first` let go, and gave it back: it can be taken again
        async with second.refreshing() as held:
            await held.save(Tokens("AT-after", "RT-after", 1.0))

    asyncio.run(asyncio.wait_for(scenario(), 60))
    assert first.load() == Tokens("AT-after", "RT-after", 1.0)


def test_no_token_appears_in_logs(db_url: str, api: ZaloAPI, stores: list[SQLTokenStore],
                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = open_store(stores, db_url)
    store.seed(AT0, RT0, 0.0)
    client = client_for(api, store)

    async def scenario() -> None:
        await client.send_text(USER, "một")  # refresh first
        api.expire_access_token()
        await client.send_text(USER, "hai")  # -216, refresh, retry
        await client.aclose()

    asyncio.run(scenario())
    assert api.refresh_count == 2 and "refresh" in caplog.text
    stored = store.load()
    assert stored is not None
    for token in (AT0, RT0, stored.access_token, stored.refresh_token):
        assert token not in caplog.text


# -- which store `caunoi run` uses ---------------------------------------------------------------------------


def _settings(root: Path, data_dir: Path, sections: dict[str, Any] | None = None) -> Settings:
    return Settings(root, root / "procedures_kb", data_dir, root / "models", Commune("x", "x", "x", "x", "x"), (),
                    sections or {})


def test_the_shared_store_is_picked_when_a_shared_database_is_configured(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("CAUNOI_STATUS_DB", "CAUNOI_TRACKER_DB"):
        monkeypatch.delenv(name, raising=False)
    status_url, tracker_url = f"sqlite:///{tmp_path / 'status.db'}", f"sqlite:///{tmp_path / 'trackers.db'}"
    plain = _settings(root, tmp_path)
    assert shared_db_url(plain) == ""
    store = open_token_store(plain, APP_ID)
    assert isinstance(store, TokenStore) and store.path == tmp_path / "zalo_tokens.json"  # as on one machine

    assert shared_db_url(_settings(root, tmp_path, {"scale": {"tracker_db": tracker_url}})) == tracker_url
    assert shared_db_url(_settings(root, tmp_path, {"status": {"db_url": status_url},
                                                    "scale": {"tracker_db": tracker_url}})) == status_url
    monkeypatch.setenv("CAUNOI_TRACKER_DB", tracker_url)
    assert shared_db_url(plain) == tracker_url
    monkeypatch.setenv("CAUNOI_STATUS_DB", status_url)
    assert shared_db_url(plain) == status_url  # the status database first
    store = open_token_store(plain, APP_ID)
    try:
        assert isinstance(store, SQLTokenStore) and str(tmp_path / "status.db") in store.location
    finally:
        store.close()


def test_the_zalo_channel_of_caunoi_run_uses_the_shared_store(
    db_url: str, api: ZaloAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ZaloInput.from_credentials (what Rasa calls in `caunoi run`) with CAUNOI_STATUS_DB set: the tokens
    go to the database, seeded from the token file this replica used before (newer than the environment)."""
    data_dir = tmp_path / "data"
    TokenStore(data_dir / "zalo_tokens.json").save(Tokens(AT0, RT0, 0.0))
    env = {"CAUNOI_DATA_DIR": str(data_dir), "CAUNOI_STATUS_DB": db_url, "ZALO_APP_ID": APP_ID,
           "ZALO_OA_SECRET_KEY": "oa-secret", "ZALO_APP_SECRET": APP_SECRET,
           "ZALO_ACCESS_TOKEN": "AT-env-spent", "ZALO_REFRESH_TOKEN": "RT-env-spent",
           "ZALO_OPENAPI_URL": api.url, "ZALO_OAUTH_URL": api.url}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CAUNOI_CONFIG", raising=False)
    load_settings.cache_clear()
    try:
        channel = ZaloInput.from_credentials(None)
    finally:
        load_settings.cache_clear()
    assert isinstance(channel, ZaloInput) and isinstance(channel.store, SQLTokenStore)
    try:
        assert channel.store.load() == Tokens(AT0, RT0, 0.0)

        async def send() -> None:
            await channel.get_output_channel().send_response(f"zalo:{USER}", {"text": "Chào bạn"})
            await channel.client.aclose()

        asyncio.run(send())
        assert api.texts(USER) == ["Chào bạn"] and api.refresh_count == 1
        new = api.current_tokens
        stored = SQLTokenStore(db_url, APP_ID)
        try:
            assert stored.load() == Tokens(new.access_token, new.refresh_token,
                                           pytest.approx(time.time() + 90000, abs=60))
        finally:
            stored.close()
    finally:
        channel.store.close()


def test_without_a_shared_database_the_channel_keeps_its_file(tmp_path: Path, api: ZaloAPI) -> None:
    config = ZaloConfig(APP_ID, "oa-secret", APP_SECRET, AT0, RT0, api.url, api.url)
    channel = ZaloInput(config, tmp_path)
    assert isinstance(channel.store, TokenStore) and channel.store.path == tmp_path / "zalo_tokens.json"
    assert channel.store.load() == Tokens(AT0, RT0, 0.0)
