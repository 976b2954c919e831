"""RenameHint: a comment in the files saying that an object was called something else before.

Why a value of the files' catalog and not a change: the files say what the schema *is*; the
hint only tells the diff how to match it to the database (see diff/renames.py). It takes no
part in equality, so a catalog with hints still equals the database it was applied to.
"""
from __future__ import annotations

from ..errors import Location
from .values import value

# What a hint can rename, and how many names its identity has: (schema,), (schema, name),
# (schema, table, member), (schema, type, label).
RENAMABLE = {"schema": 1, "table": 2, "view": 2, "sequence": 2, "type": 2, "function": 2, "index": 2,
             "column": 3, "constraint": 3, "enum_value": 3}


@value
class RenameHint:
    kind: str  # one of RENAMABLE
    path: tuple[str, ...]  # the object's identity in the files
    old: str  # its name before, in the same schema (or table, or type)
    location: Location

    @property
    def old_path(self) -> tuple[str, ...]:
        return (*self.path[:-1], self.old)
