"""Start Rasa's own CLI with two fixes: a leaner import (TensorFlow drags in JAX, ≈1.5 s, only to
offer a TFLite export we never use, so JAX is hidden) and `bot.rasa_patches` (hot-path speed-ups)."""

from __future__ import annotations

import gc
import sys

from bot.environment import apply_quiet_env, hide_jax


def main() -> None:
    apply_quiet_env()
    hide_jax()
    from rasa.__main__ import main as rasa_cli

    from bot import rasa_patches

    rasa_patches.apply()
    # Rasa and TensorFlow leave ~millions of long-lived objects from import; without freezing them
    # every full garbage collection walks them all, which shows up as latency spikes under load.
    import rasa.core.agent  # noqa: F401  (the server imports it anyway; freeze what it creates)

    gc.freeze()

    sys.argv[0] = "rasa"
    rasa_cli()


if __name__ == "__main__":
    main()
