"""The languages this installation can speak: every pack in `languages/`, and those offered to people.

A pack is offered only when its core texts are approved and fresh (`pack.missing_core`); with none
offered, the assistant is exactly the Vietnamese one. A pack that cannot be read is reported and left
out; it never stops the assistant.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.kb import KnowledgeBase
from bot.languages.pack import LanguagePack, load_pack, missing_core
from bot.languages.recordings import Recordings, RecordingsError
from bot.languages.wording import VIETNAMESE, VIETNAMESE_CODE, Translation, Wording
from bot.settings import Commune

logger = logging.getLogger(__name__)


@dataclass
class Languages:
    packs: dict[str, LanguagePack] = field(default_factory=dict)  # every readable pack
    offered: dict[str, LanguagePack] = field(default_factory=dict)  # those past the gate
    missing: dict[str, list[str]] = field(default_factory=dict)  # per pack, the core texts it lacks
    errors: list[str] = field(default_factory=list)
    recordings: dict[str, Recordings] = field(default_factory=dict)  # of the offered packs

    def wording(self, code: str | None) -> Wording:
        pack = self.offered.get(code or "")
        return Translation(pack) if pack is not None else VIETNAMESE

    def is_offered(self, code: str | None) -> bool:
        return code == VIETNAMESE_CODE or code in self.offered


NONE = Languages()


def load_languages(folder: Path, kb: KnowledgeBase, commune: Commune, top: Iterable[str]) -> Languages:
    found = Languages()
    if not folder.is_dir():
        return found
    top = tuple(top)
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        try:
            pack = load_pack(sub)
        except ValueError as exc:
            found.errors.append(str(exc))
            continue
        found.packs[pack.code] = pack
        found.errors += pack.errors
        found.missing[pack.code] = missing_core(pack, kb, commune, top)
        if not found.missing[pack.code]:
            found.offered[pack.code] = pack
            try:
                found.recordings[pack.code] = Recordings.load(sub)
            except RecordingsError as exc:  # the texts are still served, without recordings
                found.errors.append(str(exc))
    for error in found.errors:
        logger.warning("language pack: %s", error)
    for code, missing in found.missing.items():
        if missing:
            logger.info("language %s not offered yet: %d core texts not approved (`caunoi lang status`)",
                        code, len(missing))
    return found
