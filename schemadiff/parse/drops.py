"""DROP: removes from the declaration what was declared before it (file order: session.py).

Why a module: a DROP names any kind of object, and removing one takes what goes with it on
the server (a table's indexes, triggers, policies, owned sequences, its owner and grants), so
that a re-definition after the drop starts clean.
"""
from __future__ import annotations

from ..errors import ParseError
from ..graph import function_ref, schema_ref, sequence_ref, table_ref, type_ref, view_ref
from ..model import QualifiedName
from .builder import Builder, Context, Unsupported, handles
from .nodes import strings, unwrap

ALTERS = 4


@handles("DropStmt", ALTERS)
def drop(b: Builder, node: dict, ctx: Context) -> None:
    kind = node["removeType"]
    dropper = _DROPPERS.get(kind)
    if dropper is None:
        raise Unsupported(f"DROP {kind.removeprefix('OBJECT_').replace('_', ' ')}")
    cascade = node.get("behavior") == "DROP_CASCADE"
    for obj in node.get("objects", ()):
        target = _TARGETS.get(kind, lambda *_: None)(b, obj, ctx)
        if target is not None:
            from .cascade import check_and_cascade
            outcome: list = []
            word = kind.removeprefix("OBJECT_").replace("_", " ").lower()
            check_and_cascade(b, target, cascade, ctx, f"{word} {target[1].display}",
                              lambda: outcome.append(dropper(b, obj, ctx)))
            label = outcome[0]
        else:
            label = dropper(b, obj, ctx)
        if label is not None and not node.get("missing_ok"):
            raise ParseError([(ctx.location, f"DROP {kind.removeprefix('OBJECT_').replace('_', ' ')}: "
                                             f"{label} is declared nowhere before this statement")])


def _names(obj) -> list[str]:
    kind, body = unwrap(obj)
    if kind == "List":
        return strings(body.get("items", ()))
    if kind == "TypeName":
        return strings(body.get("names"))
    if kind == "String":
        return [body["sval"]]
    return strings([obj])


def _release(b: Builder, qn: QualifiedName) -> None:
    b.relation_names.get(qn.schema, set()).discard(qn.name)


def _forget(b: Builder, target, object_kind: str, object_name: str) -> None:
    """The owner and grants of a dropped object go with it."""
    b.owners.pop(target, None)
    def gone(g) -> bool:
        return g.object_kind == object_kind and g.object_name == object_name
    # A revoke records how many grants came before it (privileges.apply_acl replays them in
    # order): count again among the grants that stay.
    kept = [not gone(g) for g in b.grants]
    b.revokes[:] = [(r, option, sum(kept[:n])) for r, option, n in b.revokes if not gone(r)]
    b.grants[:] = [g for g, keep in zip(b.grants, kept) if keep]


def drop_table(b: Builder, qn: QualifiedName) -> None:
    """Remove a table and everything the server drops with it."""
    table = b.tables.pop(qn)
    _release(b, qn)
    for con in table.constraints.values():
        b.constraint_names.get(qn.schema, set()).discard(con.name)
        if con.node["contype"] in ("CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_EXCLUSION"):
            _release(b, QualifiedName(qn.schema, con.name))
    for name in [i for i, d in b.indexes.items() if d.table == qn]:
        b.indexes.pop(name)
        _release(b, name)
    for key in [k for k in b.triggers if k[0] == qn]:
        b.triggers.pop(key)
    for key in [k for k in b.policies if k[0] == qn]:
        b.policies.pop(key)
    for name in [s for s, d in b.sequences.items() if d.owned_by and d.owned_by[0] == qn]:
        b.sequences.pop(name)
        _release(b, name)
        _forget(b, sequence_ref(name), "sequence", str(name))
    for child in [c for c in b.tables.values() if c.partition_of == qn]:
        drop_table(b, child.name)
    _forget(b, table_ref(qn), "table", str(qn))


def column_dropped(b: Builder, table, column: str) -> None:
    """ALTER TABLE ... DROP COLUMN: the table's constraints and indexes that use the column go
    with it, as on the server (a foreign key of another table, or a view, would need CASCADE)."""
    from .builder import _column_refs
    schema = table.name.schema
    for name, con in list(table.constraints.items()):
        used = set(con.columns) | set(strings(con.node.get("including")))
        if con.node.get("where_clause") is not None:
            used |= set(_column_refs(con.node["where_clause"]))
        if column in used:
            table.constraints.pop(name)
            b.constraint_names.get(schema, set()).discard(name)
            if con.node["contype"] in ("CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_EXCLUSION"):
                _release(b, QualifiedName(schema, name))
    for name, index in list(b.indexes.items()):
        if index.table != table.name:
            continue
        node = index.node
        used = {unwrap(e)[1].get("name") for e in [*node.get("indexParams", ()), *node.get("indexIncludingParams", ())]}
        used |= set(_column_refs([node.get("indexParams"), node.get("whereClause")]))
        if column in used:
            b.indexes.pop(name)
            _release(b, name)
    for child in [c for c in b.tables.values() if c.partition_of == table.name]:
        child.partition_columns.pop(column, None)
        column_dropped(b, child, column)


def _table(b: Builder, obj, ctx: Context) -> str | None:
    qn = b.qualify_names(_names(obj), ctx, b.tables)
    if qn not in b.tables:
        return qn.display
    drop_table(b, qn)
    return None


def _view(materialized: bool):
    def dropper(b: Builder, obj, ctx: Context) -> str | None:
        qn = b.qualify_names(_names(obj), ctx, b.views)
        view = b.views.get(qn)
        if view is None or view["materialized"] != materialized:
            return qn.display
        drop_view(b, qn)
        return None
    return dropper


def drop_view(b: Builder, qn: QualifiedName) -> None:
    """Remove a view and what goes with it (its indexes, triggers, owner and grants)."""
    b.views.pop(qn)
    _release(b, qn)
    for name in [i for i, d in b.indexes.items() if d.table == qn]:
        b.indexes.pop(name)
        _release(b, name)
    for key in [k for k in b.triggers if k[0] == qn]:
        b.triggers.pop(key)
    _forget(b, view_ref(qn), "table", str(qn))


def _declared(kind: str, pools: tuple[str, ...], resolve: str = "names"):
    """The cascade target (parse/cascade.py) a DROP names, if it is declared."""
    def target(b: Builder, obj, ctx: Context):
        for pool_name in pools:
            pool = getattr(b, pool_name)
            qn = b.qualify_names(_names(obj), ctx, pool)
            if qn in pool:
                return kind, qn
        return None
    return target


def _function_target(b: Builder, obj, ctx: Context):
    from .programs import function_name
    body = unwrap(obj)[1]
    fn = function_name(strings(body.get("objname")), body.get("objargs"), ctx)
    if fn not in b.functions and body.get("args_unspecified"):
        matches = [f for f in b.functions if (f.schema, f.name) == (fn.schema, fn.name)]
        fn = matches[0] if len(matches) == 1 else fn
    if fn not in b.functions:
        return None
    return "function", fn  # overloads of its name stay: calls are matched to it (cascade._calls)


def _index(b: Builder, obj, ctx: Context) -> str | None:
    qn = b.qualify_names(_names(obj), ctx, b.indexes)
    if b.indexes.pop(qn, None) is None:
        return qn.display
    _release(b, qn)
    return None


def _sequence(b: Builder, obj, ctx: Context) -> str | None:
    qn = b.qualify_names(_names(obj), ctx, b.sequences)
    if b.sequences.pop(qn, None) is None:
        return qn.display
    _release(b, qn)
    _forget(b, sequence_ref(qn), "sequence", str(qn))
    return None


def _type(domain: bool):
    def dropper(b: Builder, obj, ctx: Context) -> str | None:
        names = _names(obj)
        pools = (b.domains,) if domain else (b.enums, b.composites, b.ranges, b.domains)
        for pool in pools:
            qn = b.qualify_names(names, ctx, pool)
            if pool.pop(qn, None) is not None:
                if pool is b.composites:
                    _release(b, qn)
                _forget(b, type_ref(qn), "type", str(qn))
                return None
        return b.qualify_names(names, ctx).display
    return dropper


def _function(b: Builder, obj, ctx: Context) -> str | None:
    from .programs import function_name
    body = unwrap(obj)[1]
    fn = function_name(strings(body.get("objname")), body.get("objargs"), ctx)
    if fn not in b.functions and body.get("args_unspecified"):
        matches = [f for f in b.functions if (f.schema, f.name) == (fn.schema, fn.name)]
        fn = matches[0] if len(matches) == 1 else fn
    if b.functions.pop(fn, None) is None:
        return fn.display
    _forget(b, function_ref(fn), "function", str(fn))
    return None


def _on_table(pool_name: str, what: str):
    """DROP TRIGGER / POLICY name ON table."""
    def dropper(b: Builder, obj, ctx: Context) -> str | None:
        names = _names(obj)
        pool = getattr(b, pool_name)
        table = b.qualify_names(names[:-1], ctx, b.relations)
        if pool.pop((table, names[-1]), None) is None:
            return f"{what} {names[-1]} on {table.display}"
        return None
    return dropper


def _schema(b: Builder, obj, ctx: Context) -> str | None:
    name = _names(obj)[-1]
    if b.schemas.pop(name, None) is None:
        return f"schema {name}"
    _forget(b, schema_ref(name), "schema", name)
    return None


def _extension(b: Builder, obj, ctx: Context) -> str | None:
    name = _names(obj)[-1]
    if b.extensions.pop(name, None) is None:
        return f"extension {name}"
    b.extension_versions.pop(name, None)
    return None


_TARGETS = {
    "OBJECT_TABLE": _declared("relation", ("tables",)), "OBJECT_VIEW": _declared("relation", ("views",)),
    "OBJECT_MATVIEW": _declared("relation", ("views",)), "OBJECT_SEQUENCE": _declared("sequence", ("sequences",)),
    "OBJECT_TYPE": _declared("type", ("enums", "composites", "ranges", "domains")),
    "OBJECT_DOMAIN": _declared("type", ("domains",)), "OBJECT_FUNCTION": _function_target,
    "OBJECT_PROCEDURE": _function_target, "OBJECT_ROUTINE": _function_target,
}

_DROPPERS = {
    "OBJECT_TABLE": _table, "OBJECT_FOREIGN_TABLE": _table, "OBJECT_VIEW": _view(False),
    "OBJECT_MATVIEW": _view(True), "OBJECT_INDEX": _index, "OBJECT_SEQUENCE": _sequence,
    "OBJECT_TYPE": _type(False), "OBJECT_DOMAIN": _type(True), "OBJECT_FUNCTION": _function,
    "OBJECT_PROCEDURE": _function, "OBJECT_AGGREGATE": _function, "OBJECT_ROUTINE": _function,
    "OBJECT_TRIGGER": _on_table("triggers", "trigger"),
    "OBJECT_POLICY": _on_table("policies", "policy"), "OBJECT_SCHEMA": _schema, "OBJECT_EXTENSION": _extension,
}


def register(kind: str, dropper) -> None:
    """Other modules (carried.py) add the kinds they declare."""
    if kind in _DROPPERS:
        raise RuntimeError(f"two droppers for {kind}")
    _DROPPERS[kind] = dropper
