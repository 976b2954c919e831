"""What each object needs to exist: the dependency edges shared by plan, diagram, docs and lint.

Why derive them from the model instead of storing them: the parser and the
introspector then cannot disagree about them, and equality stays about the
schema itself.
"""
from __future__ import annotations

import re

import orjson

from .model import Catalog, Column, Constraint, Expr, Index, ObjectRef, QualifiedName, Sequence, Table, ref
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
    """The declared object that makes a type exist: an enum, domain, composite or range type, a
    table or view, whose row type every column, argument or result may use (`RETURNS SETOF
    customer`, `customer[]`), or on the live side the extension that brings it."""
    user_type = type_schema(type_text)
    if user_type is not None:
        qn = QualifiedName(*user_type)
        if qn in catalog.enums or qn in catalog.domains or qn in catalog.composites or qn in catalog.ranges:
            return type_ref(qn)
        if qn in catalog.tables:
            return table_ref(qn)
        if qn in catalog.views:
            return view_ref(qn)
        if qn in catalog.extension_types:
            return ref("extension", catalog.extension_types[qn])
    return None


def functions_used(expr_key: str, catalog: Catalog, search_path: tuple[str, ...] = ()) -> set[ObjectRef]:
    """Declared functions called in a canonical expression (every overload of the name);
    unqualified names are looked up in `search_path` (public when empty)."""
    if '"Func"' not in expr_key or not catalog.functions:
        return set()
    path = search_path or ("public",)
    names = {(schema, n[-1]) for f in _nodes(expr_key, "Func") if (n := f.get("name"))
             for schema in ([n[-2]] if len(n) > 1 else path)}
    return {function_ref(fn) for fn in catalog.functions if (fn.schema, fn.name) in names}


def _range_vars(expr_key: str):
    """Every RangeVar of a canonical key: wrapped ({"RangeVar": {...}}) where a list holds it,
    bare where a field is typed RangeVar (INSERT INTO's, UPDATE's and DELETE's "relation")."""
    return (x for x in _dicts(expr_key) if isinstance(x.get("relname"), str))


def _relations_used(expr_key: str, catalog: Catalog, search_path: tuple[str, ...] = ()) -> set[ObjectRef]:
    if '"relname"' not in expr_key:
        return set()
    found: set[ObjectRef] = set()
    for rv in _range_vars(expr_key):
        if rv.get("relname"):
            for schema in [rv["schemaname"]] if rv.get("schemaname") else (search_path or ("public",)):
                qn = QualifiedName(schema, rv["relname"])
                if qn in catalog.tables:
                    found.add(table_ref(qn))
                    break
                if qn in catalog.views:
                    found.add(view_ref(qn))
                    break
    return found


def function_ref(fn) -> ObjectRef:
    return ref("function", fn.schema, fn.name, fn.args)


def view_ref(name: QualifiedName) -> ObjectRef:
    return ref("view", name.schema, name.name)


def column_dependencies(table: QualifiedName, col: Column, catalog: Catalog) -> set[ObjectRef]:
    deps = set()
    typ = type_dependency(col.type, catalog)
    if typ is not None:
        deps.add(typ)
        if typ.kind == "type" and (qn := QualifiedName(*typ.path)) in catalog.enums:
            deps.add(enum_values_ref(qn))
    for expr in (col.default, col.generated):
        if expr is not None:
            for seq in sequences_used(expr.key):
                deps.add(sequence_ref(seq))
            deps |= functions_used(expr.key, catalog)
    if col.generated is not None:  # the columns it is computed from
        t = catalog.tables.get(table)
        deps |= {column_ref(table, c) for c in _columns_named(col.generated.key)
                 if c != col.name and t is not None and t.column(c) is not None}
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
    deps = {owner} | {column_ref(idx.table, c) for c in idx.columns if c} | functions_used(
        idx.definition.key, catalog)
    t = catalog.tables.get(idx.table)
    if t is not None and "Col" in idx.definition.key:
        # The columns its expressions and predicate read (the server records them too).
        deps |= {column_ref(idx.table, c) for c in _columns_named(idx.definition.key) if t.column(c) is not None}
    return deps


def sequence_dependencies(seq: Sequence) -> set[ObjectRef]:
    return {schema_ref(seq.name.schema)}


def column_default_ref(table: QualifiedName, column: str) -> ObjectRef:
    """A column's DEFAULT as an object of its own: the server tracks what it calls apart from the
    column, so a function under it is replaced by dropping and re-setting the default alone."""
    return ref("column_default", table.schema, table.name, column)


def policy_ref(table: QualifiedName, name: str) -> ObjectRef:
    return ref("policy", table.schema, table.name, name)


def trigger_ref(table: QualifiedName, name: str) -> ObjectRef:
    return ref("trigger", table.schema, table.name, name)


def _column_edges(t: Table, col: Column, catalog: Catalog, types: dict) -> set[ObjectRef]:
    """What the server records for a column: its table, its type (a table's row type included)
    and, for a generated column, the functions and sibling columns of its expression.
    `types` memoizes type_dependency: a big schema spells a few hundred types over many columns."""
    deps = {table_ref(t.name)}
    typ = types[col.type] if col.type in types else types.setdefault(col.type, type_dependency(col.type, catalog))
    if typ is not None:
        deps.add(typ)
    if col.generated is not None:
        deps |= functions_used(col.generated.key, catalog)
        deps |= {column_ref(t.name, c) for c in _columns_named(col.generated.key)
                 if c != col.name and t.column(c) is not None}
    return deps


def _default_edges(t: Table, col: Column, default: Expr, catalog: Catalog) -> set[ObjectRef]:
    deps = {column_ref(t.name, col.name)} | functions_used(default.key, catalog)
    return deps | {sequence_ref(s) for s in sequences_used(default.key)}


def _tracked_function_edges(f, catalog: Catalog) -> set[ObjectRef]:
    """What the server records for a function: its argument and result types, and what a
    BEGIN ATOMIC body uses.  A body in a string is checked when created but not tracked after,
    so dropping a table it reads does not need the function dropped."""
    deps = function_dependencies(f, catalog)
    if orjson.loads(f.definition.key).get("body", "").startswith("sql:"):
        deps = {d for d in deps if d.kind in ("schema", "type") or d in _signature_types(f, catalog)}
    return deps


def _signature_types(f, catalog: Catalog) -> set[ObjectRef]:
    texts = [p["type"] for p in orjson.loads(f.definition.key)["params"]]
    if f.returns and not f.returns.startswith("TABLE("):
        texts.append(f.returns.removeprefix("SETOF "))
    return {t for text in texts if (t := type_dependency(text, catalog)) is not None}


def dependencies(catalog: Catalog) -> dict[ObjectRef, set[ObjectRef]]:
    """Object -> the objects it depends on, as the server records them (pg_depend): the edges
    that decide what must be dropped and re-created when something it uses is replaced.

    Finer than what a creation needs (table_dependencies): a column, its default, each
    constraint, index, policy and trigger are nodes of their own, so that replacing a function
    under a DEFAULT replaces the default, not the table and every key on it."""
    out: dict[ObjectRef, set[ObjectRef]] = {}

    def add(node: ObjectRef, deps) -> None:
        out.setdefault(node, set()).update(deps)

    for s in catalog.schemas:
        add(schema_ref(s), ())
    for qn in catalog.enums:
        add(type_ref(qn), (schema_ref(qn.schema),))
    for pool in (catalog.domains, catalog.composites, catalog.ranges):
        for qn, typ in pool.items():
            add(type_ref(qn), type_dependencies(typ, catalog) | {schema_ref(qn.schema)})
    for qn, seq in catalog.sequences.items():
        add(sequence_ref(qn), sequence_dependencies(seq))
    types: dict = {}
    for qn, t in catalog.tables.items():
        parents = {table_ref(p) for p in (t.partition_of, *t.inherits) if p is not None}
        add(table_ref(qn), {schema_ref(qn.schema)} | parents)
        for col in t.columns:
            add(column_ref(qn, col.name), _column_edges(t, col, catalog, types))
            if col.default is not None:
                add(column_default_ref(qn, col.name), _default_edges(t, col, col.default, catalog))
        for con in t.constraints:
            add(constraint_ref(qn, con.name), constraint_dependencies(qn, con, catalog))
    for qn, idx in catalog.indexes.items():
        add(index_ref(qn), index_dependencies(idx, catalog))
    for qn, v in catalog.views.items():
        add(view_ref(qn), v.depends_on | {schema_ref(qn.schema)})
    for fn, f in catalog.functions.items():
        add(function_ref(fn), _tracked_function_edges(f, catalog))
    for (table, name), trig in catalog.triggers.items():
        add(trigger_ref(table, name), trigger_dependencies(trig, catalog))
    for (table, name), p in catalog.policies.items():
        add(policy_ref(table, name), policy_dependencies(p, catalog))
    return out


def type_dependencies(t, catalog: Catalog) -> set[ObjectRef]:
    """What a domain, composite or range type uses: its base, attribute or subtype types (a
    table's row type included) and the functions its checks and default call."""
    texts = []
    if hasattr(t, "base_type"):
        texts.append(t.base_type)
    if hasattr(t, "attributes"):
        texts.extend(a[1] for a in t.attributes)
    if hasattr(t, "subtype"):
        texts.append(t.subtype)
    out = {dep for text in texts if (dep := type_dependency(text, catalog)) is not None}
    exprs = [c.expr for c in getattr(t, "checks", ())] + [e for e in [getattr(t, "default", None)] if e]
    for expr in exprs:
        out |= functions_used(expr.key, catalog)
    return out


def dependents(catalog: Catalog) -> dict[ObjectRef, set[ObjectRef]]:
    """Object -> the objects that depend on it directly (the dependency edges reversed)."""
    out: dict[ObjectRef, set[ObjectRef]] = {}
    for node, deps in dependencies(catalog).items():
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
        path = tuple(s for s in f.search_path if s not in ("$user", "pg_catalog"))
        deps |= {r for r in functions_used(text, catalog, path) if r != function_ref(f.name)}
        relations = _relations_used(text, catalog, path)
        deps |= relations
        # The body names columns of those tables (INSERT INTO t (id) ...) and sequences (nextval('s')).
        for r in relations:
            table = catalog.tables.get(QualifiedName(*r.path)) if r.kind == "table" else None
            if table is not None:
                deps |= {column_ref(table.name, c.name) for c in table.columns}
        deps |= {sequence_ref(s) for s in sequences_used(text) if s in catalog.sequences}
    elif key.get("language") == "plpgsql" and body.startswith(("text:", "plpgsql:")):
        # PL/pgSQL resolves the types of its DECLAREd variables when the function is created
        # (`v_user app.users;` fails while table app.users does not exist); statements inside are
        # only planned when they run, so they need nothing first.
        path = tuple(s for s in f.search_path if s not in ("$user", "pg_catalog"))
        source = body.split(":", 1)[1] if body.startswith("text:") else f.definition.sql  # the parsed tree
        for text in plpgsql_declared_types(source):  # keeps no %ROWTYPE / row variable types
            found = (type_dependency(text if "." in text or not path else f"{s}.{text}", catalog)
                     for s in path or ("public",))
            t = next((x for x in found if x is not None), None)
            if t is not None and t != function_ref(f.name):
                deps.add(t)
    for used in key.get("uses", ()):  # an aggregate's support functions
        schema, _, name = used.partition(".")
        deps |= {function_ref(g) for g in catalog.functions if (g.schema, g.name) == (schema, name)}
    for text in [p["type"] for p in key["params"]] + ([f.returns] if f.returns else []):
        t = type_dependency(text.removeprefix("SETOF "), catalog)
        if t is not None:
            deps.add(t)
    return deps


_DECLARE_SECTION = re.compile(r"\bDECLARE\b(.*?)\bBEGIN\b", re.I | re.S)
_DECLARATION = re.compile(r"^\s*(?:\"[^\"]+\"|\w+)\s+(?:CONSTANT\s+)?(?P<type>.*?)\s*"
                          r"(?:\bCOLLATE\b|\bNOT\s+NULL\b|:=|=|\bDEFAULT\b|$)", re.I | re.S)


def plpgsql_declared_types(body: str) -> list[str]:
    """The type of each variable in a PL/pgSQL body's DECLARE sections, as written, with %ROWTYPE
    read as its relation and %TYPE as the relation of the column it names.

    Why text and not pglast's PL/pgSQL parser: libpg_query looks the types up and refuses any
    schema but public and pg_catalog, which is exactly where application types live."""
    out = []
    for section in _DECLARE_SECTION.findall(re.sub(r"--[^\n]*", "", body)):
        for decl in section.split(";"):
            m = _DECLARATION.match(decl)
            if m is None or re.match(r"\s*(?:ALIAS|CURSOR|NO\s+SCROLL|SCROLL)\b", m["type"], re.I):
                continue
            text = " ".join(m["type"].split())
            if text.upper().endswith("%ROWTYPE"):
                text = text[: -len("%ROWTYPE")]
            elif text.upper().endswith("%TYPE"):
                text = text[: -len("%TYPE")].rpartition(".")[0]
            if text:
                out.append(text)
    return out


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
