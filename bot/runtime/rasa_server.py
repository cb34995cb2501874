"""Start the Rasa server for `caunoi run`.

Not through `rasa run`: Rasa's CLI imports every subcommand (evaluation, plotting, data tools),
about 1.5 s of a cold start that is spent importing anyway. Here: quiet environment, hidden JAX,
the fixes of `bot.rasa_ext.patches`, a frozen import-time heap, then Rasa's own
`rasa.api.run` with the REST channel and the API off.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys

from bot.runtime.environment import apply_quiet_env, hide_jax


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.runtime.rasa_server")
    parser.add_argument("--model", required=True)
    parser.add_argument("--endpoints", required=True)
    parser.add_argument("--credentials", required=True)
    parser.add_argument("--interface", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5005)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    apply_quiet_env()
    hide_jax()
    import rasa.api
    import rasa.core.agent  # noqa: F401  (imported before freezing, see below)
    import rasa.utils.io
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    from bot.rasa_ext import patches
    from bot.status import notifier

    configure_logging_and_warnings(None, None, warn_only_once=True, filter_repeated_logs=True)
    rasa.utils.io.configure_colored_logging(None)
    configure_structlog(None)
    # Rasa leaves the root logger at WARNING; our own notices (channel on, token refreshed) are INFO.
    logging.getLogger("bot").setLevel(logging.INFO)
    from bot.privacy.redact import redact_every_log_record

    redact_every_log_record()  # phone, ID and application numbers never reach the log in clear
    try:
        patches.apply()
    except patches.RasaVersionError as exc:  # one clear line, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    # Rasa and TensorFlow leave ~420k long-lived objects from import; a full garbage collection
    # walked them all (265 ms, measured) and showed up as latency spikes under load.
    gc.freeze()
    sys.path.insert(1, os.getcwd())
    rasa.api.run(
        model=args.model, endpoints=args.endpoints, credentials=args.credentials,
        interface=args.interface, port=args.port, enable_api=False,
        # Status notices go out from this process, through the engine (bot/status/notifier.py).
        server_listeners=[(notifier.start, "after_server_start"), (notifier.stop, "before_server_stop")],
    )


if __name__ == "__main__":
    main()
