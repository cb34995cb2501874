"""Per-sender rate limiting: a token bucket per sender, so one flood cannot starve the engine.

`check` says whether a message may go on, and whether this is the first refusal since the sender was
last allowed (so the channel tells them once to slow down instead of answering every extra message).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum


class Verdict(Enum):
    ALLOWED = "allowed"
    LIMITED_FIRST = "limited_first"  # tell the sender to slow down
    LIMITED = "limited"  # already told: drop quietly


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class RateLimiter:
    def __init__(self, burst: int = 8, per_minute: float = 20.0, max_senders: int = 10_000) -> None:
        if burst < 1 or per_minute <= 0:
            raise ValueError("burst must be ≥ 1 and per_minute > 0")
        self.burst = burst
        self.rate = per_minute / 60.0
        self.max_senders = max_senders
        self._buckets: dict[str, _Bucket] = {}

    def check(self, sender: str, now: float | None = None) -> Verdict:
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(sender)
        if bucket is None:
            if len(self._buckets) >= self.max_senders:
                self._forget_full(now)
            bucket = self._buckets[sender] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return Verdict.ALLOWED
        if bucket.warned:
            return Verdict.LIMITED
        bucket.warned = True
        return Verdict.LIMITED_FIRST

    def _forget_full(self, now: float) -> None:
        # Senders whose bucket has refilled are indistinguishable from new ones: forget them.
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.updated) * self.rate >= self.burst]
        for key in full or list(self._buckets)[: len(self._buckets) // 2]:
            del self._buckets[key]
