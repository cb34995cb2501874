"""What a draft entry (`draft: true`, written by `caunoi kb draft`) still needs before it can be served.

A draft is never served, so its problems do not fail `caunoi kb validate`; they are staff's to-do list:
- `todo`: the fields still holding a TODO placeholder, and an empty `verified_on`;
- `problems`: everything else the schema rejects (a portal paper name over 140 characters, 14 steps
  where 8 fit on a phone…), i.e. what the portal's text needs to become a plain, short answer.
A problem caused only by a placeholder ("aliases needs at least 5 items" while aliases holds one TODO)
is not repeated under `problems`: writing the placeholder fixes it or makes it show up there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.kb.validate import DRAFT_KEY, procedure_from_mapping

# The mark of every placeholder `caunoi kb draft` writes; ASCII, so staff can search for it in any editor.
TODO = "TODO"
_LEAF_INDEX = re.compile(r"\[\d+\]$")


@dataclass(frozen=True)
class DraftCheck:
    file: str  # "tach_ho.yml"
    code: str | None  # the national code the draft is about, to tell the report it is drafted already
    todo: tuple[str, ...]  # fields still to write, "summary", "documents[3].copies", "verified_on"
    problems: tuple[str, ...]  # other schema problems, "field: message"

    @property
    def id(self) -> str:
        return self.file.removesuffix(".yml")


def _todo_paths(value: Any, path: str = "") -> Iterator[str]:
    if isinstance(value, str):
        if TODO in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _todo_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _todo_paths(item, f"{path}[{i}]")


def _covered(field: str, todo: list[str]) -> bool:
    """The error is at a placeholder or at the list or mapping that holds one."""
    return any(t == field or t.startswith(field + "[") or t.startswith(field + ".") for t in todo)


def check_draft(data: dict[str, Any], file: str) -> DraftCheck:
    """The to-do list of one draft's parsed mapping (`file` is its file name, `<id>.yml`)."""
    todo = [path for path in _todo_paths(data) if path]
    if not data.get("verified_on"):
        todo.append("verified_on")  # left empty on purpose: only staff who checked the sources fill it
    _, messages = procedure_from_mapping(data, expected_id=file.removesuffix(".yml"))
    problems = [m for m in messages if not _covered(m.split(": ", 1)[0], todo)]
    if data.get(DRAFT_KEY) is not True:
        problems.insert(0, f"{DRAFT_KEY}: must be true in a draft; delete the line once the entry is checked")
    # "aliases[0]" → "aliases": one line per field is enough to say what to write.
    shown = dict.fromkeys(_LEAF_INDEX.sub("", path) for path in todo)
    code = data.get("code")
    return DraftCheck(file, str(code) if code else None, tuple(shown), tuple(problems))
