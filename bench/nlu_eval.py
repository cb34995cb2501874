"""Intent, procedure and joint accuracy (and "answered": the reply covers the expected topic, as its
main topic or as another topic the message asked), overall and per writing style, on both held-out sets side by
side: tests/nlu_test.yml (in-house, written by the project) and tests/nlu_external.yml (real questions
from public pages, issue 13), for our model and for Rasa's stock default pipeline trained on the same
data (bench/stock_config.yml). Also tests/nlu_dev_real.yml: real questions from other pages, the set
rules are tuned on, so that the external set stays a test.

Run: `.venv/bin/python bench/nlu_eval.py [--no-stock] [--errors]` (trains the stock model once into
bench/.models/; --errors lists what our model gets wrong on the external set).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.latency import machine_speed_ms, percentile  # noqa: E402
from bot.nlu.evaluate import evaluate  # noqa: E402
from bot.runtime.environment import child_env  # noqa: E402
from bot.runtime.training import fingerprint, is_up_to_date, model_path, train  # noqa: E402

STOCK_DIR = ROOT / "bench" / ".models"
# A second person's blind labels for the real-question sets (by id): how often two people agree on the
# topic is the ceiling a model can be held to on these labels.
SECOND_ANNOTATOR = ROOT / "bench" / "second_annotator.json"
VARIANTS = ("all", "diacritics", "no_diacritics", "teencode", "dialect", "spoken")
SETS = {"in-house": ROOT / "tests" / "nlu_test.yml", "external": ROOT / "tests" / "nlu_external.yml",
        "dev (real)": ROOT / "tests" / "nlu_dev_real.yml"}


def stock_model() -> Path:
    STOCK_DIR.mkdir(parents=True, exist_ok=True)
    model, stamp = STOCK_DIR / "stock.tar.gz", STOCK_DIR / "stock.fingerprint"
    key = fingerprint(ROOT) + (ROOT / "bench" / "stock_config.yml").read_text()
    if model.exists() and stamp.exists() and stamp.read_text() == key:
        return model
    print("Training the stock Rasa pipeline (DIET, 100 epochs)…", flush=True)
    subprocess.run(
        [sys.executable, "-m", "bot.runtime.rasa_cli", "train", "nlu", "--config", "bench/stock_config.yml",
         "--nlu", "nlu", "--out", str(STOCK_DIR), "--fixed-model-name", "stock"],
        cwd=ROOT, env=child_env(), check=True,
    )
    stamp.write_text(key)
    return model


def table(results: dict[str, dict]) -> str:
    lines = ["| model | set | variant | n | intent | procedure | joint | answered |",
             "|---|---|---|---|---|---|---|---|"]
    for name, summary in results.items():
        for variant in VARIANTS:
            s = summary.get(variant)
            if s:
                rates = " | ".join(f"{s[k]:.3f}" for k in ("intent", "procedure", "joint", "answered"))
                lines.append(f"| {name[0]} | {name[1]} | {variant} | {s['n']} | {rates} |")
    return "\n".join(lines)


def agreement(path: Path) -> tuple[int, float] | None:
    """How many originals a second annotator labelled, and the share where both chose the same intent."""
    import json

    import yaml

    if not SECOND_ANNOTATOR.exists():
        return None
    second = {row["id"]: row["intent"] for row in json.loads(SECOND_ANNOTATOR.read_text(encoding="utf-8"))}
    pairs = [(block["intent"], second[ex["metadata"]["id"]])
             for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"] for ex in block["examples"]
             if not ex["metadata"].get("derived") and ex["metadata"].get("id") in second]
    return (len(pairs), sum(a == b for a, b in pairs) / len(pairs)) if pairs else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-stock", action="store_true", help="our model only (no 4-minute stock training)")
    parser.add_argument("--errors", action="store_true", help="list our misses on the external set")
    args = parser.parse_args()
    if not is_up_to_date(ROOT):
        train(ROOT)
    models = {"Cầu Nối": model_path(ROOT)}
    if not args.no_stock:
        models["stock Rasa"] = stock_model()
    results, misses, parse_ms = {}, [], {}
    for model_name, model in models.items():
        for set_name, path in SETS.items():
            if path.exists():
                scores = evaluate(model, path)
                results[(model_name, set_name)] = scores.summary()
                parse_ms[(model_name, set_name)] = scores.parse_ms
                if model_name == "Cầu Nối" and set_name == "external":
                    misses = scores.errors()
    print(table(results))
    ours = [results.get(("Cầu Nối", s), {}).get("all", {}).get("joint") for s in ("in-house", "external")]
    if None not in ours:
        print(f"\ngap in joint accuracy, in-house − external: {100 * (ours[0] - ours[1]):.1f} points")
    for set_name, path in SETS.items():
        agreed = agreement(path) if path.exists() else None
        if agreed:
            print(f"two people's labels agree on the intent: {agreed[1]:.3f} of {agreed[0]} {set_name} originals")
    print("\nNLU time per message (Agent.parse_message, one at a time), "
          f"reference loop {machine_speed_ms():.0f} ms:")
    for (model_name, set_name), times in parse_ms.items():
        print(f"- {model_name}, {set_name}: mean {sum(times) / len(times):.2f} ms, "
              f"p95 {percentile(times, 0.95):.2f} ms")
    if args.errors:
        for miss in misses:
            print(f"- {miss.case.text!r}: expected {miss.case.intent}/{miss.case.procedure}, "
                  f"got {miss.intent}/{miss.procedure}")


if __name__ == "__main__":
    main()
