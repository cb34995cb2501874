"""Shared pieces of the property tests: key paths into nested JSON-like data, and random mutations."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st


def key_paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path into a nested value (list indexes included)."""
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += key_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += key_paths(item, (*prefix, index))
    return out


def mutate(draw: st.DrawFn, value: Any, replacements: st.SearchStrategy, times: int) -> Any:
    """A copy of `value` with up to `times` fields deleted or replaced by a drawn replacement."""
    value = copy.deepcopy(value)
    for _ in range(times):
        paths = key_paths(value)
        if not paths:  # an earlier mutation replaced everything
            break
        path = draw(st.sampled_from(paths))
        parent = value
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(replacements)
    return value
