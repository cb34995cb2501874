"""The staff console: how long its pages take, and whether it slows the assistant for the people using it.

Three rounds, alternated `--rounds` times on fresh servers: the console switched off (CAUNOI_CONSOLE=0), on
with accounts but nobody using it, and on with a staff member clicking through pages without pause (the
report of the last 30 days, health, a file lookup, a card) while people talk to the assistant. For each:
REST p95 at 10 conversations and the server's CPU per turn (bench/latency.py's measures).

Run: `.venv/bin/python bench/console.py [--rounds 2] [--turns 20]` (the model must be trained).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.latency import cold_start, load, machine_speed_ms, percentile, tree_cpu_s  # noqa: E402
from bot.runtime.chat import free_port  # noqa: E402

PASSWORD = "bench-mat-khau-1"
CODE = "H12.22-251103-0042"
CSV = ("ma_ho_so,thu_tuc,ho_ten,so_dien_thoai,ngay_nhan,ngay_hen_tra,trang_thai\n"
       f"{CODE},khai_sinh,Nguyen Thi Hoa,0912345678,03/11/2025,20/11/2025,dang_xu_ly\n")
PAGES = ["/", "/status", "/report", "/health", "/cards/khai_sinh", "/languages"]
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_admin(data_dir: str) -> None:
    subprocess.run([sys.executable, "-m", "bot.cli", "staff", "add", "bench", "--role", "admin"], cwd=ROOT,
                   env={**os.environ, "CAUNOI_DATA_DIR": data_dir}, input=PASSWORD + "\n", text=True, check=True,
                   capture_output=True)


async def log_in(session: aiohttp.ClientSession, base: str) -> str:
    async with session.get(f"{base}/login") as page:
        token = CSRF.search(await page.text()).group(1)
    async with session.post(f"{base}/login", data={"csrf": token, "name": "bench", "password": PASSWORD}) as done:
        assert done.status == 200, done.status  # followed the redirect to the home page
        return CSRF.search(await done.text()).group(1)


async def timed(session: aiohttp.ClientSession, method: str, url: str, **kwargs) -> float:
    start = time.perf_counter()
    async with session.request(method, url, **kwargs) as answer:
        await answer.read()
        assert answer.status == 200, (url, answer.status)
    return (time.perf_counter() - start) * 1000


async def page_times(base: str, times: int) -> dict[str, dict[str, float]]:
    # unsafe: aiohttp keeps no cookies for an IP address (127.0.0.1) otherwise
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120),
                                     cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        start = time.perf_counter()
        csrf = await log_in(session, base)
        login_ms = (time.perf_counter() - start) * 1000
        form = aiohttp.FormData({"csrf": csrf})
        form.add_field("file", CSV.encode(), filename="export.csv", content_type="text/csv")
        await timed(session, "POST", f"{base}/status/upload", data=form)
        found: dict[str, list[float]] = {p: [] for p in [*PAGES, "lookup"]}
        for _ in range(times):
            for path in PAGES:
                found[path].append(await timed(session, "GET", base + path))
            found["lookup"].append(await timed(session, "POST", f"{base}/status/lookup",
                                               data={"csrf": csrf, "code": CODE}))
    result = {p: {"p50_ms": round(statistics.median(v), 1), "p95_ms": round(percentile(v, 0.95), 1)}
              for p, v in found.items()}
    result["login (argon2)"] = {"p50_ms": round(login_ms, 1), "p95_ms": round(login_ms, 1)}
    return result


async def busy_staff(base: str, stop: asyncio.Event) -> int:
    clicks = 0
    # unsafe: aiohttp keeps no cookies for an IP address (127.0.0.1) otherwise
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120),
                                     cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        csrf = await log_in(session, base)
        while not stop.is_set():
            for path in ("/report", "/health", "/cards/khai_sinh"):
                await timed(session, "GET", base + path)
            await timed(session, "POST", f"{base}/status/lookup", data={"csrf": csrf, "code": CODE})
            clicks += 4
    return clicks


async def rest_with_staff(url: str, base: str, turns: int) -> dict:
    stop = asyncio.Event()
    staff = asyncio.create_task(busy_staff(base, stop))
    await asyncio.sleep(1)
    result = await load(url, 10, turns)
    stop.set()
    result["staff_requests"] = await staff
    return result


def one_round(mode: str, turns: int) -> dict:
    port, actions_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        if mode != "off":
            add_admin(data_dir)
        env_before = os.environ.get("CAUNOI_CONSOLE")
        os.environ["CAUNOI_CONSOLE"] = "0" if mode == "off" else "1"
        try:
            process, _ = cold_start(port, actions_port, data_dir)
        finally:
            os.environ.pop("CAUNOI_CONSOLE") if env_before is None else os.environ.update(CAUNOI_CONSOLE=env_before)
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        base = f"http://127.0.0.1:{port}/console"
        try:
            asyncio.run(load(url, 5, 5))  # warm-up, and conversations for the report
            pages = asyncio.run(page_times(base, 10)) if mode != "off" else None
            cpu_before = tree_cpu_s(process.pid)
            result = asyncio.run(rest_with_staff(url, base, turns) if mode == "busy" else load(url, 10, turns))
            result["server_cpu_ms_per_turn"] = round(
                (tree_cpu_s(process.pid) - cpu_before) * 1000 / result["requests"], 1)
        finally:
            process.terminate()
            process.wait(60)
    return {"mode": mode, "rest_10": result, **({"pages": pages} if pages else {})}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--turns", type=int, default=20)
    args = parser.parse_args()
    loops = [machine_speed_ms()]
    runs = []
    for _ in range(args.rounds):
        for mode in ("off", "idle", "busy"):
            runs.append(one_round(mode, args.turns))
        loops.append(machine_speed_ms())
    print(json.dumps({"reference_loop_ms": loops, "runs": runs}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
