"""Intent, procedure and joint accuracy on tests/nlu_test.yml, overall and per variant, for our
model and for Rasa's stock default pipeline trained on the same data (bench/stock_config.yml).

Run: `.venv/bin/python bench/nlu_eval.py` (trains the stock model once into bench/.models/).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlu.evaluate import evaluate  # noqa: E402
from bot.runtime.environment import child_env  # noqa: E402
from bot.runtime.training import fingerprint, is_up_to_date, model_path, train  # noqa: E402

STOCK_DIR = ROOT / "bench" / ".models"
VARIANTS = ("all", "diacritics", "no_diacritics", "teencode", "spoken")


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
    lines = ["| model | variant | n | intent | procedure | joint |", "|---|---|---|---|---|---|"]
    for name, summary in results.items():
        for variant in VARIANTS:
            s = summary[variant]
            rates = " | ".join(f"{s[k]:.3f}" for k in ("intent", "procedure", "joint"))
            lines.append(f"| {name} | {variant} | {s['n']} | {rates} |")
    return "\n".join(lines)


def main() -> None:
    if not is_up_to_date(ROOT):
        train(ROOT)
    test_set = ROOT / "tests" / "nlu_test.yml"
    results = {"Cầu Nối": evaluate(model_path(ROOT), test_set).summary()}
    results["stock Rasa"] = evaluate(stock_model(), test_set).summary()
    print(table(results))


if __name__ == "__main__":
    main()
