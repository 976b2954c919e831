"""Relation names are one namespace per schema: a drop that frees a name runs before the create
that takes it.

Why: tables, views, sequences, indexes, composite types and the indexes behind primary key,
unique and exclusion constraints share pg_class names. A plan that drops table
replication_target and creates table registry, whose primary key is still called
replication_target_pkey (a table renamed in a migration keeps its key's name), must drop first;
the object refs alone do not say so, as the two constraints belong to different tables.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..model import ObjectRef, QualifiedName, ref
from .changes import Change

_KEYS = frozenset("pux")  # primary key, unique, exclusion: each has an index of its name


def relation_name_ref(qn: QualifiedName) -> ObjectRef:
    return ref("relation_name", qn.schema, qn.name)


def _names(change: Change, obj: Any, creating: bool) -> set[ObjectRef]:
    if obj is None:
        return set()
    kind = change.kind.split("_", 1)[1] if "_" in change.kind else ""
    if kind == "table":
        constraints = change.arg("constraints", obj.constraints) if creating else obj.constraints
        names = {obj.name} | {QualifiedName(obj.name.schema, c.name) for c in constraints if c.kind in _KEYS}
    elif kind == "constraint":
        table = change.arg("table")
        names = {QualifiedName(table.schema, obj.name)} if table is not None and obj.kind in _KEYS else set()
    elif kind in ("index", "view", "sequence", "composite"):
        names = {obj.name}
    else:
        return set()
    return {relation_name_ref(n) for n in names}


def claim_relation_names(changes: list[Change]) -> list[Change]:
    out = []
    for c in changes:
        if c.kind.startswith("create_") or c.kind.startswith("add_"):
            made = _names(c, c.new, True)
            c = replace(c, creates=c.creates | made) if made else c
        elif c.kind.startswith("drop_"):
            gone = _names(c, c.old, False)
            c = replace(c, drops=c.drops | gone) if gone else c
        out.append(c)
    return out
