"""Property tests of the Zalo webhook parser: arbitrary bytes, arbitrary JSON-like values and mutated real
events never raise anything but `ZaloPayloadError`, and whatever parses is a well-typed event."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.zalo.events import (
    FileMessage,
    ZaloEvent,
    ZaloPayloadError,
    event_from_envelope,
    parse_envelope,
    parse_event,
    peek_timestamp,
)
from tests.support.fuzz import mutate

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

REAL = [
    {"app_id": "360846524940903967", "user_id_by_app": "552177279717587730", "event_name": "user_send_text",
     "timestamp": "1547558341574", "sender": {"id": "246845883529197922"}, "recipient": {"id": "388613280878808645"},
     "message": {"msg_id": "96d3cdf3af150460909", "text": "xin chào"}},
    {"app_id": "1", "event_name": "user_send_audio", "timestamp": "1", "sender": {"id": "2"},
     "message": {"msg_id": "3", "attachments": [{"type": "audio", "payload": {"url": "https://x.zdn.vn/a.aac"}}]}},
    {"app_id": "1", "event_name": "user_send_file", "timestamp": "1", "sender": {"id": "2"},
     "message": {"msg_id": "3", "attachments": [{"type": "file", "payload": {
         "url": "https://x.zdn.vn/f", "name": "ghi âm.m4a", "size": "24165", "checksum": "ab", "type": "m4a"}}]}},
    {"app_id": "1", "event_name": "user_send_image", "timestamp": "1", "sender": {"id": "2"},
     "message": {"msg_id": "3", "text": "ảnh", "attachments": [{"type": "image", "payload": {
         "url": "https://x.zdn.vn/i.jpg", "thumbnail": "https://x.zdn.vn/t.jpg"}}]}},
    {"app_id": "1", "event_name": "user_send_sticker", "timestamp": "1", "sender": {"id": "2"},
     "message": {"msg_id": "3", "attachments": [{"type": "sticker", "payload": {"id": "s1", "url": "u"}}]}},
    {"app_id": "1", "oa_id": "4", "user_id_by_app": "5", "event_name": "follow", "timestamp": "1",
     "source": "oa_profile", "follower": {"id": "6"}},
    {"app_id": "1", "oa_id": "4", "event_name": "unfollow", "timestamp": "1", "follower": {"id": "6"}},
    {"app_id": "1", "event_name": "user_send_location", "timestamp": "1", "sender": {"id": "2"}, "message": {}},
    {"app_id": "1", "event_name": "oa_send_text", "timestamp": "1", "sender": {"id": "2"}},
]

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(),
    st.text(max_size=20), st.sampled_from(["", " ", "١٢٣", "²", "0x1f", "https://", "http://[::1", "http://a/b.mp3",
                                           "\ud800", "\x00", "9" * 40, "user_send_text", "follow"]),
)
JSON_LIKE = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=20)


@st.composite
def mutated_events(draw: st.DrawFn) -> Any:
    return mutate(draw, draw(st.sampled_from(REAL)), JSON_LIKE, draw(st.integers(1, 4)))


def _parse(body: Any) -> ZaloEvent | None:
    try:
        event = parse_event(body)
    except ZaloPayloadError as exc:
        message = str(exc)
        assert message and ": " in message  # names the field
        return None
    assert isinstance(event, ZaloEvent)
    assert isinstance(event.app_id, str) and isinstance(event.timestamp, str) and event.timestamp.isdigit()
    for value in vars(event).values():
        assert value is None or isinstance(value, (str, int, bool))
        if isinstance(value, str):
            value.encode("utf-8")  # no lone surrogates get through
    if isinstance(event, FileMessage):
        assert isinstance(event.looks_like_audio, bool)
    return event


@FAST
@given(st.binary(max_size=400))
def test_arbitrary_bytes(body: bytes) -> None:
    _parse(body)
    assert peek_timestamp(body) is None or peek_timestamp(body).isdigit()


@FAST
@given(JSON_LIKE)
def test_arbitrary_json_values(value: Any) -> None:
    body = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    _parse(body)
    _parse(json.dumps(value))  # as str, \\u-escaped


@FAST
@given(mutated_events())
def test_mutated_real_events(event: Any) -> None:
    _parse(json.dumps(event).encode())


@FAST
@given(st.dictionaries(st.text(max_size=12), JSON_LIKE, max_size=6), st.sampled_from([e["event_name"] for e in REAL]))
def test_arbitrary_fields_around_a_valid_envelope(extra: dict[str, Any], name: str) -> None:
    event = {**extra, "app_id": "1", "event_name": name, "timestamp": "1"}
    envelope = parse_envelope(json.dumps(event))
    try:
        event_from_envelope(envelope)
    except ZaloPayloadError:
        pass


def test_odd_bodies_and_types() -> None:
    for body in (b"", b"\xff\xfe", b"\xef\xbb\xbf{}", b"[" * 100_000, b"1e999999", b'{"a":' * 50_000, b"NaN",
                 '{"app_id": 1, "event_name": "x", "timestamp": 1}', memoryview(b"{}"), bytearray(b"{}")):
        _parse(body)
    for wrong in (None, 1, [], {}, object()):
        try:
            parse_event(wrong)  # type: ignore[arg-type]
        except ZaloPayloadError:
            pass
