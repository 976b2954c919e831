"""The diagram of a plan: the schema it arrives at, with what it adds, drops and alters marked.

Why a diagram of the plan: a reviewer reads SQL statement by statement, but a migration is a
change of shape (a new table hanging off an old one, a key that moves, a column that goes).
The diagram draws the target schema, plus what the plan drops (struck through, in red), and
only the touched tables and their neighbors one foreign key away, so the change is the picture.

Marks are data taken from the plan's changes (diff/changes.py), never from its SQL text:
`mark_changes` says, per table or view and per column, "added", "dropped", "altered" or
"renamed"; dot.py colors the nodes and rows and names the mark in each node's SVG class
(`class="table added"`), which is what tests and scripts read.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..diff import Change
from ..model import Catalog, QualifiedName, Table

ADDED, DROPPED, ALTERED, RENAMED = "added", "dropped", "altered", "renamed"
COLORS = {ADDED: "#2E7D32", DROPPED: "#C62828", ALTERED: "#B26A00", RENAMED: "#6A4FB3"}
TINTS = {ADDED: "#E8F5E9", DROPPED: "#FDECEA", ALTERED: "#FFF4E0", RENAMED: "#EFEBFA"}
SIGNS = {ADDED: "+", DROPPED: "−", ALTERED: "~", RENAMED: "→"}

_COLUMN_KINDS = {"add_column": ADDED, "drop_column": DROPPED, "alter_column_type": ALTERED,
                 "set_not_null": ALTERED, "rename_not_null": ALTERED, "set_column_default": ALTERED, "alter_identity": ALTERED,
                 "set_generated_expression": ALTERED, "alter_column_settings": ALTERED, "rename_column": RENAMED}


@dataclass(frozen=True)
class ChangeMarks:
    relations: dict[QualifiedName, str] = field(default_factory=dict)  # table or view -> mark
    columns: dict[tuple[QualifiedName, str], str] = field(default_factory=dict)
    notes: dict[QualifiedName, list[str]] = field(default_factory=dict)  # what changed, for tooltips
    foreign_keys: dict[tuple[QualifiedName, str], str] = field(default_factory=dict)  # (table, constraint)

    def touched(self) -> set[QualifiedName]:
        return set(self.relations)


def _relation_of(c: Change) -> QualifiedName | None:
    table = c.arg("table")
    if isinstance(table, QualifiedName):
        return table
    obj = c.new if c.new is not None else c.old
    for name in ("table",):
        value = getattr(obj, name, None)
        if isinstance(value, QualifiedName):
            return value
    if c.target.kind in ("table", "view", "column", "constraint", "trigger", "policy", "row_security",
                         "replica_identity", "cluster", "column_not_null", "column_default", "column_settings"):
        return QualifiedName(*c.target.path[:2])
    if c.target.kind == "comment" and c.target.path[-1] in ("table", "view", "column", "constraint"):
        return QualifiedName(*c.target.path[:2])
    return None


def mark_changes(changes: list[Change], current: Catalog, desired: Catalog) -> ChangeMarks:
    marks = ChangeMarks()
    for c in changes:
        qn = _relation_of(c)
        if qn is None:
            continue
        if c.kind in ("create_table", "create_view"):
            gone = qn in current.tables or qn in current.views
            marks.relations[qn] = ALTERED if gone else ADDED
            if gone:
                marks.notes.setdefault(qn, []).append("re-created")
            continue
        if c.kind in ("drop_table", "drop_view"):
            if qn not in desired.tables and qn not in desired.views:
                marks.relations[qn] = DROPPED
            continue
        if c.kind in ("rename_table", "rename_view"):
            marks.relations[qn] = RENAMED
            marks.notes.setdefault(qn, []).append(f"renamed from {c.old[1]}")
            continue
        if c.kind in _COLUMN_KINDS and c.target.kind in ("column", "column_not_null", "column_default",
                                                          "column_settings"):
            column = c.target.path[2]
            if c.kind == "drop_column" and c.arg("recomputed"):
                continue
            mark = _COLUMN_KINDS[c.kind]
            have = marks.columns.get((qn, column))
            if have in (ADDED, DROPPED) and mark == ALTERED:
                mark = have
            if {have, mark} == {ADDED, DROPPED}:
                mark = ALTERED
            marks.columns[(qn, column)] = mark
            if mark == RENAMED:
                marks.notes.setdefault(qn, []).append(f"{c.old[2]} renamed to {column}")
        elif c.kind in ("add_constraint", "drop_constraint") and getattr(c.new or c.old, "kind", None) == "f":
            name = (c.new or c.old).name
            marks.foreign_keys[(qn, name)] = ADDED if c.kind == "add_constraint" else DROPPED
        marks.relations.setdefault(qn, ALTERED)
        label = c.kind.replace("_", " ")
        if label not in marks.notes.setdefault(qn, []):
            marks.notes[qn].append(label)
    return marks


def merged_catalog(current: Catalog, desired: Catalog, marks: ChangeMarks) -> Catalog:
    """The target schema plus what the plan drops: dropped tables and views, and dropped columns
    put back in their tables (drawn struck through)."""
    tables = dict(desired.tables)
    views = dict(desired.views)
    for qn, mark in marks.relations.items():
        if mark == DROPPED:
            if qn in current.tables:
                tables[qn] = current.tables[qn]
            elif qn in current.views:
                views[qn] = current.views[qn]
    for (qn, column), mark in marks.columns.items():
        if mark != DROPPED or qn not in tables or qn not in current.tables:
            continue
        t: Table = tables[qn]
        old = current.tables[qn].column(column)
        if old is not None and t.column(column) is None:
            tables[qn] = dataclasses.replace(t, columns=(*t.columns, old))
    indexes = {**{k: v for k, v in current.indexes.items() if v.table in tables and marks.relations.get(v.table)
                  == DROPPED}, **desired.indexes}
    return dataclasses.replace(desired, tables=tables, views=views, indexes=indexes)


def changed_diagram(current: Catalog, desired: Catalog, changes: list[Change], options) -> tuple[str, ChangeMarks]:
    """DOT text of the plan's diagram, and the marks it draws."""
    from .dot import catalog_to_dot
    from .relations import relations_of
    marks = mark_changes(changes, current, desired)
    catalog = merged_catalog(current, desired, marks)
    relations = relations_of(catalog)
    touched = marks.touched()
    shown = set(touched)
    for qn in touched:
        shown |= set(relations.neighbors.get(qn, ()))
    options = dataclasses.replace(options, marks=marks, only=frozenset(shown))
    return catalog_to_dot(catalog, options, relations), marks
