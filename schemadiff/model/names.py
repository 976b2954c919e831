"""Identities of schema objects.

Names are stored as PostgreSQL stores them (already case-folded, unquoted) and
quoted only when rendered, so that `"Users"` and `users` never compare equal by
accident and `Users` and `users` always do.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

from pglast.keywords import RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS, COL_NAME_KEYWORDS

_NEEDS_NO_QUOTES = frozenset("abcdefghijklmnopqrstuvwxyz_0123456789$")
_QUOTE_KEYWORDS = RESERVED_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS | COL_NAME_KEYWORDS


@functools.lru_cache(maxsize=65536)
def quote_ident(name: str) -> str:
    """Quote an identifier exactly when PostgreSQL would need it."""
    if (
        name
        and (name[0].islower() or name[0] == "_")
        and all(c in _NEEDS_NO_QUOTES for c in name)
        and name not in _QUOTE_KEYWORDS
    ):
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A standard-conforming string literal (E'' form when backslashes occur)."""
    escaped = value.replace("'", "''")
    if "\\" in value:
        return "E'" + escaped.replace("\\", "\\\\") + "'"
    return "'" + escaped + "'"


class QualifiedName(NamedTuple):
    """schema.name. A named tuple rather than a dataclass: names are the keys of every mapping of
    the model, and a tuple hashes, compares and sorts in C (a dataclass's __hash__ and __eq__
    are Python functions, called millions of times on a 10,000-table plan)."""

    schema: str
    name: str

    def __str__(self) -> str:
        return f"{quote_ident(self.schema)}.{quote_ident(self.name)}"

    @property
    def display(self) -> str:
        """Readable form for messages: unquoted, schema omitted for public."""
        return self.name if self.schema == "public" else f"{self.schema}.{self.name}"


class ObjectRef(NamedTuple):
    """Kind + identity: what dependency edges and plan steps point at.

    `path` is the qualified name parts, plus the child name for children
    (columns, constraints: ("public", "t", "c")). A named tuple for the reason QualifiedName is.
    """

    kind: str
    path: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.kind} " + ".".join(quote_ident(p) for p in self.path)


def ref(kind: str, *path: str) -> ObjectRef:
    # tuple.__new__ skips the named tuple's Python-level __new__: a big plan makes 400,000 refs.
    return _new_tuple(ObjectRef, (kind, path))


_new_tuple = tuple.__new__
