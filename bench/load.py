"""Load at 50 and 200 concurrent conversations, each a loop of realistic questions for a bounded time,
against three set-ups:

  embedded       one `caunoi run`, the commune default (SQLite in its data folder, in-memory locks)
  one_replica    one `caunoi run` on the shared stores (PostgreSQL tracker store, Redis lock store)
  two_replicas   two `caunoi run` on the shared stores behind a round-robin proxy (tests/support/proxy.py)

PostgreSQL and Redis are throwaway local servers, started like the tests' (tests/support/pg.py,
tests/support/redis_server.py). Reports p50/p95 turn latency, throughput, errors and the resident memory
of every process (replicas with their action servers, PostgreSQL, Redis) as JSON.

Run: `.venv/bin/python bench/load.py [--seconds 20] [--setups embedded,one_replica,two_replicas]`
(the model must be trained: `make train`; PostgreSQL and Redis: `make test-tools`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from latency import QUESTIONS, percentile, timed_turn, tree_cpu_s, tree_rss_mb  # noqa: E402

from bot.runtime.environment import apply_quiet_env  # noqa: E402
from tests.conftest import RunningAssistant, start_assistant  # noqa: E402
from tests.support.proxy import RoundRobinProxy  # noqa: E402

REST = "/webhooks/rest/webhook"
SETUPS = ("embedded", "one_replica", "two_replicas")


async def conversation(session: aiohttp.ClientSession, url: str, sender: str, deadline: float,
                       latencies: list[float], errors: list[str], offset: int) -> None:
    """One user asking QUESTIONS in a loop until the deadline (each conversation starts elsewhere in it)."""
    i = offset
    while time.perf_counter() < deadline:
        await timed_turn(session, url, sender, QUESTIONS[i % len(QUESTIONS)], latencies, errors)
        i += 1


async def load(url: str, concurrency: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:
        start = time.perf_counter()
        deadline = start + seconds
        stamp = time.time_ns()
        await asyncio.gather(*(
            conversation(session, url, f"load-{concurrency}-{i}-{stamp}", deadline, latencies, errors, i)
            for i in range(concurrency)
        ))
        elapsed = time.perf_counter() - start
    return {
        "concurrency": concurrency, "seconds": round(elapsed, 1), "requests": len(latencies),
        "errors": len(errors), "error_kinds": sorted(set(errors)),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
        "throughput_rps": round(len(latencies) / elapsed, 1),
    }


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            process = psutil.Process(pid)
            total += sum(p.memory_info().rss for p in [process, *process.children(recursive=True)])
        except psutil.NoSuchProcess:
            pass
    return round(total / 2**20)


def _postmaster_pid(server: object) -> int | None:
    try:
        return int((server.data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def run_setup(name: str, levels: list[int], seconds: float, shared: dict[str, object], stack: ExitStack,
              keep_logs: Path | None = None) -> dict:
    """Start the set-up's replicas, warm up, run each level, stop them (their logs copied to `keep_logs`)."""
    env = {"CAUNOI_KIOSK": "0"}
    replicas_n = 2 if name == "two_replicas" else 1
    if name != "embedded":
        from tests.support.pg import new_database

        env |= {"CAUNOI_TRACKER_DB": new_database(shared["postgres_url"]), "CAUNOI_LOCK_STORE": shared["redis_url"]}
    else:
        env |= {"CAUNOI_TRACKER_DB": "", "CAUNOI_LOCK_STORE": ""}
    replicas: list[RunningAssistant] = []
    with ExitStack() as local:
        for n in range(replicas_n):
            data_dir = Path(local.enter_context(tempfile.TemporaryDirectory(prefix=f"caunoi-load-{name}-{n}-")))
            running = start_assistant(data_dir, env)
            if keep_logs is not None:  # runs after the stop below (callbacks unwind in reverse)
                local.callback(shutil.copy, running.log, keep_logs / f"{name}-replica{n}.log")
            local.callback(running.stop)
            replicas.append(running)
        if replicas_n > 1:
            proxy = local.enter_context(RoundRobinProxy([f"http://127.0.0.1:{r.port}" for r in replicas]))
            url = proxy.url + REST
        else:
            url = replicas[0].url
        pids = [r.process.pid for r in replicas]
        store_pids = [p for p in (shared.get("postgres_pid"), shared.get("redis_pid")) if p and name != "embedded"]
        asyncio.run(load(url, 10, 3))  # warm-up
        result = {"setup": name, "replicas": replicas_n, "rss_mb_idle": {
            "replicas": _rss_mb(pids), "postgres_redis": _rss_mb(store_pids)}, "levels": []}
        for concurrency in levels:
            cpu_before = sum(tree_cpu_s(p) for p in pids)
            level = asyncio.run(load(url, concurrency, seconds))
            level["replica_cpu_ms_per_turn"] = round(
                (sum(tree_cpu_s(p) for p in pids) - cpu_before) * 1000 / max(1, level["requests"]), 1)
            level["rss_mb_after"] = {"replicas": _rss_mb(pids), "postgres_redis": _rss_mb(store_pids),
                                     "per_replica": [round(tree_rss_mb(p)) for p in pids]}
            result["levels"].append(level)
            print(json.dumps({"setup": name, **level}, ensure_ascii=False), file=sys.stderr, flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20, help="length of each load level")
    parser.add_argument("--levels", default="50,200", help="concurrent conversations, comma-separated")
    parser.add_argument("--setups", default=",".join(SETUPS), help=f"any of {', '.join(SETUPS)}")
    parser.add_argument("--keep-logs", type=Path, help="copy every replica's log into this folder")
    args = parser.parse_args()
    if args.keep_logs:
        args.keep_logs.mkdir(parents=True, exist_ok=True)
    apply_quiet_env()
    levels = [int(x) for x in args.levels.split(",")]
    setups = [s for s in args.setups.split(",") if s]
    unknown = set(setups) - set(SETUPS)
    if unknown:
        parser.error(f"unknown set-up: {', '.join(sorted(unknown))}")
    shared: dict[str, object] = {}
    results = []
    with ExitStack() as stack:
        if any(s != "embedded" for s in setups):
            from tests.support.pg import PostgresServer
            from tests.support.redis_server import RedisServer

            postgres = PostgresServer()
            stack.callback(postgres.stop)
            shared["postgres_url"] = postgres.start()
            shared["postgres_pid"] = _postmaster_pid(postgres)
            redis = RedisServer()
            stack.callback(redis.stop)
            shared["redis_url"] = redis.start()
            shared["redis_pid"] = redis.process.pid
        for name in setups:
            results.append(run_setup(name, levels, args.seconds, shared, stack, args.keep_logs))
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"{round(psutil.virtual_memory().total / 2**30)} GiB, Python {platform.python_version()}",
        "note": "load generator, proxy, replicas, PostgreSQL and Redis all share this machine",
        "seconds_per_level": args.seconds,
        "results": results,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
