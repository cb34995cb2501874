"""Run-time fixes to Rasa's classes, one module each (its docstring says why), applied together.

`apply()` refuses any Rasa but the pinned one, is idempotent, and `undo()` puts every original
back; tests use `applied(...)`, which undoes what it applied. Each patch either wraps upstream code
(calls the original) or replaces it; `bot/rasa_ext/upstream.py` fingerprints every original so an
upgrade that changes one fails a test naming the patch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from bot.rasa_ext.patches import (
    action_validation,
    current_turn,
    domain_emptiness,
    graph_runner,
    http_sessions,
    redis_tickets,
    tracker_handover,
)
from bot.rasa_ext.patches.patch import Patch, Target

logger = logging.getLogger(__name__)

PINNED_RASA = "3.6.21"  # as in pyproject.toml; the fingerprints in bot/rasa_ext/upstream.py are of this version
PATCHES: dict[str, Patch] = {p.name: p for p in (
    tracker_handover.PATCH,
    redis_tickets.PATCH,
    domain_emptiness.PATCH,
    action_validation.PATCH,
    graph_runner.PATCH,
    current_turn.PATCH,
    http_sessions.PATCH,
)}
_MISSING = object()
# patch name → (target, what the owner class itself held before or _MISSING, the upstream attribute)
_applied: dict[str, list[tuple[Target, Any, Any]]] = {}


class RasaVersionError(RuntimeError):
    pass


def check_rasa_version() -> None:
    import rasa

    if rasa.__version__ != PINNED_RASA:
        raise RasaVersionError(
            f"Cầu Nối's Rasa patches are written for Rasa {PINNED_RASA}, but Rasa {rasa.__version__} is "
            "installed. Install the locked version (`make setup`), or, to upgrade, re-check every patch "
            "in bot/rasa_ext/patches/ against the new Rasa and update PINNED_RASA and bot/rasa_ext/upstream.py.")


def originals() -> dict[Target, Any]:
    """Every target's upstream attribute, whether or not its patch is applied now."""
    found = {target: target.resolve() for patch in PATCHES.values() for target in patch.targets}
    found.update({target: upstream for saved in _applied.values() for target, _own, upstream in saved})
    return found


def _names(names: Iterable[str] | None) -> list[str]:
    chosen = list(PATCHES) if names is None else list(names)
    unknown = [n for n in chosen if n not in PATCHES]
    if unknown:
        raise KeyError(f"unknown patch(es) {unknown}: known are {sorted(PATCHES)}")
    return chosen


def apply(names: Iterable[str] | None = None) -> list[str]:
    """Apply the named patches (default: all) that are not applied yet; returns those applied now."""
    check_rasa_version()
    done = []
    for name in _names(names):
        if name in _applied:
            continue
        patch = PATCHES[name]
        upstream = {t: t.resolve() for t in patch.targets}
        replacements = patch.build(upstream)
        if set(replacements) != set(patch.targets):
            raise RuntimeError(f"patch {name} built {sorted(map(str, replacements))}, declared "
                               f"{sorted(map(str, patch.targets))}")
        saved = []
        for target in patch.targets:
            owner = target.owner_class()
            saved.append((target, owner.__dict__.get(target.attribute, _MISSING), upstream[target]))
            setattr(owner, target.attribute, replacements[target])
        _applied[name] = saved
        done.append(name)
    if done:
        logger.debug("Rasa patches applied: %s", ", ".join(done))
    return done


def undo(names: Iterable[str] | None = None) -> None:
    """Put the originals back (default: every applied patch), newest first."""
    for name in reversed([n for n in _names(names) if n in _applied]):
        for target, before, _upstream in reversed(_applied.pop(name)):
            owner = target.owner_class()
            if before is _MISSING:
                delattr(owner, target.attribute)  # inherited before: the base's attribute shows again
            else:
                setattr(owner, target.attribute, before)


def applied_names() -> list[str]:
    return list(_applied)


@contextmanager
def applied(*names: str) -> Iterator[None]:
    """Apply these patches (none named: all) for a block, then undo the ones this applied."""
    done = apply(names or None)
    try:
        yield
    finally:
        undo(done)
