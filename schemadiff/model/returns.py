"""Function name -> the types its built-in overloads return: which casts the server drops as no-ops.

Why a table and not a query: the files are read without a server.  The table itself is generated
into returns_table.py (see there for why a cast to any overload's type counts as void).
"""
from __future__ import annotations

from .returns_table import TABLE


def _by_name() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for type_, names in TABLE.items():
        for name in names.split():
            out.setdefault(name, set()).add(type_)
    return {name: frozenset(types) for name, types in out.items()}


RETURNS: dict[str, frozenset[str]] = _by_name()
