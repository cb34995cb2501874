"""The national-catalog tier on questions about procedures the curated KB does not have (issue 14).

For each question of ../shared/eval/longtail_dev.yaml (or --cases FILE): the trained NLU reads it, the
dialogue answers it with the catalog behind the KB (as `action_answer` does), and the reply is scored:
- right: it answers an accepted procedure (a KB id, or "portal:<code>"), or offers one among its
  choices;
- honest: for a question no record fits (`absent: true`), the reply names no procedure;
- sourced: every portal answer ends with its source line and link.
Also the catalog search time per question (p95, target ≤ 5 ms), with the reference loop, and how many
questions of the curated procedures' test sets the catalog answers instead of the KB (target: none).

Run: `.venv/bin/python bench/catalog_eval.py [--errors]`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.latency import machine_speed_ms, percentile  # noqa: E402
from bot.runtime.environment import apply_quiet_env, hide_jax  # noqa: E402
from bot.runtime.training import is_up_to_date, model_path, train  # noqa: E402

CASES = ROOT.parent / "shared" / "eval" / "longtail_dev.yaml"
# Questions about the curated procedures: none of them may be answered from the catalog.
CURATED_SETS = ("tests/nlu_test.yml", "tests/nlu_external.yml", "tests/nlu_dev_real.yml")
TARGET_RIGHT = 0.90


async def _curated(agent, talk, show_errors: bool) -> None:
    """Questions about curated procedures whose reply comes from the catalog instead."""
    from bot.catalog.evaluate import answered_from_catalog
    from bot.nlu.evaluate import load_cases

    for name in CURATED_SETS:
        cases = [c for c in load_cases(ROOT / name) if c.procedure]
        stolen = await answered_from_catalog(agent, talk, [c.text for c in cases])
        print(f"curated questions answered from the catalog, {name}: {len(stolen)}/{len(cases)}")
        for text, reply in stolen if show_errors else ():
            print(f"  - {text!r} → {reply.procedure_id or reply.topic.value}")


async def _run(cases: list[dict], show_errors: bool, curated: bool = True) -> None:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    from bot.actions.answer import dialogue
    from bot.catalog.evaluate import score_long_tail

    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model_path(ROOT)))
    talk = dialogue()
    tier = talk.answers.catalog
    score = await score_long_tail(agent, talk, cases)
    for text, reply in score.misses if show_errors else ():
        print(f"- {text!r}: {reply.topic.value} {reply.procedure_id} {[b['title'][:40] for b in reply.buttons][:4]}")
    search_ms: list[float] = []
    if tier is not None:
        for case in cases:
            started = time.perf_counter()
            tier.search.decide(case["say"])
            search_ms.append((time.perf_counter() - started) * 1000)
    print(f"catalog: {len(tier) if tier is not None else 0} records")
    print(f"right answer or right choice offered: {score.right}/{score.present} = {score.right_share:.2f} "
          f"(target ≥ {TARGET_RIGHT:.2f})")
    print(f"honest on absent ones: {score.honest}/{score.absent}")
    print(f"portal answers that show their source: {score.sourced}/{score.portal}")
    if search_ms:
        print(f"catalog search per question: mean {sum(search_ms) / len(search_ms):.2f} ms, "
              f"p95 {percentile(search_ms, 0.95):.2f} ms (reference loop {machine_speed_ms():.0f} ms)")
    if curated:
        await _curated(agent, talk, show_errors)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--errors", action="store_true", help="list the questions not answered right")
    parser.add_argument("--no-curated", action="store_true", help="skip the curated sets (about a minute)")
    args = parser.parse_args()
    if not args.cases.exists():
        sys.exit(f"{args.cases} not found (../shared is beside the checkout on development machines)")
    apply_quiet_env()
    hide_jax()
    if not is_up_to_date(ROOT):
        train(ROOT)
    cases = yaml.safe_load(args.cases.read_text(encoding="utf-8"))["cases"]
    asyncio.run(_run(cases, args.errors, not args.no_curated))


if __name__ == "__main__":
    main()
