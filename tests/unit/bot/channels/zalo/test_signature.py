"""Webhook signatures: sha256(app_id + body + timestamp + OA secret key), header `mac=<hex>`."""

from __future__ import annotations

import hashlib
import hmac

from bot.channels.zalo.signature import expected_mac, is_fresh, parse_header, verify

APP_ID = "360846524940903967"
SECRET = "OA-secret-Xq81"
TIMESTAMP = "1547558341574"
BODY = ('{"app_id":"360846524940903967","sender":{"id":"246845883529197922"},"event_name":"user_send_text",'
        '"message":{"msg_id":"96d3cdf3af150460909","text":"Xin chào cán bộ"},"timestamp":"1547558341574"}'
        ).encode()


def hand_mac(app_id: str = APP_ID, body: bytes = BODY, timestamp: str = TIMESTAMP, secret: str = SECRET) -> str:
    # Computed here from the definition, independently of the module under test.
    return hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret.encode()).hexdigest()


def test_known_vector() -> None:
    assert expected_mac(APP_ID, BODY, TIMESTAMP, SECRET) == hand_mac()
    # A fixed vector, so a change in the construction (HMAC, another order) cannot pass by symmetry.
    assert expected_mac("1", b"{}", "2", "k") == "de8e4e4cd3996baf4a4549475ad3ebf35118b2bcef3fbe9dc44903244f01e17e"
    assert expected_mac("1", b"{}", "2", "k") != hashlib.sha256(b"k1{}2").hexdigest()


def test_valid_header_variants_verify() -> None:
    mac = hand_mac()
    for header in (f"mac={mac}", f"MAC={mac.upper()}", f"  mac= {mac}  ", f"Mac={mac}\n"):
        assert verify(header, APP_ID, BODY, TIMESTAMP, SECRET), header


def test_tampered_body_fails() -> None:
    header = f"mac={hand_mac()}"
    tampered = BODY.replace("Xin chào".encode(), "Chuyển tiền".encode())
    assert not verify(header, APP_ID, tampered, TIMESTAMP, SECRET)
    assert not verify(header, APP_ID, BODY + b" ", TIMESTAMP, SECRET)


def test_forged_signature_fails() -> None:
    forged = hand_mac(secret="guessed-secret")
    assert not verify(f"mac={forged}", APP_ID, BODY, TIMESTAMP, SECRET)
    # An HMAC with the secret as key is not what Zalo sends.
    as_hmac = hmac.new(SECRET.encode(), APP_ID.encode() + BODY + TIMESTAMP.encode(), hashlib.sha256).hexdigest()
    assert not verify(f"mac={as_hmac}", APP_ID, BODY, TIMESTAMP, SECRET)


def test_wrong_secret_app_or_timestamp_fails() -> None:
    header = f"mac={hand_mac()}"
    assert not verify(header, APP_ID, BODY, TIMESTAMP, "another-secret")
    assert not verify(header, "999", BODY, TIMESTAMP, SECRET)
    assert not verify(header, APP_ID, BODY, "1547558341575", SECRET)
    assert not verify(header, APP_ID, BODY, TIMESTAMP, "")


def test_missing_or_malformed_header_fails() -> None:
    mac = hand_mac()
    for header in (None, "", "mac=", mac, f"sha256={mac}", f"mac={mac[:-1]}", f"mac={mac}00",
                   f"mac={mac[:-1]}g", "mac=" + "é" * 64, f"mac={mac},mac={mac}"):
        assert not verify(header, APP_ID, BODY, TIMESTAMP, SECRET), header
    assert parse_header(None) is None
    assert parse_header(12345) is None  # type: ignore[arg-type]


def test_freshness_window() -> None:
    now = 1_700_000_000.0
    ms = int(now * 1000)
    assert is_fresh(str(ms), now)
    assert is_fresh(ms, now)
    assert is_fresh(str(ms - 299_000), now)
    assert not is_fresh(str(ms - 301_000), now)  # stale: a replay
    assert is_fresh(str(ms + 59_000), now)
    assert not is_fresh(str(ms + 61_000), now)  # from the future beyond clock skew
    assert not is_fresh(str(ms - 11_000), now, max_age_s=10)


def test_freshness_rejects_junk() -> None:
    now = 1_700_000_000.0
    for junk in ("", "abc", "1.7e12", "-1700000000000", " ", "１７００", "9" * 5000, True, None, 1.7e12):
        assert not is_fresh(junk, now), junk  # type: ignore[arg-type]
