"""Cost of `redact` per message on a realistic mix: mostly plain questions and log lines, some with
a phone, ID, application code, email or an introduced name.

Run: `.venv/bin/python bench/redact.py [--n 200000]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.privacy.redact import redact  # noqa: E402

MESSAGES = [
    # questions people type (most carry nothing personal)
    "làm giấy khai sinh cho con cần gì", "mất bao lâu", "có mất tiền không", "thế còn kết hôn?",
    "lam can cuoc o dau", "đk tạm trú online dc ko", "cho tôi nói chuyện với cán bộ",
    "lệ phí cấp bản sao trích lục là 8.000 đồng đúng không", "con tôi 6 tuổi, làm căn cước được không",
    "ngày 12/03/2025 tôi nộp 2 bản rồi", "ho ngheo can giay to gi", "cảm ơn",
    # with personal data
    "số tôi 0912 345 678 gọi lại giúp", "tên tôi là Nguyễn Văn An, hồ sơ H12.22-251103-0042 đến đâu rồi",
    "cccd 001099012345 bị mất thì sao", "email tôi an.nguyen@gmail.com", "thẻ bhyt DN4010123456789 hết hạn",
    # log lines
    "2026-11-21 13:37:12 INFO     rasa.core.processor  - Loading model /work/main/models/caunoi.tar.gz...",
    "Received user message 'mất bao lâu' with intent '{'name': 'ask_time', 'confidence': 0.9379723450654109}'",
    "Action 'action_answer' ended with events '[BotUttered('Thời gian làm giấy khai sinh: Thường xong trong ngày')]'",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200_000, help="messages to redact")
    args = parser.parse_args()
    messages = [MESSAGES[i % len(MESSAGES)] for i in range(args.n)]
    for message in MESSAGES:  # warm up (and show what the mix looks like redacted)
        redact(message)
    start = time.perf_counter()
    for message in messages:
        redact(message)
    elapsed = time.perf_counter() - start
    per = elapsed / args.n * 1e6
    avg_len = sum(map(len, messages)) / len(messages)
    print(f"redact: {per:.2f} µs per message ({args.n} messages, average {avg_len:.0f} characters)")
    for message in MESSAGES:
        start = time.perf_counter()
        for _ in range(2000):
            redact(message)
        print(f"  {(time.perf_counter() - start) / 2000 * 1e6:6.2f} µs  {redact(message)[:80]}")


if __name__ == "__main__":
    main()
