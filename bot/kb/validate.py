"""Turn one parsed YAML mapping into a `Procedure`, collecting every problem with its field path.

Errors name the field ("documents[2].copies") and what is wrong, so whoever edits the file can fix
it without reading code.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bot.kb.model import (
    ICONS,
    ONLINE_CHANNELS,
    Document,
    Fee,
    Online,
    Procedure,
    ProcessingTime,
    Source,
)
from bot.nlu.normalize import normalize_folded

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
CODE_PATTERN = re.compile(r"^\d\.\d{6}$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")

MAX_SUMMARY = 300
MAX_DOC_NAME = 140
MAX_STEP = 220
MAX_DOCUMENTS = 12
MAX_STEPS = 8
MAX_SITUATION_WORDS = 12
# A procedure button: Telegram and Zalo show about this much on one line of a phone screen.
MAX_BUTTON = 30
# The top-level marker of an entry drafted from the national portal and not yet checked by staff
# (`caunoi kb draft`, procedures_kb/README.md). A draft is never served: see `is_draft`.
DRAFT_KEY = "draft"


def is_draft(data: Any) -> bool:
    """A mapping that carries the draft marker with any value but `false`. `draft: true` is the marker;
    an unexpected value (`draft: "có"`, an empty `draft:`) still keeps the entry out of the answers: an
    entry is served only once the marker is gone (or explicitly false), never on a guess that it was checked."""
    return isinstance(data, dict) and DRAFT_KEY in data and data[DRAFT_KEY] is not False


class FieldErrors:
    """Collects "field: message" strings while a mapping is checked."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}")


class _Reader:
    def __init__(self, data: dict[str, Any], path: str, errors: FieldErrors) -> None:
        self.data = data
        self.path = path
        self.errors = errors

    def _at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def text(self, key: str, required: bool = True, max_len: int | None = None) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.errors.add(self._at(key), "is required")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.errors.add(self._at(key), f"must be a non-empty text, got {value!r}")
            return None
        if max_len and len(value) > max_len:
            self.errors.add(self._at(key), f"is {len(value)} characters, limit is {max_len}")
        return value.strip()

    def texts(
        self, key: str, required: bool = True, min_items: int = 0, max_items: int | None = None,
        max_len: int | None = None,
    ) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.errors.add(self._at(key), "is required (a list, may be empty)")
            return ()
        if not isinstance(value, list):
            self.errors.add(self._at(key), f"must be a list, got {type(value).__name__}")
            return ()
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.errors.add(f"{self._at(key)}[{i}]", f"must be a non-empty text, got {item!r}")
                continue
            if max_len and len(item) > max_len:
                self.errors.add(
                    f"{self._at(key)}[{i}]", f"is {len(item)} characters, limit is {max_len}"
                )
            out.append(item.strip())
        if len(value) < min_items:
            self.errors.add(self._at(key), f"needs at least {min_items} items, has {len(value)}")
        if max_items is not None and len(value) > max_items:
            self.errors.add(self._at(key), f"has {len(value)} items, limit is {max_items}")
        return tuple(out)

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.errors.add(self._at(key), f"must be true or false, got {value!r}")
            return False
        return value

    def mapping(self, key: str) -> _Reader | None:
        value = self.data.get(key)
        if value is None:
            self.errors.add(self._at(key), "is required")
            return None
        if not isinstance(value, dict):
            self.errors.add(self._at(key), f"must be a mapping, got {type(value).__name__}")
            return None
        return _Reader(value, self._at(key), self.errors)

    def records(self, key: str, min_items: int, max_items: int | None = None) -> list[_Reader]:
        value = self.data.get(key)
        if not isinstance(value, list):
            self.errors.add(self._at(key), "is required and must be a list")
            return []
        if len(value) < min_items:
            self.errors.add(self._at(key), f"needs at least {min_items} items, has {len(value)}")
        if max_items is not None and len(value) > max_items:
            self.errors.add(self._at(key), f"has {len(value)} items, limit is {max_items}")
        readers = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.errors.add(f"{self._at(key)}[{i}]", "must be a mapping")
                continue
            readers.append(_Reader(item, f"{self._at(key)}[{i}]", self.errors))
        return readers


def _document(r: _Reader) -> Document:
    icon = r.data.get("icon", "other")
    if icon not in ICONS:
        r.errors.add(r._at("icon"), f"unknown icon {icon!r}, use one of {', '.join(ICONS)}")
        icon = "other"
    return Document(
        name=r.text("name", max_len=MAX_DOC_NAME) or "",
        copies=r.text("copies") or "",
        when=r.text("when", required=False),
        notes=r.text("notes", required=False),
        icon=icon,
    )


def _date_text(r: _Reader, key: str, required: bool = True) -> str | None:
    """A date YYYY-MM-DD or YYYY-MM. Not `required`: left out (or left empty, `date:`) gives None."""
    value = r.data.get(key)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    text = r.text(key, required=required)
    if text and not DATE_PATTERN.match(text):
        r.errors.add(r._at(key), f"must be a date YYYY-MM-DD or YYYY-MM, got {text!r}")
    return text


def _button(r: _Reader) -> str | None:
    """`button`: optional short label for a procedure button, one line of at most MAX_BUTTON characters."""
    label = r.text("button", required=False, max_len=MAX_BUTTON)
    if label and ("\n" in label or "\r" in label):
        r.errors.add("button", "must be one line")
    return label


def _situations(r: _Reader, aliases: tuple[str, ...]) -> tuple[str, ...]:
    """`situations`: optional list of short, one-line texts, none repeated (after folding) and none
    equal to an alias: a situation describes the need without naming the procedure."""
    value = r.data.get("situations")
    situations = r.texts("situations", required=False)
    if not isinstance(value, list):
        return situations
    alias_keys = {normalize_folded(a) for a in aliases}
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            continue  # reported by `texts`
        at = f"situations[{i}]"
        words = len(item.split())
        if words > MAX_SITUATION_WORDS:
            r.errors.add(at, f"has {words} words, limit is {MAX_SITUATION_WORDS}")
        if "\n" in item.strip() or "\r" in item.strip():
            r.errors.add(at, "must be one line")
        key = normalize_folded(item)
        if key in seen:
            r.errors.add(at, f"{item.strip()!r} repeats situations[{seen[key]}]")
        elif key in alias_keys:
            r.errors.add(at, f"{item.strip()!r} is an alias: a situation describes the need, not the name")
        seen.setdefault(key, i)
    return situations


def _key_label(key: Any) -> str:
    """An unknown key as a field name. Shown quoted when it is empty or odd: the loader splits each error at
    its first ": ", so a key such as "" or "a: b" must not become an empty or wrong field (found by
    tests/unit/bot/kb/test_loader_fuzz.py)."""
    text = str(key)
    if isinstance(key, str) and re.fullmatch(r"[\w\-]+", text):
        return text
    return repr(key)[:80].replace(": ", ":")


def procedure_from_mapping(data: Any, expected_id: str) -> tuple[Procedure | None, list[str]]:
    """Validate `data`; return the procedure (None when any error) and the error list."""
    errors = FieldErrors()
    if not isinstance(data, dict):
        return None, [f"(top level): must be a mapping of fields, got {type(data).__name__}"]
    r = _Reader(data, "", errors)
    known = {*Procedure.__dataclass_fields__, DRAFT_KEY}  # `draft: false` is allowed; any other value is a draft
    for key in data:
        if key not in known:
            errors.add(_key_label(key), "unknown field (see procedures_kb/README.md)")

    pid = r.text("id") or ""
    if pid and not ID_PATTERN.match(pid):
        errors.add("id", f"must be snake_case letters, digits and _, got {pid!r}")
    elif pid and pid != expected_id:
        errors.add("id", f"is {pid!r} but the file is named {expected_id!r}.yml")
    code = r.text("code") or ""
    if code and not CODE_PATTERN.match(code):
        errors.add("code", f"must look like 1.001193, got {code!r}")

    fee_r = r.mapping("fee")
    fee = Fee(
        amount=(fee_r.text("amount") or "") if fee_r else "",
        details=fee_r.texts("details", required=False) if fee_r else (),
        exemptions=fee_r.texts("exemptions", required=False) if fee_r else (),
        reductions=fee_r.texts("reductions", required=False) if fee_r else (),
        confirm_at_office=fee_r.flag("confirm_at_office") if fee_r else False,
    )
    time_r = r.mapping("processing_time")
    processing_time = ProcessingTime(
        text=(time_r.text("text") or "") if time_r else "",
        confirm_at_office=time_r.flag("confirm_at_office") if time_r else False,
    )
    online_r = r.mapping("online")
    online = Online(available=False)
    if online_r:
        channels = online_r.texts("channels", required=False)
        for ch in channels:
            if ch not in ONLINE_CHANNELS:
                errors.add("online.channels", f"unknown channel {ch!r}, use {ONLINE_CHANNELS}")
        online = Online(
            available=online_r.flag("available"),
            channels=channels,
            how=online_r.texts("how", required=False),
            notes=online_r.text("notes", required=False),
        )
        if "available" not in online_r.data:
            errors.add("online.available", "is required")

    sources = tuple(
        Source(
            ref=s.text("ref") or "",
            title=s.text("title") or "",
            # Optional: an undated source is left without a date, never given a guessed one.
            date=_date_text(s, "date", required=False),
            url=s.text("url", required=False),
        )
        for s in r.records("sources", min_items=1)
    )
    documents = tuple(_document(d) for d in r.records("documents", 1, MAX_DOCUMENTS))
    aliases = r.texts("aliases", min_items=5)

    procedure = Procedure(
        id=pid,
        code=code,
        name=r.text("name") or "",
        short_name=r.text("short_name") or "",
        summary=r.text("summary", max_len=MAX_SUMMARY) or "",
        aliases=aliases,
        authority=r.text("authority") or "",
        where=r.text("where") or "",
        documents=documents,
        fee=fee,
        processing_time=processing_time,
        steps=r.texts("steps", min_items=1, max_items=MAX_STEPS, max_len=MAX_STEP),
        online=online,
        result=r.text("result") or "",
        legal_basis=r.texts("legal_basis", min_items=1),
        minority_notes=r.texts("minority_notes"),
        sources=sources,
        verified_on=_date_text(r, "verified_on") or "",
        related_codes=r.texts("related_codes", required=False),
        who_can_apply=r.text("who_can_apply", required=False),
        deadline=r.text("deadline", required=False),
        bring_to_show=r.texts("bring_to_show", required=False),
        caveats=r.texts("caveats", required=False),
        situations=_situations(r, aliases),
        button=_button(r),
    )
    if procedure.verified_on and len(procedure.verified_on) != 10:
        errors.add("verified_on", "must be a full date YYYY-MM-DD")
    return (None if errors.items else procedure), errors.items
