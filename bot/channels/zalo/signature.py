"""Webhook signature of Zalo OA events.

Zalo signs every webhook POST with the header `X-ZEvent-Signature: mac=<hex>` where

    hex = sha256(app_id + raw request body + timestamp + OA secret key)

a plain SHA-256 over the concatenated bytes (not an HMAC). `timestamp` is the event's own `timestamp`
field exactly as it appears in the body (milliseconds since the epoch), and the key is the *OA secret
key* shown when the OA is linked to the app, not the app secret. Source: developers.zalo.me webhook docs
as summarised by hainh.me ("Zalo API PHP webhook") and several open-source integrations.

Pass the app id from your own configuration, not the one in the body: an event for another app then
fails verification instead of being trusted because it names itself.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-ZEvent-Signature"
_PREFIX = "mac="
_HEX_DIGITS = frozenset("0123456789abcdef")


def expected_mac(app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The lowercase hex digest Zalo puts after `mac=` for this body."""
    material = app_id.encode("utf-8") + bytes(body) + timestamp.encode("utf-8") + oa_secret_key.encode("utf-8")
    return hashlib.sha256(material).hexdigest()


def parse_header(header_value: str | None) -> str | None:
    """The hex digest in a `mac=<hex>` header (lowercased), or None when the header is absent or malformed."""
    if not isinstance(header_value, str):
        return None
    value = header_value.strip()
    if value[: len(_PREFIX)].lower() != _PREFIX:
        return None
    digest = value[len(_PREFIX):].strip().lower()
    if len(digest) != 64 or not set(digest) <= _HEX_DIGITS:
        return None
    return digest


def verify(header_value: str | None, app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> bool:
    """True when `header_value` is Zalo's signature of `body`; compared in constant time."""
    given = parse_header(header_value)
    if given is None or not oa_secret_key:
        return False
    return hmac.compare_digest(given, expected_mac(app_id, body, timestamp, oa_secret_key))


def is_fresh(timestamp_ms: str | int, now: float, max_age_s: float = 300, max_skew_s: float = 60) -> bool:
    """True when the event time is at most `max_age_s` old and at most `max_skew_s` in the future.

    `now` is in seconds (time.time()); the timestamp is Zalo's milliseconds. A valid signature only
    proves Zalo sent the body once; this bounds how long a captured request can be replayed. Zalo keeps
    the original timestamp when it retries a delivery, so a retry later than `max_age_s` is refused too.
    """
    if isinstance(timestamp_ms, bool):
        return False
    if isinstance(timestamp_ms, str):
        text = timestamp_ms.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 20):
            return False
        timestamp_ms = int(text)
    if not isinstance(timestamp_ms, int):
        return False
    age = now - timestamp_ms / 1000
    return -max_skew_s <= age <= max_age_s
