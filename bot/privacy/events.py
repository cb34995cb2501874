"""Personal data out of Rasa events before they are stored (bot/rasa_ext/tracker_store.py writes every event
through `redact_event_dict`).

What people type and what the assistant answers is stored with phones, ID numbers, application
codes, emails and introduced names replaced (bot/privacy/redact.py), in the user's text, the parsed
text, entity values, metadata, the bot's text and everything in its `data` (custom payload, buttons).

Kept on purpose: the `SlotSet` values of `status_code` and `status_verified`. The status dialogue
(bot/dialogue/status.py) needs the code during a session, also when the next message of the
conversation reaches another replica that reads the stored events. They are kept only as long as
needed: `caunoi purge` (bot/privacy/purge.py) blanks them once their session has expired.

The event's own objects are never changed (the in-memory tracker keeps the text as typed for the
rest of the turn): changed parts are copied, unchanged ones shared. Most strings take redact's fast
path (no long number, no introduction) and recurring strings (the knowledge base's answers, button
payloads) come from a small cache, so this costs a few microseconds per event.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from bot.privacy.redact import CASE_CODE, redact
from bot.status.codes import _CODE, _canonical  # the status dialogue's own (looser) code grammar

KEPT_SLOTS = frozenset({"status_code", "status_verified"})  # blanked by `caunoi purge` after the session
_CODE_ENTITIES = frozenset({"application_code"})
_SIX_DIGITS = re.compile(r"[0-9]{6}")  # every application code has its YYMMDD part


def _replace_code(match: re.Match[str]) -> str:
    return CASE_CODE if _canonical(match) is not None else match.group()


@lru_cache(maxsize=4096)  # the same strings recur: answers, button payloads, intent metadata (memory only)
def redact_text(text: str) -> str:
    """`redact`, plus the application codes the status dialogue accepts in looser forms
    ("h12 22 251103 0042": spaces for dots and dashes), which it reads as codes too."""
    text = redact(text)
    if _SIX_DIGITS.search(text):
        text = _CODE.sub(_replace_code, text)
    return text


def _walk(value: Any) -> Any:
    """`value` with every string redacted; the same object when nothing changed."""
    if isinstance(value, str):
        redacted = redact_text(value)
        return value if redacted == value else redacted
    if isinstance(value, dict):
        copy = None
        for key, item in value.items():
            new = _walk(item)
            if new is not item:
                if copy is None:
                    copy = dict(value)
                copy[key] = new
        return value if copy is None else copy
    if isinstance(value, (list, tuple)):
        items = [_walk(item) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


def _entities(entities: Any) -> Any:
    if not isinstance(entities, list):
        return _walk(entities)
    out = _walk(entities)
    if any(isinstance(e, dict) and e.get("entity") in _CODE_ENTITIES and e.get("value") for e in out):
        out = [
            {**e, "value": CASE_CODE} if isinstance(e, dict) and e.get("entity") in _CODE_ENTITIES and e.get("value")
            else e
            for e in out
        ]
    return out


def _set(data: dict[str, Any], key: str, change: Any) -> None:
    """data[key] = change(data[key]) when the key is there and the value changes."""
    if key in data:
        old = data[key]
        new = change(old)
        if new is not old:
            data[key] = new


def _user(data: dict[str, Any]) -> None:
    _set(data, "text", _walk)
    parse_data = data.get("parse_data")
    if isinstance(parse_data, dict):
        parse_data = dict(parse_data)  # shared with the event object: never change it in place
        _set(parse_data, "text", _walk)
        _set(parse_data, "entities", _entities)
        _set(parse_data, "metadata", _walk)
        data["parse_data"] = parse_data


def _application_code(custom: Any) -> Any:
    application = custom.get("application") if isinstance(custom, dict) else None
    if isinstance(application, dict) and application.get("code"):
        return {**custom, "application": {**application, "code": CASE_CODE}}
    return custom


def _bot(data: dict[str, Any]) -> None:
    _set(data, "text", _walk)
    bot_data = data.get("data")
    if isinstance(bot_data, dict):
        bot_data = _walk(bot_data)
        custom = bot_data.get("custom")
        new_custom = _application_code(custom)
        if new_custom is not custom:
            bot_data = {**bot_data, "custom": new_custom}
        data["data"] = bot_data


def redact_event_dict(data: dict[str, Any]) -> dict[str, Any]:
    """The event dict (`Event.as_dict()`) as it may be stored: personal data replaced, except the
    status slots (see the module docstring). `data` itself is not changed."""
    data = dict(data)
    kind = data.get("event")
    if kind == "user":
        _user(data)
    elif kind == "bot":
        _bot(data)
    elif kind == "slot":
        if data.get("name") not in KEPT_SLOTS:
            _set(data, "value", _walk)
    elif kind in ("entities", "reminder"):
        _set(data, "entities", _entities)
    elif kind == "action":
        _set(data, "action_text", _walk)  # end-to-end bot text, usually None
    _set(data, "metadata", _walk)
    return data
