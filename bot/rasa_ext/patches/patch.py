"""A patch: attributes of Rasa classes it sets, and how it builds them from the originals."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    """`module:Class.attribute`, an attribute of an upstream class that a patch sets."""

    module: str
    owner: str
    attribute: str

    @classmethod
    def parse(cls, spec: str) -> Target:
        module, _, rest = spec.partition(":")
        owner, _, attribute = rest.rpartition(".")
        return cls(module, owner, attribute)

    def __str__(self) -> str:
        return f"{self.module}:{self.owner}.{self.attribute}"

    def owner_class(self) -> type:
        found: Any = importlib.import_module(self.module)
        for part in self.owner.split("."):
            found = getattr(found, part)
        return found

    def resolve(self) -> Any:
        """The attribute as the class resolves it now (through its bases too)."""
        return getattr(self.owner_class(), self.attribute)


@dataclass(frozen=True)
class Patch:
    name: str
    reason: str  # one line; the module docstring says more
    kind: str  # "wraps": calls the original around its own work; "replaces": upstream code not called
    targets: tuple[Target, ...]
    # originals (by target) → replacements (by target); called once per apply
    build: Callable[[Mapping[Target, Any]], Mapping[Target, Any]]

    def __post_init__(self) -> None:
        if self.kind not in ("wraps", "replaces"):
            raise ValueError(f"patch {self.name}: kind must be 'wraps' or 'replaces'")


def patch(name: str, reason: str, kind: str, *targets: str) -> Callable[[Callable], Patch]:
    """Decorator for a module's build function: `PATCH = patch(...)(build)`."""

    def make(build: Callable[[Mapping[Target, Any]], Mapping[Target, Any]]) -> Patch:
        return Patch(name, reason, kind, tuple(Target.parse(t) for t in targets), build)

    return make
