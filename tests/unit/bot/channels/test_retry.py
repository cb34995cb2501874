import asyncio

import pytest

from bot.channels.retry import with_retries


class Flaky:
    def __init__(self, failures: list[BaseException]) -> None:
        self.failures = failures
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "sent"


def classify(exc: BaseException) -> float | None:
    if isinstance(exc, TimeoutError):
        return 0.0
    if isinstance(exc, ConnectionRefusedError):
        return 7.0  # the platform said how long to wait
    return None


def run(call, **kwargs):
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    result = asyncio.run(with_retries(call, classify, sleep=sleep, **kwargs))
    return result, waits


def test_backs_off_exponentially_then_succeeds():
    call = Flaky([TimeoutError(), TimeoutError(), TimeoutError()])
    result, waits = run(call, attempts=4, base_delay=0.5)
    assert result == "sent" and call.calls == 4 and waits == [0.5, 1.0, 2.0]


def test_platform_wait_is_honoured():
    result, waits = run(Flaky([ConnectionRefusedError()]))
    assert result == "sent" and waits == [7.0]


def test_waits_longer_than_allowed_are_not_sat_out():
    with pytest.raises(ConnectionRefusedError):
        run(Flaky([ConnectionRefusedError()]), max_wait=5)


def test_unretryable_errors_raise_at_once():
    call = Flaky([ValueError("bad request")])
    with pytest.raises(ValueError):
        run(call)
    assert call.calls == 1


def test_gives_up_after_the_last_attempt():
    call = Flaky([TimeoutError()] * 5)
    with pytest.raises(TimeoutError):
        run(call, attempts=3)
    assert call.calls == 3
