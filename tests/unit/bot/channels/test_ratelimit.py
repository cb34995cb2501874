import pytest

from bot.channels.ratelimit import RateLimiter, Verdict


def test_burst_then_one_warning_then_quiet():
    limiter = RateLimiter(burst=3, per_minute=6)
    verdicts = [limiter.check("a", now=0) for _ in range(6)]
    assert verdicts == [Verdict.ALLOWED] * 3 + [Verdict.LIMITED_FIRST, Verdict.LIMITED, Verdict.LIMITED]


def test_tokens_refill_over_time_and_warning_resets():
    limiter = RateLimiter(burst=1, per_minute=6)  # one message per 10 s
    assert limiter.check("a", now=0) is Verdict.ALLOWED
    assert limiter.check("a", now=1) is Verdict.LIMITED_FIRST
    assert limiter.check("a", now=11) is Verdict.ALLOWED
    assert limiter.check("a", now=12) is Verdict.LIMITED_FIRST


def test_senders_are_independent():
    limiter = RateLimiter(burst=1, per_minute=1)
    assert limiter.check("a", now=0) is Verdict.ALLOWED
    assert limiter.check("b", now=0) is Verdict.ALLOWED
    assert limiter.check("a", now=0) is Verdict.LIMITED_FIRST


def test_memory_is_bounded():
    limiter = RateLimiter(burst=2, per_minute=60, max_senders=100)
    for i in range(1000):
        limiter.check(str(i), now=i)
    assert len(limiter._buckets) <= 100


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        RateLimiter(burst=0)
