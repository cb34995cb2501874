"""How the answers are worded: in Vietnamese, or in a language a commune's team translated.

A `Wording` gives the assistant's phrases and a view of a procedure and of the commune desk in which
every translatable text is that language's. A text with no approved, fresh translation raises
`Untranslated`; `in_language` then gives that part in Vietnamese, introduced by one approved line
saying so. Nothing is ever machine translated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import is_dataclass
from typing import Any, Protocol, TypeVar

from bot.dialogue.phrases import PHRASES
from bot.kb.model import Procedure
from bot.languages.texts import COMMUNE_FIELDS, COMMUNE_PREFIX, PROCEDURE_FIELDS, field_pattern
from bot.settings import Commune

VIETNAMESE_CODE = "vi"
T = TypeVar("T")


class Untranslated(LookupError):
    """No approved, fresh translation of `key` in this language."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class Texts(Protocol):
    """What a language pack answers (bot/languages/pack.py): the served translation or None."""

    code: str

    def phrase(self, key: str) -> str | None: ...

    def text(self, procedure_id: str, key: str, vietnamese: str) -> str | None: ...

    def commune_text(self, key: str, vietnamese: str) -> str | None: ...


class Wording:
    """Vietnamese: the phrases as written and the knowledge base as it is."""

    code = VIETNAMESE_CODE

    @property
    def marks(self) -> str | None:
        """The language a reply worded here is marked with (`Reply.language`): none for Vietnamese, so a
        Vietnamese reply's `custom` is what it always was."""
        return None

    def phrase(self, key: str, **values: str) -> str:
        return PHRASES[key].format(**values)

    def phrase_or_vietnamese(self, key: str, **values: str) -> str:
        """For a button title, where no introduction fits: the translation, else Vietnamese."""
        try:
            return self.phrase(key, **values)
        except Untranslated:
            return PHRASES[key].format(**values)

    def procedure(self, p: T) -> T:
        return p

    def commune(self, commune: Commune) -> Commune:
        return commune

    def contact(self, commune: Commune) -> str:
        """The desk in one line: what it is and its hours in this language, its name, address and phone
        as written."""
        c = self.commune(commune)
        return self.phrase("contact", desk=c.desk, name=c.name, address=c.address, hours=c.hours, phone=c.phone)


VIETNAMESE = Wording()


class Translation(Wording):
    """A language's approved, fresh texts; anything else raises `Untranslated`."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        self.code = texts.code

    @property
    def marks(self) -> str | None:
        return self.code

    def phrase(self, key: str, **values: str) -> str:
        template = self.texts.phrase(key)
        if template is None:
            raise Untranslated(key)
        return template.format(**values)

    def procedure(self, p: T) -> T:
        pid = p.id  # type: ignore[attr-defined]
        return _View(p, lambda key, vi: self.texts.text(pid, key, vi), PROCEDURE_FIELDS, "", pid)  # type: ignore[return-value]

    def commune(self, commune: Commune) -> Commune:
        return _View(commune, lambda key, vi: self.texts.commune_text(COMMUNE_PREFIX + key, vi),  # type: ignore[return-value]
                     COMMUNE_FIELDS, "", COMMUNE_PREFIX.rstrip("."))


class _View:
    """An entry read through a translation: its translatable texts translated, the rest as they are.
    A text is looked up only when read, so an answer needs only the texts it shows."""

    __slots__ = ("_obj", "_lookup", "_fields", "_prefix", "_owner")

    def __init__(self, obj: Any, lookup: Callable[[str, str], str | None], fields: frozenset[str],
                 prefix: str, owner: str) -> None:
        self._obj, self._lookup, self._fields, self._prefix, self._owner = obj, lookup, fields, prefix, owner

    def __getattr__(self, name: str) -> Any:
        return self._translate(self._prefix + name, getattr(self._obj, name))

    def _translate(self, key: str, value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip() or field_pattern(key) not in self._fields:
                return value
            found = self._lookup(key, value)
            if found is None:
                raise Untranslated(f"{self._owner}:{key}")
            return found
        if isinstance(value, tuple):
            return tuple(self._translate(f"{key}.{i}", item) for i, item in enumerate(value))
        if is_dataclass(value) and not isinstance(value, type):
            return _View(value, self._lookup, self._fields, key + ".", self._owner)
        return value

    # The entry's own rule, read through the view: the button's text in the translation.
    button_label = Procedure.button_label


def in_language(wording: Wording, make: Callable[[Wording], str]) -> tuple[str, bool]:
    """`make` in this wording; else in Vietnamese after the approved "this part is in Vietnamese"
    line. Returns the text and whether it is translated."""
    try:
        return make(wording), True
    except Untranslated:
        vietnamese = make(VIETNAMESE)
    if wording.code == VIETNAMESE_CODE:
        return vietnamese, False
    try:
        return wording.phrase("language.in_vietnamese") + "\n" + vietnamese, False
    except Untranslated:  # a pack that lost its core line since it was offered: Vietnamese alone
        return vietnamese, False
