"""The commune's bilingual team: who speaks which language, and how to reach them.

From the `language_team:` section of caunoi.yml (see that file). A person who asks "tôi muốn nói với
người biết tiếng Ê Đê" gets these names, whether or not the language has translations yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.diacritics import fold
from bot.settings import Settings, settings_section

KEYS = "language_team: {code: {vi_name, also_called, members: [{name, phone, zalo}]}}"


@dataclass(frozen=True)
class Member:
    name: str
    phone: str | None = None
    zalo: str | None = None

    def line(self) -> str:
        reach = [x for x in (self.phone, self.zalo and f"Zalo {self.zalo}") if x]
        return f"• {self.name}" + (f": {', '.join(reach)}" if reach else "")


@dataclass(frozen=True)
class LanguageTeam:
    code: str
    names: tuple[str, ...]  # what Vietnamese speakers call the language ("tiếng Ê Đê", "Ê-đê")
    members: tuple[Member, ...]

    @property
    def vi_name(self) -> str:
        return self.names[0] if self.names else self.code


def load_team(settings: Settings) -> dict[str, LanguageTeam]:
    """The teams by language code; ValueError naming the field when the section is malformed."""
    section = settings_section(settings, "language_team", KEYS)
    teams: dict[str, LanguageTeam] = {}
    for code, raw in section.items():
        where = f"language_team.{code}"
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: must be a mapping ({KEYS})")
        names = [raw.get("vi_name"), *(raw.get("also_called") or [])]
        members = []
        for i, person in enumerate(raw.get("members") or []):
            if not isinstance(person, dict) or not str(person.get("name") or "").strip():
                raise ValueError(f"{where}.members.{i}.name: required")
            if not (person.get("phone") or person.get("zalo")):
                raise ValueError(f"{where}.members.{i}: give a phone or a Zalo number")
            members.append(Member(str(person["name"]).strip(), _text(person.get("phone")), _text(person.get("zalo"))))
        teams[str(code)] = LanguageTeam(str(code), tuple(str(n).strip() for n in names if n), tuple(members))
    return teams


def _text(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w]+", " ", fold(text.lower())).split()


def _bare(name: str) -> str:
    """"tiếng Ê Đê" → "e de": how a name is matched in a message (no "tiếng", no marks, no dashes)."""
    words = _words(re.sub(r"\([^)]*\)", " ", name))  # "(mẫu)", "(Rađê)": a note, not the name
    return " ".join(w for w in words if w not in ("tieng", "dan", "toc", "nguoi"))


def named_language(text: str, names: dict[str, tuple[str, ...]]) -> str | None:
    """The code of the language a message names ("người biết tiếng Ê Đê" → "ede"), longest name first.
    A one-syllable name counts only after "tiếng": "Tày" alone is too often another word."""
    if not names:  # most communes: no team listed, nothing to look for
        return None
    said = " " + " ".join(_words(text)) + " "
    candidates = sorted(((_bare(n), code) for code, ns in names.items() for n in ns if _bare(n)),
                        key=lambda pair: -len(pair[0]))
    for bare, code in candidates:
        if f" tieng {bare} " in said or (" " in bare and f" {bare} " in said):
            return code
    return None
