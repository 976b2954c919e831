"""What each object needs to exist: the dependency edges shared by plan, diagram, docs and lint.

Why derive them from the model instead of storing them: the parser and the
introspector then cannot disagree about them, and equality stays about the
schema itself.
"""
from __future__ import annotations

import re

import orjson

from .model import Catalog, Column, Constraint, Index, ObjectRef, QualifiedName, Sequence, Table, ref
from .model.types import type_schema

_NEXTVAL = re.compile(r'"name":\["nextval"\]')


def schema_ref(schema: str) -> ObjectRef:
    return ref("schema", schema)


def table_ref(name: QualifiedName) -> ObjectRef:
    return ref("table", name.schema, name.name)


def column_ref(table: QualifiedName, column: str) -> ObjectRef:
    return ref("column", table.schema, table.name, column)


def constraint_ref(table: QualifiedName, name: str) -> ObjectRef:
    return ref("constraint", table.schema, table.name, name)


def index_ref(name: QualifiedName) -> ObjectRef:
    return ref("index", name.schema, name.name)


def sequence_ref(name: QualifiedName) -> ObjectRef:
    return ref("sequence", name.schema, name.name)


def type_ref(name: QualifiedName) -> ObjectRef:
    return ref("type", name.schema, name.name)


def _dicts(expr_key: str):
    """Every JSON object in a canonical expression key (constraint keys carry a one-letter kind
    prefix before the JSON)."""
    text = expr_key if expr_key.startswith(("{", "[")) else expr_key[expr_key.find("{"):]
    stack = [orjson.loads(text)]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            yield x
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)


def _nodes(expr_key: str, kind: str):
    """The bodies of every `kind` node in a canonical expression key."""
    for x in _dicts(expr_key):
        body = x.get(kind)
        if isinstance(body, dict):
            yield body


def sequences_used(expr_key: str) -> set[QualifiedName]:
    """Sequences named in nextval('...') of a canonical expression."""
    if not _NEXTVAL.search(expr_key):
        return set()
    found: set[QualifiedName] = set()
    for f in _nodes(expr_key, "Func"):
        arg = f["args"][0] if f.get("name", [None])[-1] == "nextval" and f.get("args") else None
        if isinstance(arg, dict) and arg.get("C"):
            schema, _, name = arg["C"].rpartition(".")
            found.add(QualifiedName(schema.strip('"') or "public", name.strip('"')))
    return found


def enum_values_ref(name: QualifiedName) -> ObjectRef:
    """The values an enum gains in a plan (ALTER TYPE ... ADD VALUE): a column of the type, its
    default above all, may use them only after they exist."""
    return ref("enum_values", name.schema, name.name)


def type_dependency(type_text: str, catalog: Catalog) -> ObjectRef | None:
    user_type = type_schema(type_text)
    if user_type is not None:
        qn = QualifiedName(*user_type)
        if qn in catalog.enums or qn in catalog.domains or qn in catalog.composites or qn in catalog.ranges:
            return type_ref(qn)
    return None


def functions_used(expr_key: str, catalog: Catalog) -> set[ObjectRef]:
    """Declared functions called in a canonical expression (every overload of the name)."""
    if '"Func"' not in expr_key or not catalog.functions:
        return set()
    names = {(n[-2] if len(n) > 1 else "public", n[-1]) for f in _nodes(expr_key, "Func") if (n := f.get("name"))}
    return {function_ref(fn) for fn in catalog.functions if (fn.schema, fn.name) in names}


def _range_vars(expr_key: str):
    """Every RangeVar of a canonical key: wrapped ({"RangeVar": {...}}) where a list holds it,
    bare where a field is typed RangeVar (INSERT INTO's, UPDATE's and DELETE's "relation")."""
    return (x for x in _dicts(expr_key) if isinstance(x.get("relname"), str))


def _relations_used(expr_key: str, catalog: Catalog) -> set[ObjectRef]:
    if '"relname"' not in expr_key:
        return set()
    found: set[ObjectRef] = set()
    for rv in _range_vars(expr_key):
        if rv.get("relname"):
            qn = QualifiedName(rv.get("schemaname") or "public", rv["relname"])
            if qn in catalog.tables:
                found.add(table_ref(qn))
            elif qn in catalog.views:
                found.add(view_ref(qn))
    return found


def function_ref(fn) -> ObjectRef:
    return ref("function", fn.schema, fn.name, fn.args)


def view_ref(name: QualifiedName) -> ObjectRef:
    return ref("view", name.schema, name.name)


def column_dependencies(table: QualifiedName, col: Column, catalog: Catalog) -> set[ObjectRef]:
    deps = set()
    t = type_dependency(col.type, catalog)
    if t is not None:
        deps.add(t)
        if (qn := QualifiedName(*t.path)) in catalog.enums:
            deps.add(enum_values_ref(qn))
    for expr in (col.default, col.generated):
        if expr is not None:
            for seq in sequences_used(expr.key):
                deps.add(sequence_ref(seq))
            deps |= functions_used(expr.key, catalog)
    return deps


def table_dependencies(t: Table, catalog: Catalog) -> set[ObjectRef]:
    deps = {schema_ref(t.name.schema)}
    for col in t.columns:
        deps |= column_dependencies(t.name, col, catalog)
    if t.partition_of is not None:
        deps.add(table_ref(t.partition_of))
    for parent in t.inherits:
        deps.add(table_ref(parent))
    return deps


def key_providing(catalog: Catalog, table: QualifiedName, columns: tuple[str, ...]) -> ObjectRef | None:
    """The unique constraint or index on `table` that a foreign key to `columns` relies on."""
    t = catalog.tables.get(table)
    if t is None:
        return None
    wanted = set(columns)
    for con in t.constraints:
        if con.kind in ("p", "u") and set(con.columns) == wanted:
            return constraint_ref(table, con.name)
    for idx in catalog.indexes_of(table):
        if idx.unique and set(idx.columns) == wanted:
            return index_ref(idx.name)
    return None


def constraint_dependencies(table: QualifiedName, con: Constraint, catalog: Catalog) -> set[ObjectRef]:
    deps = {table_ref(table)} | {column_ref(table, c) for c in con.columns}
    if con.kind in ("c", "x"):
        deps |= functions_used(con.definition.key, catalog)
    if con.ref_table is not None:
        deps.add(table_ref(con.ref_table))
        deps |= {column_ref(con.ref_table, c) for c in con.ref_columns}
        key = key_providing(catalog, con.ref_table, con.ref_columns)
        if key is not None:
            deps.add(key)
    return deps


def index_dependencies(idx: Index, catalog: Catalog) -> set[ObjectRef]:
    owner = view_ref(idx.table) if idx.table in catalog.views else table_ref(idx.table)
    return {owner} | {column_ref(idx.table, c) for c in idx.columns if c} | functions_used(
        idx.definition.key, catalog)


def sequence_dependencies(seq: Sequence) -> set[ObjectRef]:
    return {schema_ref(seq.name.schema)}


# What a table (through its columns' types, defaults and parents) can depend on.  Nothing
# depends on a column, constraint, index or view through a table, so a walk that starts at those
# never needs the tables' own edges: on a big schema they are most of the graph.
_TABLES_DEPEND_ON = frozenset({"schema", "type", "sequence", "function", "table"})


def dependencies(catalog: Catalog, tables: bool = True) -> dict[ObjectRef, set[ObjectRef]]:
    """Object -> the objects it depends on (schemas, tables, types, sequences, constraints,
    indexes, views, functions, triggers): the edges of the catalog's dependency graph.
    `tables=False` leaves out the edges from tables (see _TABLES_DEPEND_ON)."""
    out: dict[ObjectRef, set[ObjectRef]] = {}

    def add(node: ObjectRef, deps) -> None:
        out.setdefault(node, set()).update(deps)

    for s in catalog.schemas:
        add(schema_ref(s), ())
    for qn in catalog.enums:
        add(type_ref(qn), (schema_ref(qn.schema),))
    for qn, seq in catalog.sequences.items():
        add(sequence_ref(qn), sequence_dependencies(seq))
    for qn, t in catalog.tables.items():
        if tables:
            add(table_ref(qn), table_dependencies(t, catalog))
        for con in t.constraints:
            add(constraint_ref(qn, con.name), constraint_dependencies(qn, con, catalog))
    for qn, idx in catalog.indexes.items():
        add(index_ref(qn), index_dependencies(idx, catalog))
    for qn, v in catalog.views.items():
        add(view_ref(qn), v.depends_on | {schema_ref(qn.schema)})
    for fn, f in catalog.functions.items():
        add(function_ref(fn), function_dependencies(f, catalog))
    for (table, name), trig in catalog.triggers.items():
        add(ref("trigger", table.schema, table.name, name), trigger_dependencies(trig, catalog))
    return out


def dependents(catalog: Catalog, of: set[ObjectRef] | None = None) -> dict[ObjectRef, set[ObjectRef]]:
    """Object -> the objects that depend on it directly (the dependency edges reversed), enough
    to walk from the objects `of` (default: from anything)."""
    tables = of is None or any(r.kind in _TABLES_DEPEND_ON for r in of)
    out: dict[ObjectRef, set[ObjectRef]] = {}
    for node, deps in dependencies(catalog, tables).items():
        for d in deps:
            out.setdefault(d, set()).add(node)
    return out


def transitive_dependents(reverse: dict[ObjectRef, set[ObjectRef]], start: ObjectRef) -> set[ObjectRef]:
    """Everything that depends on `start`, directly or through others."""
    seen: set[ObjectRef] = set()
    stack = [start]
    while stack:
        for d in reverse.get(stack.pop(), ()):
            if d not in seen:
                seen.add(d)
                stack.append(d)
    seen.discard(start)
    return seen


def function_dependencies(f, catalog: Catalog) -> set[ObjectRef]:
    deps = {schema_ref(f.name.schema)}
    key = orjson.loads(f.definition.key)
    body = key.get("body", "")
    if body.startswith(("sql:", "atomic:")):
        # SQL bodies are checked when created: what they call and read must exist first.
        text = body.split(":", 1)[1]
        deps |= {r for r in functions_used(text, catalog) if r != function_ref(f.name)}
        relations = _relations_used(text, catalog)
        deps |= relations
        # The body names columns of those tables (INSERT INTO t (id) ...) and sequences (nextval('s')).
        for r in relations:
            t = catalog.tables.get(QualifiedName(*r.path)) if r.kind == "table" else None
            if t is not None:
                deps |= {column_ref(t.name, c.name) for c in t.columns}
        deps |= {sequence_ref(s) for s in sequences_used(text) if s in catalog.sequences}
    for used in key.get("uses", ()):  # an aggregate's support functions
        schema, _, name = used.partition(".")
        deps |= {function_ref(g) for g in catalog.functions if (g.schema, g.name) == (schema, name)}
    for text in [p["type"] for p in key["params"]] + ([f.returns] if f.returns else []):
        t = type_dependency(text.removeprefix("SETOF "), catalog)
        if t is not None:
            deps.add(t)
    return deps


def _columns_named(expr_key: str) -> set[str]:
    """The last name of every column reference ({"Col": [...]}) in a canonical expression."""
    return {cols[-1] for x in _dicts(expr_key)
            if isinstance(cols := x.get("Col"), list) and cols and isinstance(cols[-1], str)}


def policy_dependencies(p, catalog: Catalog) -> set[ObjectRef]:
    """The table, the columns its USING / WITH CHECK read and the functions they call: the server
    refuses to drop a column a policy uses."""
    deps = {table_ref(p.table)}
    t = catalog.tables.get(p.table)
    for expr in (p.using, p.with_check):
        if expr is None:
            continue
        deps |= functions_used(expr.key, catalog)
        if t is not None:
            deps |= {column_ref(p.table, c) for c in _columns_named(expr.key) if t.column(c) is not None}
    return deps


def trigger_dependencies(trig, catalog: Catalog) -> set[ObjectRef]:
    owner = view_ref(trig.table) if trig.table in catalog.views else table_ref(trig.table)
    deps = {owner}
    deps |= {function_ref(fn) for fn in catalog.functions if fn.qualified == trig.function and fn.args == ""}
    return deps
