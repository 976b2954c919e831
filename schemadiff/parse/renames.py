"""ALTER ... RENAME: the object keeps everything it had under its new name (file order: session.py).

Why a module: a migration folder renames tables, columns, indexes, constraints, types and the
rest, and the server carries every reference along (it stores objects by identity, not by
name): an index, a foreign key, a trigger or a view that named the old name names the new one
afterwards. The drafts hold names, so a rename rewrites each reference the server would carry.
What the server keeps as text (a function body) is left as written, as the server leaves it.

A rename the drafts cannot follow faithfully (a column a view reads, a schema that holds
objects) is refused with a reason rather than guessed; `source = "replay"` reads such folders
by running them (replay.py).
"""
from __future__ import annotations

from dataclasses import replace

from ..errors import ParseError
from ..graph import function_ref, sequence_ref, table_ref, type_ref, view_ref
from ..model import FunctionName, QualifiedName, quote_ident
from ..model.types import type_schema
from .builder import Builder, Context, Unsupported, handles, not_null_named
from .nodes import strings, unwrap

ALTERS = 4

_REPLAY_HINT = "set source = \"replay\" in [tool.schemadiff] to read such a folder by running it"


@handles("RenameStmt", ALTERS)
def rename(b: Builder, node: dict, ctx: Context) -> None:
    kind = node["renameType"]
    if kind == "OBJECT_COLUMN" and node.get("relationType") in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
        kind = "VIEW_COLUMN"
    renamer = _RENAMERS.get(kind)
    if renamer is None:
        raise Unsupported(f"ALTER {kind.removeprefix('OBJECT_').replace('_', ' ')} ... RENAME")
    renamer(b, node, ctx)


def _nowhere(ctx: Context, what: str) -> ParseError:
    return ParseError([(ctx.location, f"{what} is declared nowhere before this statement")])


def _walk(tree, visit) -> None:
    """Call visit(d) on every dict of a parse tree, depth first."""
    stack = [tree]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            visit(x)
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)


def _rangevar_matches(rv: dict, target: QualifiedName, path: tuple[str, ...]) -> bool:
    if rv.get("relname") != target.name:
        return False
    schema = rv.get("schemaname")
    return schema == target.schema if schema else target.schema in path


def _rename_rangevars(tree, old: QualifiedName, new: QualifiedName, path: tuple[str, ...]) -> None:
    """Every RangeVar of `tree` naming `old` names `new`; so do column references qualified by the
    old name where the relation had no alias (`SELECT t.a FROM t` -> `SELECT u.a FROM u`)."""
    bare: list[bool] = []

    def visit(d: dict) -> None:
        rv = d.get("RangeVar")
        if isinstance(rv, dict) and _rangevar_matches(rv, old, path):
            rv["relname"] = new.name
            if not rv.get("alias"):
                bare.append(True)
    _walk(tree, visit)
    if not bare or old.name == new.name:
        return

    def requalify(d: dict) -> None:
        ref = d.get("ColumnRef")
        if not isinstance(ref, dict):
            return
        fields = ref.get("fields") or []
        names = strings(fields)
        if len(names) >= 2 and len(names) == len(fields) and names[-2] == old.name:
            fields[-2] = {"String": {"sval": new.name}}
    _walk(tree, requalify)


def _relname_field(node: dict, key: str, old: QualifiedName, new: QualifiedName, path) -> None:
    rv = node.get(key)
    if isinstance(rv, dict) and _rangevar_matches(rv, old, path):
        rv["relname"] = new.name


def _rekey(pool: dict, old, new) -> None:
    """Rename a key of a dict in place, keeping its position (column order is meaning)."""
    items = list(pool.items())
    pool.clear()
    pool.update((new if k == old else k, v) for k, v in items)


def _move_grants(b: Builder, kind: str, old: str, new: str) -> None:
    b.grants[:] = [replace(g, object_name=new) if (g.object_kind, g.object_name) == (kind, old) else g
                   for g in b.grants]
    b.revokes[:] = [(replace(r, object_name=new) if (r.object_kind, r.object_name) == (kind, old) else r, o, n)
                    for r, o, n in b.revokes]


def _move_owner(b: Builder, old_ref, new_ref, new_name: str) -> None:
    owner = b.owners.pop(old_ref, None)
    if owner is not None:
        b.owners[new_ref] = replace(owner, target=new_ref, object_name=new_name)


def _take_name(b: Builder, schema: str, old: str, new: str, ctx: Context) -> None:
    taken = b.relation_names.setdefault(schema, set())
    if new in taken and new != old:
        raise ParseError([(ctx.location, f"relation {QualifiedName(schema, new).display} already exists")])
    taken.discard(old)
    taken.add(new)


# -- relations ----------------------------------------------------------------------------------
def _relation_moved(b: Builder, old: QualifiedName, new: QualifiedName) -> None:
    """What names a table, view or sequence by its relation name follows it."""
    for index in list(b.indexes.values()):
        if index.table == old:
            index.table = new
            _relname_field(index.node, "relation", old, new, (old.schema,) + index.search_path)
        if index.parent == old:
            index.parent = new
    for pool in (b.triggers, b.policies):
        for key in [k for k in pool if k[0] == old]:
            _rekey(pool, key, (new, key[1]))
    for (_, _), trigger in b.triggers.items():
        _relname_field(trigger["node"], "relation", old, new, (old.schema,) + trigger["search_path"])
    for seq in b.sequences.values():
        if seq.owned_by and seq.owned_by[0] == old:
            seq.owned_by = (new, seq.owned_by[1])
    for table in b.tables.values():
        if table.partition_of == old:
            table.partition_of = new
        table.inherits = [new if p == old else p for p in table.inherits]
        for con in table.constraints.values():
            if con.node.get("contype") == "CONSTR_FOREIGN":
                pk = con.node.get("pktable")
                if isinstance(pk, dict) and _rangevar_matches(pk, old, (old.schema, table.name.schema)):
                    pk["relname"] = new.name
                    pk["schemaname"] = new.schema
    for view in b.views.values():
        _rename_rangevars(view["query"], old, new, view["search_path"])
    for (kind, _), draft in b.carried.items():
        for i, (what, names) in enumerate(draft.get("uses", ())):
            if what == "relation" and list(names[-2:]) == [old.schema, old.name]:
                draft["uses"][i] = (what, [new.schema, new.name])


def _table(b: Builder, node: dict, ctx: Context) -> None:
    old = b.qualify(node["relation"], ctx, b.tables)
    table = b.tables.get(old)
    if table is None:
        if node.get("missing_ok"):
            return
        raise _nowhere(ctx, f"table {old.display}")
    new = QualifiedName(old.schema, node["newname"])
    _take_name(b, old.schema, old.name, new.name, ctx)
    table.name = new
    _rekey(b.tables, old, new)
    _relation_moved(b, old, new)
    _move_owner(b, table_ref(old), table_ref(new), str(new))
    _move_grants(b, "table", str(old), str(new))


def _view(materialized: bool):
    def renamer(b: Builder, node: dict, ctx: Context) -> None:
        old = b.qualify(node["relation"], ctx, b.views)
        view = b.views.get(old)
        if view is None or view["materialized"] != materialized:
            if view is None and not materialized and old in b.tables:
                return _table(b, node, ctx)  # ALTER VIEW may rename a table, as the server allows
            if node.get("missing_ok"):
                return
            raise _nowhere(ctx, f"{'materialized ' if materialized else ''}view {old.display}")
        new = QualifiedName(old.schema, node["newname"])
        _take_name(b, old.schema, old.name, new.name, ctx)
        _rekey(b.views, old, new)
        _relation_moved(b, old, new)
        _move_owner(b, view_ref(old), view_ref(new), str(new))
        _move_grants(b, "table", str(old), str(new))
    return renamer


def _sequence(b: Builder, node: dict, ctx: Context) -> None:
    old = b.qualify(node["relation"], ctx, b.sequences)
    seq = b.sequences.get(old)
    if seq is None:
        if node.get("missing_ok"):
            return
        raise _nowhere(ctx, f"sequence {old.display}")
    new = QualifiedName(old.schema, node["newname"])
    _take_name(b, old.schema, old.name, new.name, ctx)
    seq.name = new
    _rekey(b.sequences, old, new)
    _move_owner(b, sequence_ref(old), sequence_ref(new), str(new))
    _move_grants(b, "sequence", str(old), str(new))
    # nextval('old') is stored as the sequence's identity: defaults name the new one.
    spellings = {old.name, quote_ident(old.name), f"{old.schema}.{old.name}",
                 f"{quote_ident(old.schema)}.{quote_ident(old.name)}"}
    shown = quote_ident(new.name) if new.schema == "public" else f"{quote_ident(new.schema)}.{quote_ident(new.name)}"

    def visit(d: dict) -> None:
        cast, call = d.get("TypeCast"), d.get("FuncCall")
        if isinstance(call, dict) and strings(call.get("funcname"))[-1:] in (["nextval"], ["currval"]) \
                and call.get("args"):
            const = unwrap(call["args"][0])[1]  # nextval('s'): the literal is cast to regclass
        elif isinstance(cast, dict) and strings(cast.get("typeName", {}).get("names"))[-1:] == ["regclass"]:
            const = unwrap(cast.get("arg") or {})[1]
        else:
            return
        sval = const.get("sval", {}) if isinstance(const, dict) else {}
        if isinstance(sval, dict) and sval.get("sval") in spellings:
            sval["sval"] = shown
    for table in b.tables.values():
        for col in table.columns.values():
            if col.default is not None:
                _walk(col.default, visit)


def _index(b: Builder, node: dict, ctx: Context) -> None:
    old = b.qualify(node["relation"], ctx, b.indexes)
    new = QualifiedName(old.schema, node["newname"])
    index = b.indexes.get(old)
    if index is not None:
        _take_name(b, old.schema, old.name, new.name, ctx)
        index.name = new
        index.node["idxname"] = new.name
        _rekey(b.indexes, old, new)
        for other in b.indexes.values():
            if other.parent == old:
                other.parent = new
        return
    # The index behind a key: renaming it renames the constraint.
    for table in b.tables.values():
        con = table.constraints.get(old.name) if table.name.schema == old.schema else None
        if con is not None and con.node["contype"] in ("CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_EXCLUSION"):
            return _constraint_of(b, table, old.name, new.name, ctx)
    if node.get("missing_ok"):
        return
    raise _nowhere(ctx, f"index {old.display}")


# -- parts of a table ---------------------------------------------------------------------------
def _constraint(b: Builder, node: dict, ctx: Context) -> None:
    qn = b.qualify(node["relation"], ctx, b.tables)
    table = b.tables.get(qn)
    if table is None:
        if node.get("missing_ok"):
            return
        raise _nowhere(ctx, f"table {qn.display}")
    _constraint_of(b, table, node["subname"], node["newname"], ctx)


def _constraint_of(b: Builder, table, old: str, new: str, ctx: Context) -> None:
    con = table.constraints.get(old)
    col = not_null_named(table, old) if con is None else None
    if col is not None:  # PostgreSQL 18: a NOT NULL is a constraint with a name
        col.not_null_name = new
        return
    if con is None:
        raise _nowhere(ctx, f"constraint {old} on {table.name.display}")
    if new in table.constraints and new != old:
        raise ParseError([(ctx.location, f"constraint {new} on {table.name.display} already exists")])
    schema = table.name.schema
    if con.node["contype"] in ("CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_EXCLUSION"):
        _take_name(b, schema, old, new, ctx)
        for index in b.indexes.values():  # a partition's key attached to this one
            if index.parent == QualifiedName(schema, old):
                index.parent = QualifiedName(schema, new)
        for other in b.tables.values():
            for c in other.constraints.values():
                if c.parent == QualifiedName(schema, old):
                    c.parent = QualifiedName(schema, new)
    names = b.constraint_names.setdefault(schema, set())
    names.discard(old)
    names.add(new)
    con.name, con.named = new, True
    con.node = {**con.node, "conname": new}
    _rekey(table.constraints, old, new)


def _column(b: Builder, node: dict, ctx: Context) -> None:
    qn = b.qualify(node["relation"], ctx, b.tables)
    table = b.tables.get(qn)
    if table is None:
        if node.get("missing_ok"):
            return
        raise _nowhere(ctx, f"table {qn.display}")
    old, new = node["subname"], node["newname"]
    if old not in table.columns:
        raise _nowhere(ctx, f"column {old} of {qn.display}")
    if new in table.columns and new != old:
        raise ParseError([(ctx.location, f"column {new} of {qn.display} already exists")])
    for view_name, view in b.views.items():
        if _reads_column(view["query"], qn, old, view["search_path"]):
            raise Unsupported(f"RENAME COLUMN {old} of {qn.display}, which view {view_name.display} reads "
                              f"({_REPLAY_HINT})")
    for t in [table] + [c for c in b.tables.values() if c.partition_of == qn or qn in c.inherits]:
        _column_of(b, t, old, new)


def _column_of(b: Builder, table, old: str, new: str) -> None:
    """Rename column `old` of one table and every reference to it the server would carry."""
    if old in table.columns:
        table.columns[old].name = new
        _rekey(table.columns, old, new)
    if old in table.partition_columns:
        table.partition_columns[old].name = new
        _rekey(table.partition_columns, old, new)
    rename_refs = _column_renamer(old, new)
    for col in table.columns.values():
        for expr in (col.default, col.generated):
            if expr is not None:
                _walk(expr, rename_refs)
    for con in table.constraints.values():
        node = con.node
        for key in ("keys", "fk_attrs", "including"):
            _rename_strings(node.get(key), old, new)
        for key in ("raw_expr", "exclusions", "where_clause"):
            if node.get(key) is not None:
                _walk(node[key], rename_refs)
                if key == "exclusions":
                    _walk(node[key], _index_elem_renamer(old, new))
        con.columns = [new if c == old else c for c in con.columns]
    for other in b.tables.values():
        for con in other.constraints.values():
            pk = con.node.get("pktable") if con.node.get("contype") == "CONSTR_FOREIGN" else None
            if isinstance(pk, dict) and _rangevar_matches(pk, table.name, (table.name.schema, other.name.schema)):
                _rename_strings(con.node.get("pk_attrs"), old, new)
    for index in b.indexes.values():
        if index.table == table.name:
            for key in ("indexParams", "indexIncludingParams", "whereClause"):
                if index.node.get(key) is not None:
                    _walk(index.node[key], rename_refs)
                    _walk(index.node[key], _index_elem_renamer(old, new))
    for (t, _), trigger in b.triggers.items():
        if t == table.name:
            _rename_strings(trigger["node"].get("columns"), old, new)
            if trigger["node"].get("whenClause") is not None:
                _walk(trigger["node"]["whenClause"], rename_refs)
    for (t, _), policy in b.policies.items():
        if t == table.name:
            for key in ("using", "check"):
                if policy.get(key) is not None:
                    _walk(policy[key], rename_refs)
    for seq in b.sequences.values():
        if seq.owned_by == (table.name, old):
            seq.owned_by = (table.name, new)
    if table.partition_by is not None:
        _walk(table.partition_by, _index_elem_renamer(old, new))
        _walk(table.partition_by, rename_refs)
    if table.replica_identity == old:
        table.replica_identity = new


def _rename_strings(items, old: str, new: str) -> None:
    for item in items or ():
        s = item.get("String") if isinstance(item, dict) else None
        if s is not None and s.get("sval") == old:
            s["sval"] = new


def _column_renamer(old: str, new: str):
    def visit(d: dict) -> None:
        ref = d.get("ColumnRef")
        if isinstance(ref, dict):
            fields = ref.get("fields") or []
            if fields and isinstance(fields[-1], dict) and fields[-1].get("String", {}).get("sval") == old:
                fields[-1] = {"String": {"sval": new}}
    return visit


def _index_elem_renamer(old: str, new: str):
    def visit(d: dict) -> None:
        for key in ("IndexElem", "PartitionElem"):
            elem = d.get(key)
            if isinstance(elem, dict) and elem.get("name") == old:
                elem["name"] = new
    return visit


def _reads_column(query, table: QualifiedName, column: str, path) -> bool:
    found = {"table": False, "column": False}

    def visit(d: dict) -> None:
        rv = d.get("RangeVar")
        if isinstance(rv, dict) and _rangevar_matches(rv, table, path):
            found["table"] = True
        ref = d.get("ColumnRef")
        if isinstance(ref, dict) and strings(ref.get("fields") or [])[-1:] == [column]:
            found["column"] = True
        if isinstance(ref, dict) and any("A_Star" in f for f in ref.get("fields") or [] if isinstance(f, dict)):
            found["column"] = True
    _walk(query, visit)
    return found["table"] and found["column"]


def _view_column(b: Builder, node: dict, ctx: Context) -> None:
    qn = b.qualify(node["relation"], ctx, b.views)
    view = b.views.get(qn)
    if view is None:
        if node.get("missing_ok"):
            return
        raise _nowhere(ctx, f"view {qn.display}")
    old, new = node["subname"], node["newname"]
    if old in view["columns"]:
        view["columns"] = [new if c == old else c for c in view["columns"]]
        return
    query = unwrap(view["query"])[1]
    for target in query.get("targetList") or ():
        res = unwrap(target)[1]
        ref = unwrap(res.get("val") or {})[1] if not res.get("name") else None
        shown = res.get("name") or next(iter(strings(ref.get("fields") or [])[-1:]), None) if isinstance(ref, dict) \
            else res.get("name")
        if shown == old:
            res["name"] = new
            return
    raise Unsupported(f"ALTER VIEW {qn.display} RENAME COLUMN {old}: not an output column schemadiff "
                      f"can name ({_REPLAY_HINT})")


def _on_table(pool_name: str, what: str):
    def renamer(b: Builder, node: dict, ctx: Context) -> None:
        table = b.qualify(node["relation"], ctx, b.relations)
        pool = getattr(b, pool_name)
        old, new = (table, node["subname"]), (table, node["newname"])
        if old not in pool:
            raise _nowhere(ctx, f"{what} {node['subname']} on {table.display}")
        if new in pool and new != old:
            raise ParseError([(ctx.location, f"{what} {node['newname']} on {table.display} already exists")])
        draft = pool[old]
        if "node" in draft:
            draft["node"] = {**draft["node"], "trigname": node["newname"]}
        _rekey(pool, old, new)
    return renamer


# -- functions, types, schemas -------------------------------------------------------------------
def _function(b: Builder, node: dict, ctx: Context) -> None:
    from .programs import function_name
    body = unwrap(node["object"])[1]
    old = function_name(strings(body.get("objname")), body.get("objargs"), ctx)
    if old not in b.functions and body.get("args_unspecified"):
        matches = [f for f in b.functions if (f.schema, f.name) == (old.schema, old.name)]
        old = matches[0] if len(matches) == 1 else old
    if old not in b.functions:
        if node.get("missing_ok"):
            return
        raise _nowhere(ctx, f"function {old.display}")
    new = FunctionName(old.schema, node["newname"], old.args)
    if new in b.functions:
        raise ParseError([(ctx.location, f"function {new.display} already exists")])
    draft = b.functions[old]
    if "node" in draft:
        names = strings(draft["node"].get("funcname"))
        draft["node"] = {**draft["node"], "funcname": [{"String": {"sval": s}} for s in names[:-1] + [new.name]]}
    _rekey(b.functions, old, new)
    for (_, _), trigger in b.triggers.items():
        names = strings(trigger["node"].get("funcname"))
        schema = names[-2] if len(names) > 1 else next(
            (s for s in trigger["search_path"] if s == old.schema), None)
        if names and names[-1] == old.name and schema == old.schema:
            trigger["node"]["funcname"] = [{"String": {"sval": s}} for s in names[:-1] + [new.name]]
    _move_owner(b, function_ref(old), function_ref(new), str(new))
    _move_grants(b, "function", str(old), str(new))


def _type(domain: bool):
    def renamer(b: Builder, node: dict, ctx: Context) -> None:
        names = _object_names(node["object"])
        pools = (b.domains,) if domain else (b.enums, b.composites, b.ranges, b.domains)
        for pool in pools:
            old = b.qualify_names(names, ctx, pool)
            if old in pool:
                break
        else:
            if node.get("missing_ok"):
                return
            raise _nowhere(ctx, f"type {b.qualify_names(names, ctx).display}")
        new = QualifiedName(old.schema, node["newname"])
        if any(new in p for p in (b.enums, b.composites, b.ranges, b.domains)):
            raise ParseError([(ctx.location, f"type {new.display} already exists")])
        if pool is b.composites:
            _take_name(b, old.schema, old.name, new.name, ctx)
        if pool is b.domains:  # its unnamed checks keep the names they got under the old name
            from .naming import choose_name
            taken = set(b.constraint_names.get(old.schema, ()))
            for check in pool[old]["checks"]:
                if not check.get("conname"):
                    check["conname"] = choose_name(old.name, None, "check", taken)
                taken.add(check["conname"])
        _rekey(pool, old, new)
        _retype_everywhere(b, old, new)
        _move_owner(b, type_ref(old), type_ref(new), str(new))
        _move_grants(b, "type", str(old), str(new))
    return renamer


def _object_names(obj) -> list[str]:
    kind, body = unwrap(obj)
    if kind == "List":
        return strings(body.get("items", ()))
    if kind == "TypeName":
        return strings(body.get("names"))
    return strings([obj])


def retype(text: str, old: QualifiedName, new: QualifiedName) -> str:
    """A column type's spelling with the renamed type's name in place: `mood[]` -> `feeling[]`."""
    found = type_schema(text)
    if found != (old.schema, old.name):
        return text
    core = text.removesuffix("[]")
    suffix = text[len(core):]
    mod = core[core.index("("):] if "(" in core else ""
    qualified = "." in core.split("(")[0]
    name = quote_ident(new.name)
    return (f"{quote_ident(new.schema)}.{name}" if qualified else name) + mod + suffix


def _retype_everywhere(b: Builder, old: QualifiedName, new: QualifiedName) -> None:
    for table in b.tables.values():
        for col in list(table.columns.values()) + list(table.partition_columns.values()):
            col.type = retype(col.type, old, new)
    for d in b.domains.values():
        d["base"] = retype(d["base"], old, new)
    for c in b.composites.values():
        c["attributes"] = [(n, retype(t, old, new), coll) for n, t, coll in c["attributes"]]
    for r in b.ranges.values():
        r["subtype"] = retype(r["subtype"], old, new)

    def visit(d: dict) -> None:  # casts in defaults, checks and view queries: the server shows the new name
        tn = d.get("TypeName")
        if isinstance(tn, dict):
            names = strings(tn.get("names"))
            if names and names[-1] == old.name and (len(names) == 1 or names[-2] == old.schema):
                tn["names"] = [{"String": {"sval": s}} for s in names[:-1] + [new.name]]
        tc = d.get("TypeCast")
        if isinstance(tc, dict) and isinstance(tc.get("typeName"), dict):
            visit({"TypeName": tc["typeName"]})
    for table in b.tables.values():
        for col in table.columns.values():
            if col.default is not None:
                _walk(col.default, visit)
        for con in table.constraints.values():
            if con.node.get("raw_expr") is not None:
                _walk(con.node["raw_expr"], visit)
    for view in b.views.values():
        _walk(view["query"], visit)


def enum_value_renamed(b: Builder, enum: QualifiedName, old: str, new: str) -> None:
    """ALTER TYPE ... RENAME VALUE: a default of the enum is stored as the value, which now shows
    its new label."""
    for table in b.tables.values():
        for col in table.columns.values():
            if col.default is None or type_schema(col.type.removesuffix("[]")) != (enum.schema, enum.name):
                continue
            node = unwrap(col.default)[1]
            if "arg" in node and "typeName" in node:
                node = unwrap(node["arg"])[1]
            sval = node.get("sval") if isinstance(node, dict) else None
            if isinstance(sval, dict) and sval.get("sval") == old:
                sval["sval"] = new


def _schema(b: Builder, node: dict, ctx: Context) -> None:
    old, new = node["subname"], node["newname"]
    if old not in b.schemas:
        raise _nowhere(ctx, f"schema {old}")
    if new in b.schemas:
        raise ParseError([(ctx.location, f"schema {new} already exists")])
    pools = (b.tables, b.views, b.indexes, b.sequences, b.enums, b.domains, b.composites, b.ranges)
    if any(getattr(k, "schema", None) == old for pool in pools for k in pool) or \
            any(f.schema == old for f in b.functions):
        raise Unsupported(f"ALTER SCHEMA {old} RENAME, with objects in it ({_REPLAY_HINT})")
    _rekey(b.schemas, old, new)
    if old in b.relation_names:
        b.relation_names[new] = b.relation_names.pop(old)
    from ..graph import schema_ref
    _move_owner(b, schema_ref(old), schema_ref(new), str(new))
    _move_grants(b, "schema", old, new)


def _attribute(b: Builder, node: dict, ctx: Context) -> None:
    qn = b.qualify(node["relation"], ctx, b.composites)
    comp = b.composites.get(qn)
    if comp is None:
        raise _nowhere(ctx, f"type {qn.display}")
    old, new = node["subname"], node["newname"]
    if old not in [a[0] for a in comp["attributes"]]:
        raise _nowhere(ctx, f"attribute {old} of {qn.display}")
    comp["attributes"] = [(new if n == old else n, t, c) for n, t, c in comp["attributes"]]


_RENAMERS = {
    "OBJECT_TABLE": _table, "OBJECT_FOREIGN_TABLE": _table, "OBJECT_VIEW": _view(False),
    "OBJECT_MATVIEW": _view(True), "OBJECT_SEQUENCE": _sequence, "OBJECT_INDEX": _index,
    "OBJECT_TABCONSTRAINT": _constraint, "OBJECT_COLUMN": _column, "VIEW_COLUMN": _view_column,
    "OBJECT_TRIGGER": _on_table("triggers", "trigger"), "OBJECT_POLICY": _on_table("policies", "policy"),
    "OBJECT_FUNCTION": _function, "OBJECT_PROCEDURE": _function, "OBJECT_ROUTINE": _function,
    "OBJECT_AGGREGATE": _function, "OBJECT_TYPE": _type(False), "OBJECT_DOMAIN": _type(True),
    "OBJECT_SCHEMA": _schema, "OBJECT_ATTRIBUTE": _attribute,
}
