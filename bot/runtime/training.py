"""Train the Rasa model only when its inputs changed (a fingerprint of every input file)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from bot.kb import load_kb
from bot.nlu.generate import write_nlu
from bot.runtime.environment import child_env

MODEL_NAME = "caunoi"
# What the model trains on. The held-out test sets live under tests/ and are never among them.
TRAINING_DATA = ("nlu", "stories")
# Everything that changes what the model learns, relative to the project root.
INPUTS = (
    "config.yml", "domain.yml", "nlu", "stories", "procedures_kb",
    # the code of our components, which the model runs
    "bot/nlu/components.py", "bot/nlu/normalize.py", "bot/nlu/teencode.py", "bot/nlu/procedure_index.py",
    "bot/rasa_ext/sentence_features.py", "bot/rasa_ext/policies.py",
)


def model_path(root: Path) -> Path:
    return root / "models" / f"{MODEL_NAME}.tar.gz"


def fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.suffix == ".pyc" or not file.exists():
                continue
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def _fingerprint_file(root: Path) -> Path:
    return root / "models" / f"{MODEL_NAME}.fingerprint"


def is_up_to_date(root: Path) -> bool:
    stamp = _fingerprint_file(root)
    return (
        model_path(root).exists()
        and stamp.exists()
        and stamp.read_text().strip() == fingerprint(root)
    )


def export_nlu(root: Path) -> bool:
    kb = load_kb(root / "procedures_kb")
    return write_nlu(kb, root / "nlu" / "procedures_generated.yml")


def train(root: Path, force: bool = False, out=sys.stdout) -> Path:
    """Regenerate the KB-derived NLU data, then train unless nothing changed."""
    if export_nlu(root):
        print("Updated nlu/procedures_generated.yml from the knowledge base.", file=out)
    if not force and is_up_to_date(root):
        print(f"Model is up to date: {model_path(root).relative_to(root)}", file=out)
        return model_path(root)
    print("Training the assistant (about a minute)…", file=out, flush=True)
    command = [
        sys.executable, "-m", "bot.runtime.rasa_cli", "train",
        "--config", "config.yml", "--domain", "domain.yml",
        "--data", *TRAINING_DATA,
        "--out", "models", "--fixed-model-name", MODEL_NAME, "--force",
    ]
    subprocess.run(command, cwd=root, env=child_env(), check=True)
    _fingerprint_file(root).write_text(fingerprint(root))
    print(f"Model ready: {model_path(root).relative_to(root)}", file=out)
    return model_path(root)
