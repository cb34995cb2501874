"""Scale-out: two `caunoi run` replicas behind a round-robin proxy, sharing a real PostgreSQL tracker
store and a real Redis lock store (bot/runtime/scale_config.py). Also the settings themselves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from bot.channels.rest.channel import conversation_id
from bot.runtime.chat import send
from bot.runtime.scale_config import ScaleConfig, lock_store_endpoint, scale_config, tracker_store_endpoint
from bot.runtime.supervisor import RunOptions, write_endpoints
from bot.settings import load_settings
from tests.support.assistant import RunningAssistant
from tests.support.paths import ROOT
from tests.support.proxy import RoundRobinProxy
from tests.support.replicas import kill, redis_server, start_replicas, stop_or_kill

REST = "/webhooks/rest/webhook"


# --- settings -------------------------------------------------------------------------------------------


def test_embedded_default_is_unchanged(tmp_path: Path) -> None:
    path = write_endpoints(ROOT, tmp_path, RunOptions(port=5999))
    endpoints = yaml.safe_load(path.read_text())
    assert endpoints["tracker_store"] == {
        "type": "bot.rasa_ext.tracker_store.CachedSQLTrackerStore", "dialect": "sqlite",
        "db": str((tmp_path / "trackers.db").resolve()), "exclusive": True,
    }
    assert "lock_store" not in endpoints


def test_shared_stores_in_the_endpoints(tmp_path: Path) -> None:
    scale = ScaleConfig(tracker_db="postgresql://bot:s%40cret@db.example:5433/caunoi",
                        lock_store="redis://:pw@redis.example:6380/3")
    path = write_endpoints(ROOT, tmp_path, RunOptions(port=5999), scale)
    endpoints = yaml.safe_load(path.read_text())
    assert endpoints["tracker_store"] == {
        "type": "bot.rasa_ext.tracker_store.CachedSQLTrackerStore", "dialect": "postgresql", "url": "db.example",
        "port": 5433, "db": "caunoi", "username": "bot", "password": "s@cret", "exclusive": False,
    }
    assert endpoints["lock_store"] == {"type": "redis", "url": "redis.example", "port": 6380, "db": 3,
                                       "key_prefix": "caunoi", "password": "pw"}
    assert path.stat().st_mode & 0o077 == 0, "passwords: readable by the owner only"


def test_workers_alone_share_the_sqlite_file(tmp_path: Path) -> None:
    scale = ScaleConfig(lock_store="redis://127.0.0.1:6379/0", workers=2)
    endpoints = yaml.safe_load(write_endpoints(ROOT, tmp_path, RunOptions(port=5999), scale).read_text())
    assert endpoints["tracker_store"]["dialect"] == "sqlite"
    assert endpoints["tracker_store"]["exclusive"] is False


def test_settings_environment_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "caunoi.yml"
    data = yaml.safe_load((ROOT / "caunoi.yml").read_text())
    data["scale"] = {"tracker_db": "postgresql://a@file-host/caunoi", "lock_store": "redis://file-redis:6379/1"}
    config.write_text(yaml.safe_dump(data, allow_unicode=True))
    monkeypatch.setenv("CAUNOI_CONFIG", str(config))
    for name in ("CAUNOI_TRACKER_DB", "CAUNOI_LOCK_STORE", "CAUNOI_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CAUNOI_LOCK_STORE", "redis://env-redis:6379/2")
    load_settings.cache_clear()
    try:
        scale = scale_config(load_settings())
    finally:
        load_settings.cache_clear()
    assert scale.tracker_db == "postgresql://a@file-host/caunoi"
    assert scale.lock_store == "redis://env-redis:6379/2"
    assert scale.workers == 1 and scale.shared


@pytest.mark.parametrize("url", ["postgres-db:5432", "postgresql://host", "nosuchdb://u@h/db"])
def test_bad_tracker_urls(url: str) -> None:
    with pytest.raises(ValueError, match="CAUNOI_TRACKER_DB"):
        tracker_store_endpoint(url)


@pytest.mark.parametrize("url", ["localhost:6379", "http://redis:6379/0", "redis://h:port/0", "redis://h/x"])
def test_bad_lock_store_urls(url: str) -> None:
    with pytest.raises(ValueError, match="CAUNOI_LOCK_STORE"):
        lock_store_endpoint(url)


@pytest.mark.parametrize("env, message", [
    ({"CAUNOI_TRACKER_DB": "postgresql://bot:hunter2@/"}, "CAUNOI_TRACKER_DB"),
    ({"CAUNOI_LOCK_STORE": "memcached://x"}, "CAUNOI_LOCK_STORE"),
    ({"CAUNOI_WORKERS": "3"}, "needs the Redis lock store"),
])
def test_run_refuses_bad_settings(trained_model: Path, tmp_path: Path, env: dict, message: str) -> None:
    from bot.runtime.chat import free_port

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CAUNOI_TRACKER", "CAUNOI_LOCK", "CAUNOI_WOR"))}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--port", str(free_port()), "--actions-port", str(free_port())],
        cwd=ROOT, env={**clean, "CAUNOI_DATA_DIR": str(tmp_path), **env}, capture_output=True, text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert "hunter2" not in done.stderr


# --- two replicas, PostgreSQL and Redis -------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_url():
    """A real Redis server on loopback; skipped, loudly, when it cannot start (CAUNOI_REQUIRE_REDIS=1: fail)."""
    yield from redis_server()


class Cluster:
    def __init__(self, tracker_db: str, replicas: list[RunningAssistant], proxy: RoundRobinProxy) -> None:
        self.tracker_db = tracker_db
        self.replicas = replicas
        self.proxy = proxy
        self.url = proxy.url + REST

    def events(self, sender: str) -> list[dict]:
        """The stored events of a REST caller's conversation (its id is `rest:<sender>`)."""
        engine = sa.create_engine(self.tracker_db)
        try:
            with engine.connect() as conn:
                rows = conn.execute(sa.text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
                                    {"s": conversation_id(sender)}).all()
        finally:
            engine.dispose()
        return [{"type": type_name, **json.loads(data)} for type_name, data in rows]


@pytest.fixture(scope="module")
def cluster(trained_model: Path, postgres_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory):
    from tests.support.pg import new_database

    tracker_db = new_database(postgres_url)
    env = {"CAUNOI_TRACKER_DB": tracker_db, "CAUNOI_LOCK_STORE": redis_url, "CAUNOI_KIOSK": "0"}
    replicas = start_replicas([tmp_path_factory.mktemp(f"replica-{n}") for n in "ab"], env)
    proxy = RoundRobinProxy([f"http://127.0.0.1:{r.port}" for r in replicas]).start()
    yield Cluster(tracker_db, replicas, proxy)
    proxy.stop()
    for running in replicas:
        stop_or_kill(running)


def _custom(messages: list[dict]) -> dict:
    [custom] = [m["custom"] for m in messages if "custom" in m]
    return custom


def _sender() -> str:
    return f"scale-{uuid.uuid4().hex[:10]}"


def test_tickets_taken_at_the_same_instant_by_many_servers_are_all_different(redis_url: str) -> None:
    """Rasa's RedisLockStore took tickets by get → modify → set; bot/rasa_ext/patches/redis_tickets.py makes
    it atomic."""
    from urllib.parse import urlparse

    from rasa.core.lock_store import RedisLockStore

    from bot.rasa_ext import patches

    where = urlparse(redis_url)
    stores = [RedisLockStore(host=where.hostname, port=where.port, key_prefix="ticket-test") for _ in range(8)]
    conversation = _sender()
    with patches.applied("redis_tickets"), ThreadPoolExecutor(len(stores)) as pool:  # a "server" per thread
        tickets = list(pool.map(lambda store: [store.issue_ticket(conversation) for _ in range(25)], stores))
    issued = [t for batch in tickets for t in batch]
    assert len(set(issued)) == len(issued) == 200
    lock = stores[0].get_lock(conversation)
    assert lock is not None and len(lock.tickets) == 200


def test_conversation_alternates_between_replicas(cluster: Cluster) -> None:
    sender = _sender()
    before = dict(cluster.proxy.counts)
    turns = [("làm giấy khai sinh cần gì", ("khai_sinh", "documents")),
             ("mất bao lâu", ("khai_sinh", "time")),
             ("thế còn kết hôn?", ("ket_hon", "time"))]
    for text, expected in turns:
        custom = _custom(send(cluster.url, sender, text))
        assert (custom["procedure_id"], custom["topic"]) == expected, text
    served = {b: cluster.proxy.counts[b] - before[b] for b in before}
    assert sorted(served.values()) == [1, 2], f"each replica answered part of it: {served}"
    replica_logs = "".join(r.output() for r in cluster.replicas)
    assert "Traceback" not in replica_logs, replica_logs[-4000:]


def _segments(events: list[dict]) -> list[list[dict]]:
    """The events of each user turn: from a `user` event up to the next one."""
    segments: list[list[dict]] = []
    for event in events:
        if event["type"] == "user":
            segments.append([event])
        elif segments:
            segments[-1].append(event)
    return segments


def test_concurrent_messages_of_one_user_are_processed_in_order(cluster: Cluster) -> None:
    sender = _sender()
    messages = ["làm giấy khai sinh cho con cần gì", "mất bao lâu", "có mất tiền không",
                "thế còn kết hôn?", "lam can cuoc o dau", "cảm ơn"]
    with ThreadPoolExecutor(len(messages)) as pool:
        replies = list(pool.map(lambda text: send(cluster.url, sender, text, timeout=120), messages))
    for text, reply in zip(messages, replies, strict=True):
        assert _custom(reply)["topic"], f"{text!r} got no answer: {reply}"
    segments = _segments(cluster.events(sender))
    assert sorted(s[0]["text"] for s in segments) == sorted(messages), "each message stored once"
    for segment in segments:
        kinds = [e["type"] for e in segment]
        assert "user" not in kinds[1:]
        assert "bot" in kinds, f"{segment[0]['text']!r}: no answer stored before the next message: {kinds}"
        last = segment[-1]
        assert (last["type"], last.get("name")) == ("action", "action_listen"), (
            f"{segment[0]['text']!r}: the turn did not finish before the next began: {kinds}")
        # A turn's events come from one replica's processing: its prediction acted on its own message.
        actions = [e.get("name") for e in segment if e["type"] == "action"]
        assert actions[-1] == "action_listen" and len(actions) >= 2, kinds


def test_killing_a_replica_loses_no_conversation(cluster: Cluster) -> None:
    """Last in this module: replica b stays dead."""
    survivor, victim = cluster.replicas
    sender = _sender()
    custom = _custom(send(survivor.url, sender, "làm giấy khai sinh cần gì"))
    assert custom["procedure_id"] == "khai_sinh"
    custom = _custom(send(victim.url, sender, "có mất tiền không"))
    assert (custom["procedure_id"], custom["topic"]) == ("khai_sinh", "fee")
    kill(victim)
    # Through the proxy: the dead replica refuses, the survivor answers with the conversation's context.
    for _ in range(2):
        custom = _custom(send(cluster.url, sender, "mất bao lâu"))
        assert (custom["procedure_id"], custom["topic"]) == ("khai_sinh", "time")
    custom = _custom(send(cluster.url, sender, "thế còn kết hôn?"))
    assert (custom["procedure_id"], custom["topic"]) == ("ket_hon", "time")
    kinds = [e["type"] for e in cluster.events(sender)]
    assert kinds.count("user") == 5
