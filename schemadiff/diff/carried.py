"""Diffs of carried kinds (operators, casts, collations, statistics, rules, event triggers): a
changed definition is dropped and created again; comments as for any object."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Carried, ObjectRef, ref
from ..model.objects import CARRIED_ON_TABLES

if TYPE_CHECKING:
    from .compare import _Differ


def _ref(c: Carried) -> ObjectRef:
    return ref("carried", c.kind, c.name)


def diff_carried(d: _Differ) -> None:
    old, new = d.old.carried, d.new.carried
    for key, c in new.items():
        prev = old.get(key)
        target = _ref(c)
        if prev is not None and prev.definition != c.definition:
            d.add(_kind("drop", c), target, prev, None, drops=[target], old_requires=prev.depends_on)
            prev = None
        if prev is None:
            d.add(_kind("create", c), target, None, c, creates=[target], requires=c.depends_on)
        d.comment(f"{c.kind} {c.name}", target, prev.comment if prev else None, c.comment)
    for key, c in old.items():
        if key not in new:
            d.add(_kind("drop", c), _ref(c), c, None, drops=[_ref(c)], old_requires=c.depends_on)


def _kind(verb: str, c: Carried) -> str:
    """Statistics and rules go with tables; the other kinds before them (a column may use a collation)."""
    return f"{verb}_carried_on_table" if c.kind in CARRIED_ON_TABLES else f"{verb}_carried"
