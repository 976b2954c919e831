"""Change: one difference between two catalogs, as a value.

Why one class with a `kind` and not a class per kind: changes are data for the
planner (ordering, hazards) and the renderer (a registry keyed by kind); both
look them up by kind, and a flat value keeps them comparable and printable.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import ObjectRef


@dataclass(frozen=True)
class Change:
    kind: str  # e.g. "create_table", "add_column", "drop_index"; see render/ddl.py
    target: ObjectRef  # the object it touches
    old: Any = None  # the object before (None for creations)
    new: Any = None  # the object after (None for drops)
    args: tuple[tuple[str, Any], ...] = ()  # extra, kind-specific values
    requires: frozenset[ObjectRef] = field(default=frozenset(), compare=False)  # must exist before
    creates: frozenset[ObjectRef] = field(default=frozenset(), compare=False)
    drops: frozenset[ObjectRef] = field(default=frozenset(), compare=False)
    old_requires: frozenset[ObjectRef] = field(default=frozenset(), compare=False)  # what the old object used

    def arg(self, name: str, default: Any = None) -> Any:
        for k, v in self.args:
            if k == name:
                return v
        return default

    @property
    def description(self) -> str:
        return f"{self.kind.replace('_', ' ')} {self.target}"
