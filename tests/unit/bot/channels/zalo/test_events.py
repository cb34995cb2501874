"""Webhook event parsing: realistic Zalo payloads, and junk that must only ever raise ZaloPayloadError."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.zalo.events import (
    AudioMessage,
    FileMessage,
    Follow,
    ImageMessage,
    StickerMessage,
    TextMessage,
    Unfollow,
    Unsupported,
    ZaloEvent,
    ZaloPayloadError,
    parse_envelope,
    parse_event,
    peek_timestamp,
)

APP = "360846524940903967"
USER = "246845883529197922"
OA = "388613280878808645"
BY_APP = "552177279717587730"


def message_event(event_name: str, message: dict[str, Any]) -> dict[str, Any]:
    # Layout of the examples in Zalo's webhook docs.
    return {"app_id": APP, "sender": {"id": USER}, "user_id_by_app": BY_APP, "recipient": {"id": OA},
            "event_name": event_name, "message": message, "timestamp": "1547558341574"}


TEXT = message_event("user_send_text", {"msg_id": "96d3cdf3af150460909", "text": "Làm giấy khai sinh thế nào?"})
AUDIO = message_event("user_send_audio", {"msg_id": "a1b2", "attachments": [
    {"type": "audio", "payload": {"url": "https://f2-voice-aac-dl.zdn.vn/7161588375936326558/2e67445195e474ba2df5.aac"}}
]})
FILE = message_event("user_send_file", {"msg_id": "f3af2263f0673c3f6570", "attachments": [
    {"payload": {"size": "24165", "name": "ghi_am_01.m4a", "checksum": "2d018db1ed7ec464a85709c9c580d343",
                 "type": "m4a", "url": "https://ot51.dlfl.vn/13e0e523d31972472b08/8536413009756936687"},
     "type": "file"}
]})
IMAGE = message_event("user_send_image", {"msg_id": "img1", "text": "giấy tờ của tôi", "attachments": [
    {"type": "image", "payload": {"thumbnail": "https://photo-stal-1.zdn.vn/t.jpg",
                                  "url": "https://photo-stal-1.zdn.vn/full.jpg"}}
]})
STICKER = message_event("user_send_sticker", {"msg_id": "st1", "attachments": [
    {"type": "sticker", "payload": {"id": "bfe458bf64fa8da4d4eb", "url": "https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=46991&size=130"}}
]})
LINK = message_event("user_send_link", {"msg_id": "l1", "text": "https://dichvucong.gov.vn", "attachments": [
    {"type": "link", "payload": {"thumbnail": "", "description": "Cổng DVC", "url": "https://dichvucong.gov.vn"}}
]})
LOCATION = message_event("user_send_location", {"msg_id": "loc1", "attachments": [
    {"type": "location", "payload": {"coordinates": {"latitude": "21.0285", "longitude": "105.8542"}}}
]})
FOLLOW = {"oa_id": "579745863508352884", "follower": {"id": "4143184114496869958"}, "user_id_by_app": BY_APP,
          "event_name": "follow", "source": "testing_webhook", "app_id": APP, "timestamp": "1547558341574"}
UNFOLLOW = {**FOLLOW, "event_name": "unfollow", "source": "oa_profile"}
OA_ECHO = {"app_id": APP, "sender": {"id": OA, "admin_id": "8309393969855402319"}, "recipient": {"id": USER},
           "event_name": "oa_send_text", "message": {"msg_id": "echo1", "text": "Chào bạn"},
           "timestamp": "1547558341574", "user_id_by_app": BY_APP}
SEEN = {"app_id": APP, "sender": {"id": USER}, "recipient": {"id": OA}, "event_name": "user_seen_message",
        "message": {"msg_ids": ["echo1"]}, "timestamp": "1547558341574"}

REALISTIC = [TEXT, AUDIO, FILE, IMAGE, STICKER, LINK, LOCATION, FOLLOW, UNFOLLOW, OA_ECHO, SEEN]


def body(event: Any) -> bytes:
    return json.dumps(event, ensure_ascii=False).encode("utf-8")


def test_text() -> None:
    event = parse_event(body(TEXT))
    assert event == TextMessage(app_id=APP, event_name="user_send_text", timestamp="1547558341574",
                                user_id_by_app=BY_APP, user_id=USER, msg_id="96d3cdf3af150460909", oa_id=OA,
                                text="Làm giấy khai sinh thế nào?")


def test_button_tap_is_a_text_with_the_payload() -> None:
    tap = message_event("user_send_text", {"msg_id": "t9", "text": '/chon_thu_tuc{"thu_tuc":"khai_sinh"}'})
    event = parse_event(body(tap))
    assert isinstance(event, TextMessage) and event.text == '/chon_thu_tuc{"thu_tuc":"khai_sinh"}'


def test_audio() -> None:
    event = parse_event(body(AUDIO))
    assert isinstance(event, AudioMessage)
    assert event.url.endswith("2e67445195e474ba2df5.aac") and event.user_id == USER and event.msg_id == "a1b2"


def test_file_with_string_size_and_audio_guess() -> None:
    event = parse_event(body(FILE))
    assert isinstance(event, FileMessage)
    assert (event.name, event.file_type, event.size) == ("ghi_am_01.m4a", "m4a", 24165)
    assert event.looks_like_audio


@pytest.mark.parametrize(("name", "file_type", "url", "audio"), [
    ("bao_cao.pdf", "pdf", "https://ot51.dlfl.vn/x/1", False),
    ("voice.AMR", None, "https://ot51.dlfl.vn/x/1", True),
    (None, "ogg", "https://ot51.dlfl.vn/x/1", True),
    (None, None, "https://ot51.dlfl.vn/x/rec.wav?x=1", True),
    ("anh.jpg", "jpg", "https://ot51.dlfl.vn/x/1.mp3", True),
    (None, None, "https://ot51.dlfl.vn/x/1", False),
])
def test_file_audio_guess(name: str | None, file_type: str | None, url: str, audio: bool) -> None:
    payload: dict[str, Any] = {"url": url}
    if name is not None:
        payload["name"] = name
    if file_type is not None:
        payload["type"] = file_type
    event = parse_event(body(message_event("user_send_file", {"msg_id": "f", "attachments": [
        {"type": "file", "payload": payload}]})))
    assert isinstance(event, FileMessage) and event.looks_like_audio is audio


def test_image_and_sticker() -> None:
    image = parse_event(body(IMAGE))
    assert isinstance(image, ImageMessage)
    assert image.url.endswith("full.jpg") and image.thumbnail.endswith("t.jpg") and image.caption == "giấy tờ của tôi"
    sticker = parse_event(body(STICKER))
    assert isinstance(sticker, StickerMessage) and sticker.sticker_id == "bfe458bf64fa8da4d4eb"


def test_follow_unfollow() -> None:
    follow = parse_event(body(FOLLOW))
    assert follow == Follow(app_id=APP, event_name="follow", timestamp="1547558341574", user_id_by_app=BY_APP,
                            user_id="4143184114496869958", oa_id="579745863508352884", source="testing_webhook")
    unfollow = parse_event(body(UNFOLLOW))
    assert isinstance(unfollow, Unfollow) and unfollow.user_id == "4143184114496869958"


def test_unsupported_events() -> None:
    for event, user in ((LINK, USER), (LOCATION, USER), (SEEN, USER), (OA_ECHO, None)):
        parsed = parse_event(body(event))
        assert isinstance(parsed, Unsupported), event["event_name"]
        assert parsed.event_name == event["event_name"] and parsed.user_id == user
    # The OA's own echo must not look like a user to answer.
    assert parse_event(body(OA_ECHO)).user_id is None  # type: ignore[attr-defined]


def test_numeric_timestamp_and_ids_keep_their_digits() -> None:
    raw = b'{"app_id":360846524940903967,"event_name":"user_send_text","timestamp":1547558341574,' \
          b'"sender":{"id":246845883529197922},"message":{"msg_id":"m","text":"a"}}'
    event = parse_event(raw)
    assert isinstance(event, TextMessage)
    assert (event.timestamp, event.app_id, event.user_id) == ("1547558341574", APP, USER)


def test_envelope_before_signature() -> None:
    env = parse_envelope(body(TEXT))
    assert (env.app_id, env.event_name, env.timestamp) == (APP, "user_send_text", "1547558341574")
    assert peek_timestamp(body(TEXT)) == "1547558341574"
    assert peek_timestamp(b"nope") is None
    # The envelope does not look at the message: a forged body is rejected by the signature first.
    env = parse_envelope(b'{"app_id":"1","event_name":"user_send_text","timestamp":"5","message":7}')
    assert env.timestamp == "5"


def without(event: dict[str, Any], *path: Any) -> dict[str, Any]:
    copied = copy.deepcopy(event)
    target = copied
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return copied


def replaced(event: dict[str, Any], value: Any, *path: Any) -> dict[str, Any]:
    copied = copy.deepcopy(event)
    target = copied
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copied


@pytest.mark.parametrize(("raw", "field"), [
    (b"", "body: not JSON"),
    (b"\xff\xfe\x00garbage", "body: not JSON"),
    (b"[1, 2]", "body: expected a JSON object"),
    (b"[" * 100_000, "body: not JSON"),
    (body(without(TEXT, "message", "text")), "message.text: missing"),
    (body(replaced(TEXT, 42, "message", "text")), "message.text: expected string"),
    (body(without(TEXT, "message")), "message: missing"),
    (body(replaced(TEXT, "hi", "message")), "message: expected object"),
    (body(without(TEXT, "sender")), "sender: missing"),
    (body(without(TEXT, "sender", "id")), "sender.id: missing"),
    (body(replaced(TEXT, True, "sender", "id")), "sender.id: expected string"),
    (body(without(TEXT, "message", "msg_id")), "message.msg_id: missing"),
    (body(without(TEXT, "timestamp")), "timestamp: missing"),
    (body(replaced(TEXT, "soon", "timestamp")), "timestamp: expected a string of digits"),
    (body(replaced(TEXT, 1.5e12, "timestamp")), "timestamp: expected a string of digits"),
    (body(without(TEXT, "app_id")), "app_id: missing"),
    (body(without(TEXT, "event_name")), "event_name: missing"),
    (body(without(AUDIO, "message", "attachments")), "message.attachments: missing"),
    (body(replaced(AUDIO, [], "message", "attachments")), "message.attachments: empty"),
    (body(replaced(AUDIO, "javascript:alert(1)", "message", "attachments", 0, "payload", "url")),
     "message.attachments[0].payload.url: not an http(s) URL"),
    (body(replaced(FILE, "-3", "message", "attachments", 0, "payload", "size")),
     "message.attachments[0].payload.size"),
    (body(replaced(AUDIO, "image", "message", "attachments", 0, "type")),
     "message.attachments: no attachment of type 'audio'"),
    (body(without(FOLLOW, "follower")), "follower: missing"),
    (b'{"app_id":"1","event_name":"user_send_text","timestamp":"5","sender":{"id":"u"},'
     b'"message":{"msg_id":"m","text":"\\ud800"}}', "message.text: invalid unicode"),
])
def test_malformed_names_the_field(raw: bytes, field: str) -> None:
    with pytest.raises(ZaloPayloadError) as info:
        parse_event(raw)
    assert str(info.value).startswith(field)


def check_only_payload_errors(raw: bytes | str) -> None:
    try:
        event = parse_event(raw)
    except ZaloPayloadError as exc:
        assert str(exc)
    else:
        assert isinstance(event, ZaloEvent)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes(raw: bytes) -> None:
    check_only_payload_errors(raw)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_random_json(value: Any) -> None:
    check_only_payload_errors(json.dumps(value).encode())


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(REALISTIC), st.data(), json_values, st.booleans())
def test_mutated_realistic_payloads(event: dict[str, Any], data: st.DataObject, junk: Any, delete: bool) -> None:
    path = data.draw(st.sampled_from(paths(event)))
    mutated = without(event, *path) if delete else replaced(event, junk, *path)
    check_only_payload_errors(json.dumps(mutated).encode())


@pytest.mark.parametrize("event", REALISTIC, ids=lambda e: e["event_name"])
def test_every_realistic_payload_parses(event: dict[str, Any]) -> None:
    assert isinstance(parse_event(body(event)), ZaloEvent)
    assert isinstance(parse_event(body(event).decode()), ZaloEvent)
