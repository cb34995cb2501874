"""Typed Zalo OA webhook events.

Zalo POSTs one JSON object per event. Shapes (developers.zalo.me webhook docs; field layouts cross-checked
against open-source integrations, one of which logged a real `oa_send_file` body):

    {"app_id": "360846524940903967", "user_id_by_app": "552177279717587730",
     "event_name": "user_send_text", "timestamp": "1547558341574",
     "sender": {"id": "246845883529197922"}, "recipient": {"id": "388613280878808645"},
     "message": {"msg_id": "96d3cdf3af150460909", "text": "xin chào"}}

    user_send_audio:   message.attachments = [{"type": "audio", "payload": {"url": "https://…aac"}}]
    user_send_file:    message.attachments = [{"type": "file", "payload": {"url", "name", "size": "24165",
                                                 "checksum", "type": "m4a"}}]   # payload.type = extension
    user_send_image:   message.attachments = [{"type": "image", "payload": {"url", "thumbnail"}}]
                       (message.text holds the caption, if any)
    user_send_sticker: message.attachments = [{"type": "sticker", "payload": {"id", "url"}}]
    follow / unfollow: {"app_id", "oa_id", "user_id_by_app", "event_name", "timestamp",
                        "source": "oa_profile", "follower": {"id": "…"}}

A tap on a consultation button (`oa.query.show` / `oa.query.hide`) arrives as an ordinary
`user_send_text` whose text is the button's payload.

The signature covers the raw body and the body's own `timestamp`, so a webhook handler calls
`parse_envelope` first (JSON, `app_id`, `event_name`, `timestamp` only), verifies the signature, and only
then builds the event with `event_from_envelope`. Anything malformed raises `ZaloPayloadError` naming the
field, never another exception type.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

# Extensions (and file "types", which Zalo fills with the extension) a voice recording usually has.
AUDIO_EXTENSIONS = frozenset(
    {"aac", "m4a", "mp3", "ogg", "oga", "opus", "wav", "amr", "3gp", "3gpp", "flac", "wma", "weba", "caf", "mp4a"}
)


class ZaloPayloadError(ValueError):
    """The webhook body is not a well-formed Zalo event; the message names the offending field."""


@dataclass(frozen=True)
class Envelope:
    """What can be read before the signature is checked: enough to verify it, nothing more trusted."""

    app_id: str
    event_name: str
    timestamp: str  # as sent, for the signature
    data: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class ZaloEvent:
    app_id: str
    event_name: str
    timestamp: str
    user_id_by_app: str | None = None


@dataclass(frozen=True, kw_only=True)
class MessageEvent(ZaloEvent):
    user_id: str  # sender.id: the OA-scoped id the message API sends to
    msg_id: str
    oa_id: str | None = None  # recipient.id


@dataclass(frozen=True, kw_only=True)
class TextMessage(MessageEvent):
    text: str


@dataclass(frozen=True, kw_only=True)
class AudioMessage(MessageEvent):
    url: str


@dataclass(frozen=True, kw_only=True)
class FileMessage(MessageEvent):
    url: str
    name: str | None = None
    file_type: str | None = None
    size: int | None = None

    @property
    def looks_like_audio(self) -> bool:
        """People often send a recording made in another app as a file, not as a voice message."""
        try:
            url_path = urlsplit(self.url).path
        except ValueError:
            url_path = ""
        candidates = [self.file_type, _extension(self.name), _extension(url_path)]
        return any(c and c.lower().lstrip(".") in AUDIO_EXTENSIONS for c in candidates)


@dataclass(frozen=True, kw_only=True)
class ImageMessage(MessageEvent):
    url: str
    thumbnail: str | None = None
    caption: str | None = None


@dataclass(frozen=True, kw_only=True)
class StickerMessage(MessageEvent):
    sticker_id: str | None = None
    url: str | None = None


@dataclass(frozen=True, kw_only=True)
class Follow(ZaloEvent):
    user_id: str  # follower.id
    oa_id: str | None = None
    source: str | None = None


@dataclass(frozen=True, kw_only=True)
class Unfollow(ZaloEvent):
    user_id: str
    oa_id: str | None = None
    source: str | None = None


@dataclass(frozen=True, kw_only=True)
class Unsupported(ZaloEvent):
    """Any other event. `user_id` is set only for events a user triggered (`user_*`); the OA's own echoes
    (`oa_send_*`) and system events have None, so a channel that answers users never answers itself."""

    user_id: str | None = None


def parse_envelope(body: bytes | bytearray | memoryview | str) -> Envelope:
    if isinstance(body, str):
        raw: bytes | str = body
    elif isinstance(body, (bytes, bytearray, memoryview)):
        raw = bytes(body)
    else:
        raise ZaloPayloadError(f"body: expected bytes, got {type(body).__name__}")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ZaloPayloadError(f"body: not JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise ZaloPayloadError(f"body: expected a JSON object, got {_json_type(data)}")
    return Envelope(
        app_id=_id(data, "app_id", "app_id"),
        event_name=_str(data, "event_name", "event_name", nonempty=True),
        timestamp=_timestamp(data),
        data=data,
    )


def peek_timestamp(body: bytes) -> str | None:
    """The event timestamp, or None when the body is not a well-formed envelope."""
    try:
        return parse_envelope(body).timestamp
    except ZaloPayloadError:
        return None


def parse_event(body: bytes | bytearray | memoryview | str) -> ZaloEvent:
    return event_from_envelope(parse_envelope(body))


def event_from_envelope(env: Envelope) -> ZaloEvent:
    data = env.data
    common: dict[str, Any] = {
        "app_id": env.app_id,
        "event_name": env.event_name,
        "timestamp": env.timestamp,
        "user_id_by_app": _opt_id(data, "user_id_by_app", "user_id_by_app"),
    }
    name = env.event_name
    if name in ("follow", "unfollow"):
        follower = _obj(data, "follower", "follower")
        cls = Follow if name == "follow" else Unfollow
        return cls(
            **common,
            user_id=_id(follower, "id", "follower.id"),
            oa_id=_opt_id(data, "oa_id", "oa_id"),
            source=_opt_str(data, "source", "source"),
        )
    parser = _MESSAGE_PARSERS.get(name)
    if parser is None:
        return Unsupported(**common, user_id=_unsupported_user(data, name))
    sender = _obj(data, "sender", "sender")
    message = _obj(data, "message", "message")
    recipient = data.get("recipient")
    oa_id = _opt_id(recipient, "id", "recipient.id") if isinstance(recipient, dict) else None
    base = {
        **common,
        "user_id": _id(sender, "id", "sender.id"),
        "msg_id": _id(message, "msg_id", "message.msg_id"),
        "oa_id": oa_id,
    }
    return parser(base, message)


def _text(base: dict[str, Any], message: dict[str, Any]) -> ZaloEvent:
    return TextMessage(**base, text=_str(message, "text", "message.text"))


def _audio(base: dict[str, Any], message: dict[str, Any]) -> ZaloEvent:
    payload, where = _attachment(message, "audio")
    return AudioMessage(**base, url=_url(payload, f"{where}.url"))


def _file(base: dict[str, Any], message: dict[str, Any]) -> ZaloEvent:
    payload, where = _attachment(message, "file")
    return FileMessage(
        **base,
        url=_url(payload, f"{where}.url"),
        name=_opt_str(payload, "name", f"{where}.name"),
        file_type=_opt_str(payload, "type", f"{where}.type"),
        size=_opt_size(payload, f"{where}.size"),
    )


def _image(base: dict[str, Any], message: dict[str, Any]) -> ZaloEvent:
    payload, where = _attachment(message, "image")
    return ImageMessage(
        **base,
        url=_url(payload, f"{where}.url"),
        thumbnail=_opt_str(payload, "thumbnail", f"{where}.thumbnail"),
        caption=_opt_str(message, "text", "message.text"),
    )


def _sticker(base: dict[str, Any], message: dict[str, Any]) -> ZaloEvent:
    payload, where = _attachment(message, "sticker")
    return StickerMessage(
        **base,
        sticker_id=_opt_id(payload, "id", f"{where}.id"),
        url=_opt_str(payload, "url", f"{where}.url"),
    )


_MESSAGE_PARSERS = {
    "user_send_text": _text,
    "user_send_audio": _audio,
    "user_send_file": _file,
    "user_send_image": _image,
    "user_send_sticker": _sticker,
}


def _attachment(message: dict[str, Any], kind: str) -> tuple[dict[str, Any], str]:
    """The first attachment of `kind` (Zalo sends one; `type` is checked only when present)."""
    attachments = message.get("attachments")
    if attachments is None:
        raise ZaloPayloadError("message.attachments: missing")
    if not isinstance(attachments, list):
        raise ZaloPayloadError(f"message.attachments: expected array, got {_json_type(attachments)}")
    if not attachments:
        raise ZaloPayloadError("message.attachments: empty")
    for index, item in enumerate(attachments):
        where = f"message.attachments[{index}]"
        if not isinstance(item, dict):
            raise ZaloPayloadError(f"{where}: expected object, got {_json_type(item)}")
        item_type = _opt_str(item, "type", f"{where}.type")
        if item_type is None or item_type == kind:
            return _obj(item, "payload", f"{where}.payload"), f"{where}.payload"
    raise ZaloPayloadError(f"message.attachments: no attachment of type {kind!r}")


def _unsupported_user(data: dict[str, Any], name: str) -> str | None:
    if not name.startswith("user_"):
        return None
    sender = data.get("sender")
    if not isinstance(sender, dict):
        return None
    try:
        return _opt_id(sender, "id", "sender.id")
    except ZaloPayloadError:
        return None


def _timestamp(data: dict[str, Any]) -> str:
    value = data.get("timestamp")
    if value is None:
        raise ZaloPayloadError("timestamp: missing")
    # Zalo sends a string of digits; an integer is accepted because its JSON text is the same digits.
    # Not a negative one: "-1" is not a string of digits (found by tests/unit/bot/channels/zalo/test_events_fuzz.py).
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return value
    raise ZaloPayloadError(f"timestamp: expected a string of digits, got {_json_type(value)}")


def _obj(container: Any, key: str, where: str) -> dict[str, Any]:
    value = container.get(key)
    if value is None:
        raise ZaloPayloadError(f"{where}: missing")
    if not isinstance(value, dict):
        raise ZaloPayloadError(f"{where}: expected object, got {_json_type(value)}")
    return value


def _str(container: dict[str, Any], key: str, where: str, *, nonempty: bool = False) -> str:
    value = _opt_str(container, key, where)
    if value is None:
        raise ZaloPayloadError(f"{where}: missing")
    if nonempty and not value.strip():
        raise ZaloPayloadError(f"{where}: empty")
    return value


def _opt_str(container: dict[str, Any], key: str, where: str) -> str | None:
    value = container.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ZaloPayloadError(f"{where}: expected string, got {_json_type(value)}")
    try:
        value.encode("utf-8")  # JSON can smuggle lone surrogates that would break every later encode
    except UnicodeEncodeError:
        raise ZaloPayloadError(f"{where}: invalid unicode") from None
    return value


def _url(payload: dict[str, Any], where: str) -> str:
    """Media URLs are fetched later, so only absolute http(s) URLs get through."""
    value = _str(payload, "url", where, nonempty=True)
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        raise ZaloPayloadError(f"{where}: not a URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ZaloPayloadError(f"{where}: not an http(s) URL")
    return value.strip()


def _id(container: dict[str, Any], key: str, where: str) -> str:
    value = _opt_id(container, key, where)
    if value is None:
        raise ZaloPayloadError(f"{where}: missing")
    return value


def _opt_id(container: dict[str, Any], key: str, where: str) -> str | None:
    """Ids are strings of digits or hex; an integer is tolerated (same JSON digits), anything else is not."""
    value = container.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    value = _opt_str(container, key, where)
    if value is None or not value.strip():
        raise ZaloPayloadError(f"{where}: empty")
    return value


def _opt_size(payload: dict[str, Any], where: str) -> int | None:
    value = payload.get("size")
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)  # Zalo sends the size as a string ("24165")
    raise ZaloPayloadError(f"{where}: expected a non-negative integer, got {_json_type(value)}")


def _extension(name: str | None) -> str | None:
    if not name:
        return None
    suffix = PurePosixPath(name).suffix
    return suffix[1:] if suffix else None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
