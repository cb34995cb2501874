import asyncio

from bot.channels.ordering import KeyedLocks


def test_one_senders_messages_run_in_arrival_order_others_in_parallel():
    async def scenario() -> tuple[list[str], int]:
        locks = KeyedLocks()
        log: list[str] = []
        peak = 0
        running = 0

        async def handle(key: str, name: str, delay: float) -> None:
            nonlocal running, peak
            async with locks.hold(key):
                running += 1
                peak = max(peak, running)
                await asyncio.sleep(delay)
                log.append(name)
                running -= 1

        # The first message of "a" is the slowest: the later ones must still wait for it.
        await asyncio.gather(handle("a", "a1", 0.05), handle("a", "a2", 0), handle("b", "b1", 0.01),
                             handle("a", "a3", 0))
        assert len(locks) == 0
        return log, peak

    log, peak = asyncio.run(scenario())
    assert [x for x in log if x.startswith("a")] == ["a1", "a2", "a3"]
    assert log[0] == "b1"  # b did not wait for a
    assert peak == 2
