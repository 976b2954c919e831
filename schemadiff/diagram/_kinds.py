"""Views, functions, triggers, types, policies and grants as diagram/ and docs/ read them.

Why one module: the two consumers need the same few questions answered
("which tables does this view read", "which triggers are on this table",
"what is granted on it"), and every assumption about how the model stores
those kinds lives here.  Catalog fields are read with getattr, so a catalog
without one of them (an older model, a test double) reads as empty.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import Catalog, QualifiedName

# Catalog fields of types, and what the docs call them.
TYPE_FIELDS = {"enums": "enum", "domains": "domain", "composites": "composite type", "ranges": "range type"}
_RELATION_KINDS = frozenset({"table", "view"})


def mapping(catalog: Catalog, field: str) -> Mapping[Any, Any]:
    value = getattr(catalog, field, None)
    return value if isinstance(value, Mapping) else {}


def views(catalog: Catalog) -> dict[QualifiedName, Any]:
    """Views and materialized views by name, sorted."""
    return dict(sorted(mapping(catalog, "views").items()))


def is_materialized(view: Any) -> bool:
    return bool(getattr(view, "materialized", False))


def relations_read(view: Any) -> list[QualifiedName]:
    """Tables and views a view selects from, from its `depends_on` references."""
    found = set()
    for dep in getattr(view, "depends_on", ()) or ():
        path: tuple[str, ...] = getattr(dep, "path", ())
        if (getattr(dep, "kind", None) in _RELATION_KINDS and len(path) >= 2) or (
                getattr(dep, "kind", None) == "column" and len(path) >= 3):
            found.add(QualifiedName(path[0], path[1]))
    return sorted(found)


def view_columns(view: Any) -> list[str]:
    """A view's column names when the model knows them (explicit names, or commented columns)."""
    names = [str(c) for c in getattr(view, "columns", ()) or ()]
    return names or sorted(name for name, _ in getattr(view, "column_comments", ()) or ())


def sql_of(obj: Any) -> str | None:
    """The SQL text an object carries: a trigger's or function's definition, a view's query."""
    for attr in ("sql", "definition", "query"):
        value = getattr(obj, attr, None)
        text = getattr(value, "sql", value)
        if isinstance(text, str) and text.strip():
            return text.strip()
    return None


def comment_of(obj: Any) -> str | None:
    return getattr(obj, "comment", None)


def on_table(catalog: Catalog, field: str, table: QualifiedName) -> list[Any]:
    """Triggers or policies (keyed by (table, name)) of one table or view, by name."""
    return [obj for (owner, _), obj in sorted(mapping(catalog, field).items()) if owner == table]


def functions(catalog: Catalog) -> list[tuple[QualifiedName, str, Any]]:
    """(name, `name(argument types)`, function) for every function and procedure, sorted."""
    found = []
    for key, fn in mapping(catalog, "functions").items():
        qn = QualifiedName(key.schema, key.name)
        found.append((qn, f"{qn.display}({key.args})", fn))
    return sorted(found, key=lambda x: (x[0], x[1]))


def types(catalog: Catalog) -> list[tuple[str, QualifiedName, Any]]:
    """(kind, name, type) for enums, domains, composite and range types, sorted by name."""
    found = [(kind, qn, obj) for field, kind in TYPE_FIELDS.items() for qn, obj in mapping(catalog, field).items()]
    return sorted(found, key=lambda x: (x[1], x[0]))


def grants(catalog: Catalog, kind: str, name: str) -> list[str]:
    """'PRIVILEGE, ... to grantee' lines for one object (kind as GRANT ON spells it, rendered name)."""
    by_grantee: dict[tuple[str, str, bool], list[str]] = {}
    for g in getattr(catalog, "grants", None) or ():
        if g.object_kind == kind and g.object_name == name:
            by_grantee.setdefault((g.grantee, g.column or "", g.grantable), []).append(g.privilege.upper())
    lines = []
    for (grantee, column, grantable), privileges in sorted(by_grantee.items()):
        text = ", ".join(sorted(privileges))
        if column:
            text += f" ({column})"
        text += f" to {grantee}"
        if grantable:
            text += " with grant option"
        lines.append(text)
    return lines
