"""The national catalog's data file: its size, and what loading it adds to a process's start-up time
and memory (the issue's budget for the whole catalog tier: cold start +1 s, memory +100 MB).

Each round is a fresh Python process, as at start-up: it imports the loader, reads the file
(`load_catalog()`), and reports the wall time from before the import to the loaded catalog and the
resident memory it added; then it builds the search index (`CatalogTier`, which `caunoi run` does in a
background thread, off the start-up path) and reports its time and memory the same way, numpy's import
included (the action server has no other use for it). The median of the rounds is printed, with the
reference loop.

Run: `.venv/bin/python bench/catalog_load.py [--rounds 5] [--data FILE]`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.latency import machine_speed_ms  # noqa: E402

ONE_LOAD = """
import json, sys, time
import psutil
from pathlib import Path
from bot.kb import load_kb
kb = load_kb(Path("procedures_kb"))
process = psutil.Process()
before = process.memory_info().rss
start = time.perf_counter()
from pathlib import Path
from bot.catalog.store import load_catalog
catalog = load_catalog(Path(sys.argv[1]))
seconds = time.perf_counter() - start
loaded = process.memory_info().rss
start = time.perf_counter()
from bot.catalog.tier import CatalogTier
from bot.runtime.memory import give_back_freed_memory
tier = CatalogTier(catalog, kb)
give_back_freed_memory()  # as the server's background tier does
print(json.dumps({"records": len(catalog), "seconds": seconds, "added_mb": (loaded - before) / 2**20,
                  "index_seconds": time.perf_counter() - start,
                  "index_added_mb": (process.memory_info().rss - loaded) / 2**20}))
"""


def one_round(data: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", ONE_LOAD, str(data)], cwd=ROOT, capture_output=True, text=True,
                          check=True, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--data", default=str(ROOT / "catalog" / "portal_catalog.jsonl.gz"))
    args = parser.parse_args()
    data = Path(args.data)
    rounds = [one_round(data) for _ in range(args.rounds)]
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"{round(psutil.virtual_memory().total / 2**30)} GiB, Python {platform.python_version()}",
        "reference_loop_ms": machine_speed_ms(),
        "data_file": str(data.relative_to(ROOT) if data.is_relative_to(ROOT) else data),
        "file_mb": round(data.stat().st_size / 1e6, 2),
        "uncompressed_mb": round(len(gzip.decompress(data.read_bytes())) / 1e6, 1),
        "records": rounds[0]["records"],
        "load_s": {"median": round(statistics.median(r["seconds"] for r in rounds), 3),
                   "max": round(max(r["seconds"] for r in rounds), 3)},
        "memory_added_mb": {"median": round(statistics.median(r["added_mb"] for r in rounds), 1),
                            "max": round(max(r["added_mb"] for r in rounds), 1)},
        "index_s": {"median": round(statistics.median(r["index_seconds"] for r in rounds), 3),
                    "max": round(max(r["index_seconds"] for r in rounds), 3)},
        "index_memory_added_mb": {"median": round(statistics.median(r["index_added_mb"] for r in rounds), 1),
                                  "max": round(max(r["index_added_mb"] for r in rounds), 1)},
        "rounds": args.rounds,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
