"""Load every procedure file; a bad file is reported (file, field, problem) and skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.kb.model import Procedure
from bot.kb.validate import procedure_from_mapping
from bot.nlu.normalize import normalize_folded


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


def _load_file(path: Path) -> tuple[Procedure | None, list[KBError]]:
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
    procedure, messages = procedure_from_mapping(data, expected_id=path.stem)
    errors = [KBError(name, *m.split(": ", 1)) for m in messages]
    return procedure, errors


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


def load_kb(directory: str | Path, strict: bool = False) -> KnowledgeBase:
    """Load `directory/*.yml`. With `strict`, any error raises `KBLoadError`."""
    kb = KnowledgeBase()
    directory = Path(directory)
    if not directory.is_dir():
        kb.errors.append(KBError(str(directory), "(folder)", "does not exist"))
    for path in sorted(directory.glob("*.yml")) if directory.is_dir() else []:
        procedure, errors = _load_file(path)
        kb.errors.extend(errors)
        if procedure is not None:
            kb.procedures[procedure.id] = procedure
    _check_alias_clashes(kb)
    _check_situation_clashes(kb)
    if strict and kb.errors:
        raise KBLoadError(kb.errors)
    return kb
