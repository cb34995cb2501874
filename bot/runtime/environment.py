"""Environment for every Rasa process we start: no telemetry, quiet TensorFlow."""

from __future__ import annotations

import os
import sys

QUIET_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore",
    "LOG_LEVEL_LIBRARIES": "ERROR",
}


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in QUIET_ENV.items():
        env.setdefault(key, value)
    env.update(extra)
    return env


def hide_jax() -> None:
    """TensorFlow imports JAX (≈1.5 s) only for a TFLite export we never use; with JAX hidden,
    `from jax import …` raises ImportError, which TensorFlow handles."""
    sys.modules.setdefault("jax", None)


def apply_quiet_env() -> None:
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
