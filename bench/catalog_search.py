"""Catalog search time alone (no NLU, no dialogue): every question of the long-tail sets, decided
`--rounds` times after one warm-up round; mean and p95 per question, with the reference loop.

Run: `.venv/bin/python bench/catalog_search.py [--rounds 5]`. For an A/B against an older commit, run
it from a worktree of that commit in alternation (the machine's speed drifts within minutes).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.latency import machine_speed_ms, percentile  # noqa: E402

SETS = (ROOT.parent / "shared" / "eval" / "longtail_dev.yaml", ROOT / "tests" / "longtail_external.yaml")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from bot.catalog.store import load_catalog
    from bot.catalog.tier import CatalogTier
    from bot.kb import load_kb

    search = CatalogTier(load_catalog(), load_kb(ROOT / "procedures_kb")).search
    for path in SETS:
        if not path.exists():
            continue
        questions = [c["say"] for c in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]]
        for question in questions:
            search.decide(question)
        times = []
        for _ in range(args.rounds):
            for question in questions:
                started = time.perf_counter()
                search.decide(question)
                times.append((time.perf_counter() - started) * 1000)
        words = statistics.mean(len(q.split()) for q in questions)
        print(f"{path.name}: {len(questions)} questions ({words:.0f} words on average) × {args.rounds}: "
              f"mean {statistics.mean(times):.2f} ms, p95 {percentile(times, 0.95):.2f} ms")
    print(f"reference loop {machine_speed_ms():.0f} ms")


if __name__ == "__main__":
    main()
