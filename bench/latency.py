"""REST turn latency and throughput at 1, 10 and 50 concurrent conversations; cold start to the
first answer; resident memory of every process of `caunoi run`.

Run: `.venv/bin/python bench/latency.py [--turns 20]` (the model must be trained: `make train`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.runtime.chat import free_port  # noqa: E402

QUESTIONS = [
    "làm giấy khai sinh cho con cần gì", "mất bao lâu", "có mất tiền không", "thế còn kết hôn?",
    "lam can cuoc o dau", "đk tạm trú online dc ko", "cho tôi nói chuyện với cán bộ",
    "ho ngheo can giay to gi", "cảm ơn",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def tree_rss_mb(pid: int) -> float:
    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20


def tree_cpu_s(pid: int) -> float:
    process = psutil.Process(pid)
    total = 0.0
    for p in [process, *process.children(recursive=True)]:
        times = p.cpu_times()
        total += times.user + times.system
    return total


async def conversation(session: aiohttp.ClientSession, url: str, sender: str, turns: int,
                       latencies: list[float], errors: list[str]) -> None:
    for i in range(turns):
        await timed_turn(session, url, sender, QUESTIONS[i % len(QUESTIONS)], latencies, errors)


async def timed_turn(session: aiohttp.ClientSession, url: str, sender: str, message: str,
                     latencies: list[float], errors: list[str]) -> None:
    """One REST turn: its latency in ms; an error unless HTTP 200 with a reply carrying `custom`."""
    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": message}) as response:
            data = await response.json(content_type=None)
            if response.status != 200:
                errors.append(f"HTTP {response.status}")
            elif not any("custom" in m for m in data):
                errors.append("no custom message")
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
        errors.append(type(exc).__name__)
    latencies.append((time.perf_counter() - start) * 1000)


async def load(url: str, concurrency: int, turns: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        start = time.perf_counter()
        await asyncio.gather(*(
            conversation(session, url, f"bench-{concurrency}-{i}-{time.time_ns()}", turns, latencies, errors)
            for i in range(concurrency)
        ))
        elapsed = time.perf_counter() - start
    return {
        "concurrency": concurrency, "requests": len(latencies), "errors": len(errors),
        "p50_ms": round(statistics.median(latencies), 1), "p95_ms": round(percentile(latencies, 0.95), 1),
        "throughput_rps": round(len(latencies) / elapsed, 1),
    }


def cold_start(port: int, actions_port: int, data_dir: str) -> tuple[subprocess.Popen, float]:
    import urllib.request

    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--port", str(port), "--actions-port", str(actions_port)],
        cwd=ROOT, env={**os.environ, "CAUNOI_DATA_DIR": data_dir},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    body = json.dumps({"sender": "cold", "message": "làm căn cước cần gì"}).encode()
    while time.perf_counter() - start < 180:
        try:
            request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=5) as response:
                if any("custom" in m for m in json.loads(response.read())):
                    return process, time.perf_counter() - start
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the assistant did not answer within 180 s")


def machine_speed_ms() -> float:
    """A fixed pure-Python loop: this shared VM's speed drifts by ±20 %, so runs can be compared."""
    start = time.perf_counter()
    total = 0
    for i in range(10**7):
        total += i
    return round((time.perf_counter() - start) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=20, help="messages per conversation")
    args = parser.parse_args()
    port, actions_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        process, seconds = cold_start(port, actions_port, data_dir)
        try:
            idle_mb = tree_rss_mb(process.pid)
            url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
            asyncio.run(load(url, 5, 5))  # warm-up
            results = []
            for concurrency in (1, 10, 50):
                cpu_before = tree_cpu_s(process.pid)
                result = asyncio.run(load(url, concurrency, args.turns))
                # CPU the assistant's processes spent per turn: steadier than wall-clock figures
                # on a shared machine.
                result["server_cpu_ms_per_turn"] = round(
                    (tree_cpu_s(process.pid) - cpu_before) * 1000 / result["requests"], 1
                )
                results.append(result)
            busy_mb = tree_rss_mb(process.pid)
        finally:
            process.terminate()
            process.wait(60)
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"{round(psutil.virtual_memory().total / 2**30)} GiB, Python {platform.python_version()}",
        "reference_loop_ms": machine_speed_ms(),
        "cold_start_to_first_answer_s": round(seconds, 1),
        "rss_all_processes_mb": {"idle": round(idle_mb), "after_load": round(busy_mb)},
        "load": results,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
