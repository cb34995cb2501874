"""Typed view of one procedure entry in `procedures_kb/` (see procedures_kb/README.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

ICONS = (
    "form", "certificate", "id_card", "photo", "letter", "residence", "medical", "household",
    "money", "other",
)
ONLINE_CHANNELS = ("vneid", "dvcqg", "dvc_tinh")


@dataclass(frozen=True)
class Document:
    name: str
    copies: str
    when: str | None = None
    notes: str | None = None
    icon: str = "other"


@dataclass(frozen=True)
class Fee:
    amount: str
    details: tuple[str, ...] = ()
    exemptions: tuple[str, ...] = ()
    reductions: tuple[str, ...] = ()
    confirm_at_office: bool = False


@dataclass(frozen=True)
class ProcessingTime:
    text: str
    confirm_at_office: bool = False


@dataclass(frozen=True)
class Online:
    available: bool
    channels: tuple[str, ...] = ()
    how: tuple[str, ...] = ()
    notes: str | None = None


@dataclass(frozen=True)
class Source:
    ref: str
    title: str
    # None when the source itself carries no date: a guessed month would look like a checked fact.
    date: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Procedure:
    id: str
    code: str
    name: str
    short_name: str
    summary: str
    aliases: tuple[str, ...]
    authority: str
    where: str
    documents: tuple[Document, ...]
    fee: Fee
    processing_time: ProcessingTime
    steps: tuple[str, ...]
    online: Online
    result: str
    legal_basis: tuple[str, ...]
    minority_notes: tuple[str, ...]
    sources: tuple[Source, ...]
    verified_on: str
    related_codes: tuple[str, ...] = ()
    who_can_apply: str | None = None
    deadline: str | None = None
    bring_to_show: tuple[str, ...] = ()
    caveats: tuple[str, ...] = field(default=())
    # How people describe their need without naming the procedure ("vợ em mới sinh em bé"); exported
    # to the NLU data for a learned procedure classifier (bot/nlu/generate.py).
    situations: tuple[str, ...] = ()
    # A short label for a procedure button ("Làm giấy khai sinh"); `name` is formal and `short_name` a
    # phrase for sentences, both often too long for a Telegram or Zalo button.
    button: str | None = None

    @property
    def button_label(self) -> str:
        """The text of a button that picks this procedure: `button`, else `short_name` capitalized."""
        label = self.button or self.short_name
        return label[:1].upper() + label[1:]
