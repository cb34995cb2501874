"""A language pack: the translations a commune's bilingual team made, read from `languages/<code>/`.

    languages/<code>/language.yml          code, Vietnamese name, other names, script
    languages/<code>/phrases.yml           the assistant's phrases, "language.name", "commune.desk"...
    languages/<code>/procedures/<id>.yml   one knowledge-base entry's texts ("fee.amount", "steps.0"...)

Every entry is `{text, status, translator, reviewer, source_hash}`. Only an approved entry whose
`source_hash` is that of today's Vietnamese text is served: when the Vietnamese changes, the entry is
stale until a reviewer approves it again. A bad entry is reported (file, key, field) and not served;
the rest of the pack still is. A "rejected" entry is one a reviewer sent back to its translator.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.dialogue.phrases import PHRASES, placeholders
from bot.kb import KnowledgeBase
from bot.languages.texts import commune_texts, procedure_texts, source_hash
from bot.runtime.files import write_atomically
from bot.settings import Commune, read_yaml_mapping

STATUSES = ("draft", "approved", "rejected")
PHRASES_FILE = "phrases.yml"
SCRIPTS = ("latin", "highlands_latin", "khmer", "tai_viet")
CODE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")
NAME_KEY = "language.name"  # the language's own name, as the menu shows it
# Approved and fresh before a language is offered at all (with the top procedures' texts): the choice
# prompt, the lines around a Vietnamese fallback, and the ways to reach a person.
CORE_PHRASES = (
    NAME_KEY, "language.choose", "language.chosen", "language.button", "language.in_vietnamese",
    "greet", "clarify", "fallback", "unknown", "human", "contact", "team.intro", "team.none",
    "commune.desk", "commune.hours",
)


@dataclass(frozen=True)
class Entry:
    text: str
    status: str
    translator: str
    reviewer: str | None
    source_hash: str

    @property
    def approved(self) -> bool:
        return self.status == "approved"


@dataclass
class LanguagePack:
    code: str
    vi_name: str  # what Vietnamese speakers call it ("tiếng Ê Đê")
    folder: Path
    also_called: tuple[str, ...] = ()
    script: str = "latin"
    phrases: dict[str, Entry] = field(default_factory=dict)  # phrase keys, "language.name", "commune.*"
    procedures: dict[str, dict[str, Entry]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    # The served translation, or None (Texts protocol, bot/languages/wording.py).
    def phrase(self, key: str) -> str | None:
        source = self.vi_name if key == NAME_KEY else PHRASES.get(key)
        return _served(self.phrases.get(key), source)

    def text(self, procedure_id: str, key: str, vietnamese: str) -> str | None:
        return _served(self.procedures.get(procedure_id, {}).get(key), vietnamese)

    def commune_text(self, key: str, vietnamese: str) -> str | None:
        return _served(self.phrases.get(key), vietnamese)

    @property
    def own_name(self) -> str | None:
        return self.phrase(NAME_KEY)

    def entry(self, key: str) -> Entry | None:
        """The entry for a sheet key: a phrase key, or "<procedure id>:<field key>"."""
        if ":" in key:
            pid, _, field_key = key.partition(":")
            return self.procedures.get(pid, {}).get(field_key)
        return self.phrases.get(key)


def _served(entry: Entry | None, vietnamese: str | None) -> str | None:
    if entry is None or vietnamese is None or not entry.approved:
        return None
    return entry.text if entry.source_hash == source_hash(vietnamese) else None


def translatable(kb: KnowledgeBase, commune: Commune, vi_name: str) -> dict[str, str]:
    """Every text a language can translate, by sheet key, with its Vietnamese: the language's name,
    the phrases, the commune desk, then each procedure's texts ("khai_sinh:fee.amount")."""
    texts = {NAME_KEY: vi_name}
    texts.update(PHRASES)
    texts.update(commune_texts(commune))
    for pid, p in kb.procedures.items():
        texts.update({f"{pid}:{key}": vi for key, vi in procedure_texts(p).items()})
    return texts


def core_keys(kb: KnowledgeBase, top: Iterable[str]) -> list[str]:
    keys = list(CORE_PHRASES)
    for pid in top:
        if pid in kb.procedures:
            keys += [f"{pid}:{key}" for key in procedure_texts(kb.procedures[pid])]
    return keys


def missing_core(pack: LanguagePack, kb: KnowledgeBase, commune: Commune, top: Iterable[str]) -> list[str]:
    """The core texts not yet approved and fresh: the language is offered only when none are."""
    sources = translatable(kb, commune, pack.vi_name)
    return [key for key in core_keys(kb, top) if not is_served(pack, key, sources[key])]


def is_served(pack: LanguagePack, key: str, vietnamese: str) -> bool:
    return _served(pack.entry(key), vietnamese) is not None


# Reading a pack --------------------------------------------------------------------------------------

def load_pack(folder: Path) -> LanguagePack:
    """The pack in `folder`; ValueError naming the file and field when its language.yml is unusable.
    Bad entries are listed in `pack.errors` and left out."""
    meta_file = folder / "language.yml"
    meta = read_pack_file(meta_file)
    code = str(meta.get("code") or "").strip()
    if not CODE.fullmatch(code) or code == "vi":
        raise ValueError(f"{meta_file}: code: must be a language code such as 'ede' or 'km' (got {code!r})")
    if code != folder.name:
        raise ValueError(f"{meta_file}: code: {code!r} differs from its folder's name {folder.name!r}")
    vi_name = str(meta.get("vi_name") or "").strip()
    if not vi_name:
        raise ValueError(f"{meta_file}: vi_name: required (what Vietnamese speakers call it, e.g. 'tiếng Ê Đê')")
    script = str(meta.get("script") or "latin").strip()
    if script not in SCRIPTS:
        raise ValueError(f"{meta_file}: script: must be one of {', '.join(SCRIPTS)} (got {script!r})")
    also = meta.get("also_called") or []
    if not isinstance(also, list) or not all(isinstance(a, str) for a in also):
        raise ValueError(f"{meta_file}: also_called: must be a list of names")
    pack = LanguagePack(code, vi_name, folder, tuple(a.strip() for a in also if a.strip()), script)
    phrases_file = folder / PHRASES_FILE
    if phrases_file.exists():
        pack.phrases = _entries(phrases_file, pack.errors, check_placeholders=True)
    for path in sorted((folder / "procedures").glob("*.yml")):
        pack.procedures[path.stem] = _entries(path, pack.errors)
    return pack


def read_pack_file(path: Path) -> dict[str, Any]:
    try:
        return read_yaml_mapping(path)
    except FileNotFoundError:
        raise ValueError(f"{path}: missing") from None


def _entries(path: Path, errors: list[str], check_placeholders: bool = False) -> dict[str, Entry]:
    try:
        data = read_pack_file(path)
    except ValueError as exc:
        errors.append(str(exc))
        return {}
    entries: dict[str, Entry] = {}
    for key, raw in data.items():
        try:
            entries[str(key)] = parse_entry(str(key), raw, check_placeholders)
        except ValueError as exc:
            errors.append(f"{path}: {exc}")
    return entries


def parse_entry(key: str, raw: Any, check_placeholders: bool = False) -> Entry:
    """One entry; ValueError "<key>.<field>: what is wrong" when it cannot be served."""
    if not isinstance(raw, dict):
        raise ValueError(f"{key}: must be a mapping with text, status, translator, reviewer, source_hash")
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{key}.text: required")
    status = str(raw.get("status") or "").strip()
    if status not in STATUSES:
        raise ValueError(f"{key}.status: must be draft or approved, or rejected by a reviewer (got {status!r})")
    translator = str(raw.get("translator") or "").strip()
    if not translator:
        raise ValueError(f"{key}.translator: required (who translated it)")
    reviewer = str(raw.get("reviewer") or "").strip() or None
    if status == "approved" and reviewer is None:
        raise ValueError(f"{key}.reviewer: an approved text needs a reviewer")
    if status == "approved" and same_person(reviewer, translator):
        raise ValueError(f"{key}.reviewer: must be another person than the translator")
    digest = str(raw.get("source_hash") or "").strip()
    if not re.fullmatch(r"[0-9a-f]{16}", digest):
        raise ValueError(f"{key}.source_hash: must be the 16-letter hash written by `caunoi lang import`")
    if check_placeholders and key in PHRASES and placeholders(text) != placeholders(PHRASES[key]):
        wanted = ", ".join(sorted("{" + p + "}" for p in placeholders(PHRASES[key]))) or "none"
        raise ValueError(f"{key}.text: must keep the Vietnamese placeholders ({wanted}) unchanged")
    return Entry(text.strip(), status, translator, reviewer, digest)


def same_person(a: str | None, b: str | None) -> bool:
    """Names the same person, whatever the case and spacing: a translator never reviews their own text."""
    return " ".join((a or "").casefold().split()) == " ".join((b or "").casefold().split())


def entry_data(entry: Entry) -> dict[str, Any]:
    """An entry as its file holds it."""
    return {"text": entry.text, "status": entry.status, "translator": entry.translator,
            "reviewer": entry.reviewer, "source_hash": entry.source_hash}


# Reviewing an entry in place ---------------------------------------------------------------------------

_WRITING = threading.Lock()  # two reviews at once in one process must not lose one of them


def entry_file(folder: Path, key: str) -> tuple[Path, str]:
    """The file of a pack holding a sheet key's entry, and the entry's key in that file."""
    if ":" in key:
        pid, _, field_key = key.partition(":")
        return folder / "procedures" / f"{pid}.yml", field_key
    return folder / PHRASES_FILE, key


def write_review(folder: Path, key: str, status: str, reviewer: str, digest: str | None = None) -> Entry:
    """Set one entry's status and reviewer (and its source_hash, when the reviewer approved today's
    Vietnamese), keeping the file's other entries, order and comments. ValueError naming the file when it
    cannot be read, has no such entry, or the entry would be refused (reviewed by its translator...):
    nothing is written then."""
    from ruamel.yaml import YAML  # Rasa's dependency; a round trip keeps what the team wrote by hand
    from ruamel.yaml.error import YAMLError

    path, name = entry_file(folder, key)
    with _WRITING:
        before = read_pack_file(path)  # a broken file is refused here, before anything is written
        try:
            rt = YAML()
            rt.preserve_quotes = True
            rt.width = 4096  # no re-wrapping of long translations
            data = rt.load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, YAMLError) as exc:
            raise ValueError(f"{path}: cannot be read ({' '.join(str(exc).split())})") from None
        raw = data.get(name) if name in before else None
        if not isinstance(raw, dict):
            raise ValueError(f"{path}: {name}: no such entry")
        raw["status"], raw["reviewer"] = status, reviewer
        if digest is not None:
            raw["source_hash"] = digest
        try:
            entry = parse_entry(name, dict(raw), check_placeholders=path.name == PHRASES_FILE)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
        out = io.StringIO()
        rt.dump(data, out)
        # What the file will hold must be what it held, but for this entry: anything else is a bug.
        expected = {**before, name: {**before[name], **{k: raw[k] for k in ("status", "reviewer", "source_hash")}}}
        if yaml.safe_load(out.getvalue()) != expected:
            raise ValueError(f"{path}: cannot be rewritten without changing other entries; edit it by hand")
        write_atomically(path, out.getvalue().encode("utf-8"))
    return entry
