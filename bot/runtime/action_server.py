"""Start the action server (rasa_sdk) for `caunoi run`, with personal numbers redacted from its log."""

from __future__ import annotations

from bot.privacy.redact import redact_every_log_record


def main() -> None:
    from rasa_sdk.__main__ import main as rasa_sdk_main

    redact_every_log_record()
    rasa_sdk_main()


if __name__ == "__main__":
    main()
