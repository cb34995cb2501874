"""Load every procedure file; a bad file is reported (file, field, problem) and skipped.

A draft (`draft: true`, written by `caunoi kb draft` from the national portal and not yet checked) is
skipped too, with one log line naming it: its text is the portal's, unverified, so it must never reach
people as a checked answer, and it is left out of the NLU data for the same reason. Its to-do list is
kept in `KnowledgeBase.drafts` for `caunoi kb validate`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.kb.draft_check import DraftCheck, check_draft
from bot.kb.model import Procedure
from bot.kb.validate import is_draft, procedure_from_mapping
from bot.nlu.normalize import normalize_folded

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KBError:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


@dataclass
class KnowledgeBase:
    procedures: dict[str, Procedure] = field(default_factory=dict)
    errors: list[KBError] = field(default_factory=list)
    drafts: list[DraftCheck] = field(default_factory=list)  # skipped: not served until checked

    def get(self, procedure_id: str | None) -> Procedure | None:
        return self.procedures.get(procedure_id or "")

    @property
    def ids(self) -> list[str]:
        return sorted(self.procedures)


class KBLoadError(Exception):
    """Raised by `load_kb(strict=True)` when any file is invalid."""

    def __init__(self, errors: list[KBError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def parse_entry_file(path: Path) -> tuple[Any, list[KBError]]:
    """The file's YAML as data (not yet checked against the schema), or the errors that stop it being read."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [KBError(name, "(file)", f"is not UTF-8 text: {exc.reason}")]
    except OSError as exc:  # a folder named *.yml, no permission: found by tests/unit/bot/kb/test_loader_fuzz.py
        return None, [KBError(name, "(file)", f"cannot be read: {exc.strerror or exc}")]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [KBError(name, where, f"YAML syntax error: {problem}")]
    except (ValueError, TypeError, AttributeError, RecursionError) as exc:
        # PyYAML's scalar constructors raise plain Python errors, not YAMLError, for values such as
        # `2024-13-45` (ValueError), `!!int x` or `!!timestamp x` (AttributeError), and deep nesting
        # exhausts the stack: found by tests/unit/bot/kb/test_loader_fuzz.py. One bad file must not stop the rest.
        return None, [KBError(name, "(file)", f"YAML value error: {type(exc).__name__}: {exc}")]
    return data, []


def _validate(path: Path, data: Any) -> tuple[Procedure | None, list[KBError]]:
    procedure, messages = procedure_from_mapping(data, expected_id=path.stem)
    return procedure, [KBError(path.name, *m.split(": ", 1)) for m in messages]


def _check_alias_clashes(kb: KnowledgeBase) -> None:
    """The same alias in two entries would make the procedure ambiguous: an error on the later entry
    (`caunoi kb validate` and strict loading fail on it). The entry itself stays loaded: one clashing
    alias should not take a whole procedure away from people at run time."""
    owner: dict[str, str] = {}
    for pid in sorted(kb.procedures):
        procedure = kb.procedures[pid]
        for i, alias in enumerate(procedure.aliases):
            key = normalize_folded(alias)
            other = owner.get(key)
            if other and other != pid:
                kb.errors.append(
                    KBError(f"{pid}.yml", f"aliases[{i}]", f"{alias!r} is also an alias of {other}")
                )
            owner.setdefault(key, pid)


def _check_situation_clashes(kb: KnowledgeBase) -> None:
    """A situation must point at one procedure only: the same situation (after folding) in two entries,
    or one entry's situation equal to another entry's alias, is an error on the entry that holds the
    situation (the later one for two situations). Like alias clashes, the entry itself stays loaded."""
    alias_owner: dict[str, str] = {}
    for pid in sorted(kb.procedures):
        for alias in kb.procedures[pid].aliases:
            alias_owner.setdefault(normalize_folded(alias), pid)
    owner: dict[str, str] = {}
    for pid in sorted(kb.procedures):
        for i, situation in enumerate(kb.procedures[pid].situations):
            key = normalize_folded(situation)
            other_alias, other = alias_owner.get(key), owner.get(key)
            if other_alias and other_alias != pid:
                message = f"{situation!r} is also an alias of {other_alias}"
            elif other and other != pid:
                message = f"{situation!r} is also a situation of {other}"
            else:
                owner.setdefault(key, pid)
                continue
            kb.errors.append(KBError(f"{pid}.yml", f"situations[{i}]", message))


def load_kb(directory: str | Path, strict: bool = False, log_drafts: bool = True) -> KnowledgeBase:
    """Load `directory/*.yml`. With `strict`, any error raises `KBLoadError`; a draft is not an error.
    `log_drafts=False` for tools that list `kb.drafts` themselves (`caunoi kb validate`, `caunoi report`)."""
    kb = KnowledgeBase()
    directory = Path(directory)
    if not directory.is_dir():
        kb.errors.append(KBError(str(directory), "(folder)", "does not exist"))
    for path in sorted(directory.glob("*.yml")) if directory.is_dir() else []:
        data, errors = parse_entry_file(path)
        if not errors and is_draft(data):
            kb.drafts.append(check_draft(data, path.name))
            if log_drafts:
                logger.warning("knowledge base: skipped %s: a draft (draft: true), not checked yet, so not served",
                               path)
            continue
        procedure, errors = _validate(path, data) if not errors else (None, errors)
        kb.errors.extend(errors)
        if procedure is not None:
            kb.procedures[procedure.id] = procedure
    _check_alias_clashes(kb)
    _check_situation_clashes(kb)
    if strict and kb.errors:
        raise KBLoadError(kb.errors)
    return kb
