from bot.channels.seen import KEEP_SECONDS, SeenMessages


def test_first_delivery_is_claimed_redelivery_is_not(tmp_path):
    seen = SeenMessages(tmp_path / "channels.db")
    assert seen.claim("zalo", "m1")
    assert not seen.claim("zalo", "m1")
    assert seen.claim("telegram", "m1")  # ids are per channel


def test_survives_a_restart(tmp_path):
    SeenMessages(tmp_path / "c.db").claim("zalo", "m1")
    assert not SeenMessages(tmp_path / "c.db").claim("zalo", "m1")


def test_released_claim_can_be_taken_again(tmp_path):
    seen = SeenMessages(tmp_path / "c.db")
    seen.claim("zalo", "m1")
    seen.release("zalo", "m1")
    assert seen.claim("zalo", "m1")


def test_old_entries_are_pruned(tmp_path):
    seen = SeenMessages(tmp_path / "c.db")
    seen.claim("zalo", "old", now=0)
    for i in range(1000):
        seen.claim("zalo", str(i), now=KEEP_SECONDS + 10)
    assert seen.claim("zalo", "old", now=KEEP_SECONDS + 10)
