"""Stock Rasa 3.6 and Cầu Nối side by side, in one run on one machine, under the same REST load: cold
start, p95 at 10 concurrent conversations, server CPU per turn and resident memory, raw and as ratios
(Cầu Nối / stock). This machine's speed drifts up to threefold between days; a ratio measured within
one run does not.

Stock Rasa is bench/stock_rasa_config.yml (default pipeline and default policies) trained with plain
`rasa train` on the same domain.yml, nlu/ and stories/ (once, cached in bench/.models/ under a
fingerprint of its inputs), served by plain `rasa run` (REST channel, SQLite tracker store) and
`rasa run actions` with the project's action code.

Run: `.venv/bin/python bench/stock_compare.py [--turns 20] [--rounds 1] [--json]`.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(1, str(ROOT))
# The same load and yardsticks as bench/latency.py: its conversation (diacritics, none, teencode,
# follow-ups, timed per turn), percentile and reference loop.
from latency import conversation, free_port, machine_speed_ms, percentile  # noqa: E402

BIN = ROOT / ".venv" / "bin"
PYTHON, RASA = BIN / "python", BIN / "rasa"
STOCK_DIR = ROOT / "bench" / ".models"
STOCK_CONFIG = ROOT / "bench" / "stock_rasa_config.yml"
STOCK_NAME = "stock_full"  # bench/nlu_eval.py's NLU-only stock model is "stock"
STOCK_INPUTS = ("bench/stock_rasa_config.yml", "domain.yml", "nlu", "stories")
CONCURRENCY = 10
COLD_MESSAGE = "làm căn cước cần gì"
ENV = {
    **os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}


def _tree(pids: list[int]) -> list[psutil.Process]:
    processes = []
    for pid in pids:
        try:
            root = psutil.Process(pid)
            processes += [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            pass
    return processes


def tree_rss_mb(pids: list[int]) -> float:
    total = 0
    for p in _tree(pids):
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 2**20


def tree_cpu_s(pids: list[int]) -> float:
    total = 0.0
    for p in _tree(pids):
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


class Children:
    """Processes of one system. Each starts a session of its own so that its whole group can be
    stopped; `caunoi run` starts its servers in sessions of their own too, so every descendant seen
    is remembered and killed if it outlives the grace period."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.processes: list[subprocess.Popen] = []

    def start(self, name: str, command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen:
        with open(self.logs / f"{name}.log", "wb") as log:
            process = subprocess.Popen([str(c) for c in command], cwd=cwd, env=env, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def check_alive(self) -> None:
        for process in self.processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[:3]} exited with {process.returncode}\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(
            f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
            for log in sorted(self.logs.glob("*.log"))
        )

    def stop(self, grace_s: float = 30) -> None:
        tree = _tree([p.pid for p in self.processes if p.poll() is None])
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace_s
        for process in self.processes:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        for p in tree:  # psutil checks the start time: a reused pid is not killed
            try:
                if p.is_running():
                    p.kill()
            except psutil.NoSuchProcess:
                pass
        self.processes.clear()


async def load(url: str, concurrency: int, turns: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        start = time.perf_counter()
        # Bounded as a whole too: 60 s per request would allow hours.
        await asyncio.wait_for(asyncio.gather(*(
            conversation(session, url, f"bench-{concurrency}-{i}-{time.time_ns()}", turns, latencies, errors)
            for i in range(concurrency)
        )), timeout=1800)
        elapsed = time.perf_counter() - start
    return {
        "concurrency": concurrency, "requests": len(latencies), "errors": len(errors),
        "error_kinds": dict(Counter(errors)), "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1), "throughput_rps": round(len(latencies) / elapsed, 1),
    }


def wait_first_answer(children: Children, port: int, start: float, limit_s: float) -> float:
    """Seconds from `start` to the first HTTP 200 whose reply carries `custom`."""
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    body = json.dumps({"sender": "cold", "message": COLD_MESSAGE}).encode()
    while time.perf_counter() - start < limit_s:
        children.check_alive()
        try:
            request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as response:
                if any("custom" in m for m in json.loads(response.read())):
                    return time.perf_counter() - start
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no answer within {limit_s:.0f} s\n{children.log_tail()}")


def measure(children: Children, port: int, cold_s: float, turns: int) -> dict[str, Any]:
    """The same load for both systems: a warm-up (TensorFlow builds its graphs on the first calls),
    then 10 conversations at once, with the CPU of every process of the system."""
    idle_mb = tree_rss_mb(children.pids)
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    warmup = asyncio.run(load(url, 5, 5))
    cpu_before = tree_cpu_s(children.pids)
    result = asyncio.run(load(url, CONCURRENCY, turns))
    # CPU per turn: steadier than wall-clock figures on a shared machine.
    result["server_cpu_ms_per_turn"] = round((tree_cpu_s(children.pids) - cpu_before) * 1000 / result["requests"], 1)
    children.check_alive()
    return {
        "cold_start_s": round(cold_s, 1), "rss_idle_mb": round(idle_mb),
        "rss_after_load_mb": round(tree_rss_mb(children.pids)), "warmup_errors": warmup["errors"], "load": result,
    }


def run_caunoi(work: Path, turns: int) -> dict[str, Any]:
    data_dir, logs = work / "caunoi-data", work / "caunoi-logs"
    data_dir.mkdir()
    logs.mkdir()
    children = Children(logs)
    port, actions_port = free_port(), free_port()
    try:
        start = time.perf_counter()
        children.start("caunoi", [PYTHON, "-m", "bot.cli", "run", "--port", str(port), "--actions-port",
                                  str(actions_port)], ROOT, {**ENV, "CAUNOI_DATA_DIR": str(data_dir)})
        cold_s = wait_first_answer(children, port, start, 180)
        return measure(children, port, cold_s, turns)
    finally:
        children.stop()


def actions_module() -> str:
    """Where ActionAnswer lives now (`bot.actions` when this was written; the package may move)."""
    for path in sorted((ROOT / "bot").rglob("*.py")):
        if "class ActionAnswer(" in path.read_text(encoding="utf-8", errors="replace"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    raise RuntimeError("class ActionAnswer not found under bot/")


def run_stock(work: Path, model: Path, turns: int) -> dict[str, Any]:
    data_dir, logs = work / "stock-data", work / "stock-logs"
    data_dir.mkdir()
    logs.mkdir()
    port, actions_port = free_port(), free_port()
    # JSON is YAML: Rasa reads these files as written. Stock SQL tracker store on SQLite; the action
    # endpoint with Rasa's defaults (whole domain and history sent with each call).
    endpoints, credentials = data_dir / "endpoints.yml", data_dir / "credentials.yml"
    endpoints.write_text(json.dumps({
        "action_endpoint": {"url": f"http://127.0.0.1:{actions_port}/webhook"},
        "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(data_dir / "trackers.db")},
    }))
    credentials.write_text(json.dumps({"rest": None}))
    children = Children(logs)
    try:
        start = time.perf_counter()
        # The action code reads the project's settings and keeps its status database in CAUNOI_DATA_DIR.
        actions_env = {**ENV, "SANIC_HOST": "127.0.0.1", "CAUNOI_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
        children.start("actions", [RASA, "run", "actions", "--actions", actions_module(), "--port", str(actions_port)],
                       ROOT, actions_env)
        children.start("rasa", [RASA, "run", "--model", model, "--endpoints", endpoints, "--credentials", credentials,
                                "--interface", "127.0.0.1", "--port", str(port)], data_dir, ENV)
        cold_s = wait_first_answer(children, port, start, 600)
        return measure(children, port, cold_s, turns)
    finally:
        children.stop()


def stock_fingerprint() -> str:
    digest = hashlib.sha256(f"rasa {metadata.version('rasa')}".encode())
    for name in STOCK_INPUTS:
        path = ROOT / name
        for file in sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def run_logged(command: list[str | Path], log: Path, limit_s: float) -> None:
    """A child in its own process group, killed with its group when it fails or runs too long."""
    children = Children(log.parent)
    try:
        process = children.start(log.stem, command, ROOT, ENV)
        process.wait(limit_s)
        if process.returncode:
            raise RuntimeError(f"{command[:4]} failed ({process.returncode}); see {log}")
    finally:
        children.stop()


def stock_model() -> tuple[Path, dict[str, Any]]:
    """The stock model, trained with plain `rasa train` unless its inputs are unchanged."""
    STOCK_DIR.mkdir(parents=True, exist_ok=True)
    model, stamp = STOCK_DIR / f"{STOCK_NAME}.tar.gz", STOCK_DIR / f"{STOCK_NAME}.fingerprint.json"
    key = stock_fingerprint()
    if model.exists() and stamp.exists():
        info = json.loads(stamp.read_text())
        if info.get("fingerprint") == key:
            return model, info
    print("Training stock Rasa (DIET, TED and UnexpecTED at default epochs; minutes on 2 cores)…",
          file=sys.stderr, flush=True)
    start = time.perf_counter()
    # --force: train every component again, no reuse of Rasa's cache, so the time is the real one.
    run_logged([RASA, "train", "--config", STOCK_CONFIG, "--domain", "domain.yml", "--data", "nlu", "stories",
                "--out", STOCK_DIR, "--fixed-model-name", STOCK_NAME, "--force"],
               STOCK_DIR / f"{STOCK_NAME}.train.log", 3 * 3600)
    info = {"fingerprint": key, "train_s": round(time.perf_counter() - start), "epochs": "default (100)",
            "trained": time.strftime("%Y-%m-%d %H:%M")}
    stamp.write_text(json.dumps(info))
    return model, info


# The compared figures: name, label in the table, how to read it from one system's result. CPU and
# memory are summed over every process of the system (servers, action server, supervisor).
FIGURES: list[tuple[str, str, Callable[[dict[str, Any]], float]]] = [
    ("cold_start_s", "cold start to first answer (s)", lambda s: s["cold_start_s"]),
    ("p50_ms", f"p50 at {CONCURRENCY} conversations (ms)", lambda s: s["load"]["p50_ms"]),
    ("p95_ms", f"p95 at {CONCURRENCY} conversations (ms)", lambda s: s["load"]["p95_ms"]),
    ("throughput_rps", "throughput (req/s)", lambda s: s["load"]["throughput_rps"]),
    ("server_cpu_ms_per_turn", "server CPU per turn (ms)", lambda s: s["load"]["server_cpu_ms_per_turn"]),
    ("rss_idle_mb", "resident memory idle, all processes (MB)", lambda s: s["rss_idle_mb"]),
    ("rss_after_load_mb", "resident memory after load (MB)", lambda s: s["rss_after_load_mb"]),
]
SYSTEMS = ("stock", "caunoi")


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def median_ratio(pairs: list[tuple[float, float]]) -> float | None:
    ratios = [ours / stock for ours, stock in pairs if stock]
    return median(ratios) if ratios else None


def report(rounds: list[dict[str, Any]], reference: list[float], stock_info: dict[str, Any],
           turns: int) -> dict[str, Any]:
    """Medians over the rounds; each ratio is the median of the rounds' own ratios (both systems of a
    round ran minutes apart, so a round's ratio is the least touched by the machine's drift)."""
    return {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {round(psutil.virtual_memory().total / 2**30)} GiB, "
                   f"Python {platform.python_version()}, Rasa {metadata.version('rasa')}, "
                   f"rasa-sdk {metadata.version('rasa-sdk')}",
        "reference_loop_ms": {"start": reference[0], "end": reference[-1]},
        "load": f"{CONCURRENCY} concurrent conversations x {turns} turns over REST, after a 5 x 5 warm-up",
        "stock_model": {"path": str((STOCK_DIR / f"{STOCK_NAME}.tar.gz").relative_to(ROOT)), **stock_info},
        "rounds": rounds,
        "median": {
            system: {name: median([get(r[system]) for r in rounds]) for name, _, get in FIGURES}
            for system in SYSTEMS
        },
        "errors": {
            system: {"load": sum(r[system]["load"]["errors"] for r in rounds),
                     "requests": sum(r[system]["load"]["requests"] for r in rounds),
                     "warm_up": sum(r[system]["warmup_errors"] for r in rounds)}
            for system in SYSTEMS
        },
        "ratio_caunoi_over_stock": {
            name: median_ratio([(get(r["caunoi"]), get(r["stock"])) for r in rounds]) for name, _, get in FIGURES
        },
    }


def table(r: dict[str, Any]) -> str:
    rounds = len(r["rounds"])
    lines = [
        f"{r['date']}; {r['machine']}",
        f"Reference loop (machine_speed_ms): {r['reference_loop_ms']['start']:.0f} ms at start, "
        f"{r['reference_loop_ms']['end']:.0f} ms at end",
        f"Load: {r['load']}; {rounds} round(s), the order of the systems alternating"
        + ("; medians" if rounds > 1 else ""),
        f"Stock model: {r['stock_model']['path']}, epochs {r['stock_model']['epochs']}, "
        f"trained in {r['stock_model']['train_s']} s ({r['stock_model']['trained']})",
        "",
        "| figure | stock Rasa 3.6 | Cầu Nối | ratio Cầu Nối / stock |",
        "|---|---|---|---|",
    ]
    for name, label, _ in FIGURES:
        raw = [f"{v:.0f}" if v >= 100 else f"{v:.1f}" for v in (r["median"][system][name] for system in SYSTEMS)]
        value = r["ratio_caunoi_over_stock"][name]
        lines.append(f"| {label} | {raw[0]} | {raw[1]} | {'–' if value is None else f'{value:.2f}'} |")
    errors = [f"{r['errors'][s]['load']}/{r['errors'][s]['requests']}" for s in SYSTEMS]
    lines.append(f"| errors / turns | {errors[0]} | {errors[1]} | – |")
    for system in SYSTEMS:
        kinds: Counter[str] = Counter()
        for one in r["rounds"]:
            kinds.update(one[system]["load"]["error_kinds"])
        if kinds or r["errors"][system]["warm_up"]:
            lines.append(f"{system}: errors {dict(kinds)}, warm-up errors {r['errors'][system]['warm_up']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=20, help="messages per conversation (1-500)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="runs of both systems, the order alternating; medians are reported (1-10)")
    parser.add_argument("--json", action="store_true", help="print a JSON report instead of the table")
    args = parser.parse_args()
    if not 1 <= args.turns <= 500:
        parser.error("--turns must be between 1 and 500")
    if not 1 <= args.rounds <= 10:
        parser.error("--rounds must be between 1 and 10")
    if not PYTHON.exists() or not RASA.exists():
        sys.exit("No .venv: run `make setup` first.")
    # SIGTERM unwinds like Ctrl-C, so the `finally` blocks stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    reference = [machine_speed_ms()]
    # Our model current (and nlu/procedures_generated.yml regenerated from the KB) before anything is
    # timed: `caunoi run` would otherwise train inside its cold start.
    with tempfile.TemporaryDirectory(prefix="stock-compare-") as work:
        run_logged([PYTHON, "-m", "bot.cli", "train"], Path(work) / "caunoi-train.log", 1800)
    model, stock_info = stock_model()
    rounds = []
    for i in range(args.rounds):
        # Alternating who goes first, so that a machine getting busier or quieter favours neither.
        order = ("caunoi", "stock") if i % 2 == 0 else ("stock", "caunoi")
        one: dict[str, Any] = {"first": order[0], "reference_loop_ms": machine_speed_ms()}
        with tempfile.TemporaryDirectory(prefix="stock-compare-") as work:
            for system in order:
                one[system] = (run_caunoi(Path(work), args.turns) if system == "caunoi"
                               else run_stock(Path(work), model, args.turns))
        rounds.append(one)
    reference.append(machine_speed_ms())
    result = report(rounds, reference, stock_info, args.turns)
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else table(result))


if __name__ == "__main__":
    main()
