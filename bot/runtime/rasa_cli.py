"""Run Rasa's own CLI (used for training) with a leaner import: JAX is hidden (see `hide_jax`)."""

from __future__ import annotations

import sys

from bot.runtime.environment import apply_quiet_env, hide_jax


def main() -> None:
    apply_quiet_env()
    hide_jax()
    from rasa.__main__ import main as rasa_cli

    sys.argv[0] = "rasa"
    rasa_cli()


if __name__ == "__main__":
    main()
