"""Read the object kinds the model is still growing (views, functions, triggers, ...).

Why one module: diagram/ and docs/ must work on today's Catalog, which has
only tables, indexes, enums and sequences, and light up when the other kinds
arrive.  Every guess about their shape (attribute names, how a trigger names
its table) is made here, so adapting to the final model is one file.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..model import Catalog, QualifiedName

# Catalog fields that hold relation-like objects drawn as views.
VIEW_FIELDS = ("views", "materialized_views")
# Catalog fields of types, and what the docs call them.
TYPE_FIELDS = {"enums": "enum", "domains": "domain", "composites": "composite type",
               "composite_types": "composite type", "ranges": "range type"}
_TABLE_KINDS = frozenset({"table", "view", "materialized view", "materialized_view", "matview"})


def mapping(catalog: Catalog, field: str) -> Mapping[Any, Any]:
    value = getattr(catalog, field, None)
    return value if isinstance(value, Mapping) else {}


def views(catalog: Catalog) -> dict[QualifiedName, Any]:
    """Views and materialized views by name, sorted."""
    found: dict[QualifiedName, Any] = {}
    for f in VIEW_FIELDS:
        for key, view in mapping(catalog, f).items():
            found[name_of(view, key)] = view
    return dict(sorted(found.items()))


def is_materialized(view: Any) -> bool:
    return bool(getattr(view, "materialized", False))


def name_of(obj: Any, key: Any = None) -> QualifiedName:
    """An object's schema-qualified name, whatever shape its name or key has."""
    for candidate in (getattr(obj, "name", None), key):
        if isinstance(candidate, QualifiedName):
            return candidate
        if isinstance(getattr(candidate, "schema", None), str) and isinstance(getattr(candidate, "name", None), str):
            return QualifiedName(candidate.schema, candidate.name)
    name = getattr(obj, "name", None)
    schema = getattr(obj, "schema", None)
    if isinstance(name, str):
        return QualifiedName(schema if isinstance(schema, str) else "public", name)
    return QualifiedName("public", str(key))


def relations_read(view: Any) -> list[QualifiedName]:
    """Tables and views a view selects from, from its `depends_on` references."""
    found = set()
    for dep in getattr(view, "depends_on", ()) or ():
        kind = getattr(dep, "kind", None)
        path = getattr(dep, "path", ())
        if kind in _TABLE_KINDS and len(path) >= 2:
            found.add(QualifiedName(path[0], path[1]))
        elif kind == "column" and len(path) >= 3:
            found.add(QualifiedName(path[0], path[1]))
    return sorted(found)


def columns(obj: Any) -> tuple[Any, ...]:
    return tuple(getattr(obj, "columns", ()) or ())


def sql_of(obj: Any) -> str | None:
    """The best SQL text an object offers: its definition, body or query."""
    for attr in ("definition", "query", "body", "sql"):
        value = getattr(obj, attr, None)
        if value is None:
            continue
        text = getattr(value, "sql", value)
        if isinstance(text, str) and text.strip():
            return text.strip()
    return None


def comment_of(obj: Any) -> str | None:
    return getattr(obj, "comment", None)


def _belongs_to(obj: Any, key: Any, table: QualifiedName) -> bool:
    for attr in ("table", "relation", "on", "target"):
        value = getattr(obj, attr, None)
        if value == table:
            return True
        path = getattr(value, "path", None)
        if path is not None and tuple(path[:2]) == (table.schema, table.name):
            return True
    if isinstance(key, tuple) and key and key[0] == table:
        return True
    return False


def children(catalog: Catalog, field: str, table: QualifiedName) -> list[Any]:
    """Triggers, policies or grants of one table or view, by name."""
    found = [obj for key, obj in mapping(catalog, field).items() if _belongs_to(obj, key, table)]
    owned = getattr(catalog.tables.get(table), field, None)
    if isinstance(owned, Iterable) and not isinstance(owned, (str, bytes)):
        found.extend(owned.values() if isinstance(owned, Mapping) else owned)
    return sorted(found, key=lambda o: str(getattr(o, "name", "") or o))


def child_name(obj: Any) -> str:
    name = getattr(obj, "name", None)
    if isinstance(name, QualifiedName):
        return name.name
    if name is not None:
        return str(name)
    grantee = getattr(obj, "grantee", None)
    if grantee is not None:
        return str(grantee)
    return str(obj)


def functions(catalog: Catalog) -> list[tuple[QualifiedName, str, Any]]:
    """(name, signature, function) for every function and procedure, sorted by signature."""
    found = []
    for f in ("functions", "procedures"):
        for key, fn in mapping(catalog, f).items():
            qn = name_of(fn, key)
            found.append((qn, signature(fn, key, qn), fn))
    return sorted(found, key=lambda x: (x[0], x[1]))


def signature(fn: Any, key: Any, qn: QualifiedName) -> str:
    """`name(argument types)`, schema omitted for public."""
    for candidate in (key, getattr(fn, "name", None)):
        args = getattr(candidate, "args", None)
        if isinstance(args, str):
            return f"{qn.display}({args})"
    return f"{qn.display}()"


def types(catalog: Catalog) -> list[tuple[str, QualifiedName, Any]]:
    """(kind, name, type) for enums, domains, composite and range types, sorted by name."""
    found = []
    for f, kind in TYPE_FIELDS.items():
        for key, obj in mapping(catalog, f).items():
            found.append((kind, name_of(obj, key), obj))
    return sorted(found, key=lambda x: (x[1], x[0]))


def grants(catalog: Catalog, kind: str, name: str) -> list[str]:
    """'PRIVILEGE, ... to grantee' lines for one object (kind as GRANT ON spells it, rendered name)."""
    by_grantee: dict[tuple[str, str | None, bool], list[str]] = {}
    for g in getattr(catalog, "grants", None) or ():
        if getattr(g, "object_kind", None) == kind and getattr(g, "object_name", None) == name:
            key = (g.grantee, getattr(g, "column", None), bool(getattr(g, "grantable", False)))
            by_grantee.setdefault(key, []).append(g.privilege.upper())
    lines = []
    for (grantee, column, grantable), privileges in sorted(by_grantee.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2])):
        text = ", ".join(sorted(privileges))
        if column:
            text += f" ({column})"
        text += f" to {grantee}"
        if grantable:
            text += " with grant option"
        lines.append(text)
    return lines
