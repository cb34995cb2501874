"""Where things are, for tests and their helpers."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout
SHARED = ROOT.parent / "shared"  # ../shared: source material, clips and models (read-only)
