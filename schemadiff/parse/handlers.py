"""One handler per statement kind; each turns a pglast JSON node into draft changes."""
from __future__ import annotations

from typing import Any

from ..errors import ParseError
from ..model import QualifiedName, quote_ident
from ..model.types import format_type
from .builder import (Builder, Context, Unsupported, _ParentNotYet, fold_attributes, handles, not_null_named,
                      serial_type)
from .drafts import ColumnDraft, IndexDraft, SequenceDraft, TableDraft
from . import partitions
from .naming import index_column_names, name_addition
from .nodes import const_value, def_elems, strings, unwrap

SCHEMAS, TYPES, TABLES, ALTERS, COMMENTS = 0, 1, 2, 4, 5


# -- schemas and extensions -------------------------------------------------------------
@handles("CreateSchemaStmt", SCHEMAS)
def create_schema(b: Builder, node: dict, ctx: Context) -> None:
    from .owners import schema_authorization
    role = node.get("authrole")
    name = node.get("schemaname") or (schema_authorization(b, role) if role else None)
    assert name is not None  # the grammar: CREATE SCHEMA has a name, an AUTHORIZATION, or both
    if role and node.get("schemaname"):
        schema_authorization(b, role, name)  # AUTHORIZATION x: x owns it
    if node.get("schemaElts"):
        raise Unsupported("CREATE SCHEMA with schema elements")
    if name in b.schemas and not node.get("if_not_exists"):
        raise ParseError([(ctx.location, f"schema {name} is declared twice")])
    b.schemas.setdefault(name, (ctx.location, None))


@handles("CreateExtensionStmt", SCHEMAS)
def create_extension(b: Builder, node: dict, ctx: Context) -> None:
    opts = def_elems(node.get("options"))
    schema = const_value(opts["schema"]) if "schema" in opts else None
    if node["extname"] in b.extensions and node.get("if_not_exists"):
        return
    b.extensions[node["extname"]] = (ctx.location, schema, None)
    if "new_version" in opts:
        b.extension_versions[node["extname"]] = str(const_value(opts["new_version"]))


@handles("AlterExtensionStmt", ALTERS)
def alter_extension(b: Builder, node: dict, ctx: Context) -> None:
    opts = def_elems(node.get("options"))
    if node["extname"] not in b.extensions:
        raise ParseError([(ctx.location, f"extension {node['extname']} is declared nowhere")])
    if "new_version" in opts:
        b.extension_versions[node["extname"]] = str(const_value(opts["new_version"]))


# -- types and sequences ----------------------------------------------------------------
@handles("CreateEnumStmt", TYPES)
def create_enum(b: Builder, node: dict, ctx: Context) -> None:
    qn = b.qualify_names(strings(node["typeName"]), ctx)
    if qn in b.enums:
        raise ParseError([(ctx.location, f"type {qn.display} is declared twice")])
    b.enums[qn] = {"labels": strings(node.get("vals")), "origin": ctx.location, "comment": None}


@handles("AlterEnumStmt", ALTERS)
def alter_enum(b: Builder, node: dict, ctx: Context) -> None:
    qn = b.qualify_names(strings(node["typeName"]), ctx, b.enums)
    enum = b.enums.get(qn)
    if enum is None:
        raise ParseError([(ctx.location, f"type {qn.display} is declared nowhere")])
    labels = enum["labels"]
    if node.get("oldVal"):
        if node["oldVal"] not in labels:
            raise ParseError([(ctx.location, f"enum label {node['oldVal']!r} of {qn.display} is declared nowhere")])
        labels[labels.index(node["oldVal"])] = node["newVal"]
        from .renames import enum_value_renamed
        enum_value_renamed(b, qn, node["oldVal"], node["newVal"])
        return
    new = node["newVal"]
    if new in labels:
        if node.get("skipIfNewValExists"):
            return
        raise ParseError([(ctx.location, f"enum label {new!r} already exists")])
    neighbor = node.get("newValNeighbor")
    if neighbor:
        pos = labels.index(neighbor) + (1 if node.get("newValIsAfter") else 0)
        labels.insert(pos, new)
    else:
        labels.append(new)


@handles("CreateSeqStmt", TYPES)
def create_sequence(b: Builder, node: dict, ctx: Context) -> None:
    qn = b.qualify(node["sequence"], ctx)
    if qn in b.sequences and node.get("if_not_exists"):
        return
    b.take_relation_name(qn.schema, qn.name, ctx)
    seq = SequenceDraft(qn, ctx.location, unlogged=node["sequence"].get("relpersistence") == "u")
    _sequence_options(b, seq, node.get("options"), ctx)
    b.sequences[qn] = seq


@handles("AlterSeqStmt", ALTERS)
def alter_sequence(b: Builder, node: dict, ctx: Context) -> None:
    qn = b.qualify(node["sequence"], ctx, b.sequences)
    seq = b.sequences.get(qn)
    if seq is None:
        raise ParseError([(ctx.location, f"sequence {qn.display} is declared nowhere")])
    _sequence_options(b, seq, node.get("options"), ctx)


def _sequence_options(b: Builder, seq: SequenceDraft, options, ctx: Context) -> None:
    for name, arg in def_elems(options).items():
        if name == "owned_by":
            names = strings(arg["List"]["items"] if "List" in arg else arg)
            if names == ["none"]:
                seq.owned_by = None
            else:
                table = b.qualify_names(names[:-1], ctx, b.tables)
                seq.owned_by = (table, names[-1])
        elif name == "as":
            seq.options["as"] = format_type(arg["TypeName"] if "TypeName" in arg else arg)
        elif name == "restart":
            continue  # a data operation, not a schema property
        else:
            seq.options[name] = const_value(arg)


# -- tables ---------------------------------------------------------------------------
@handles("CreateStmt", TABLES)
def create_table(b: Builder, node: dict, ctx: Context) -> None:
    rv = node["relation"]
    qn = b.qualify(rv, ctx)
    if qn in b.tables:
        if node.get("if_not_exists"):
            return
        raise ParseError([(ctx.location, f"table {qn.display} is declared twice")])
    if rv.get("relpersistence") == "t":
        raise Unsupported("temporary tables")
    if node.get("ofTypename"):
        raise Unsupported("typed tables (OF type)")
    parents = [b.qualify(p["RangeVar"], ctx, b.tables) for p in node.get("inhRelations", ())]
    table = TableDraft(qn, ctx.location, unlogged=rv.get("relpersistence") == "u")
    if node.get("partbound"):
        if parents[0] not in b.tables:
            raise _ParentNotYet()
        table.partition_of = parents[0]
        table.partition_bound = {"PartitionBoundSpec": node["partbound"]}
    else:
        for p in parents:
            if p not in b.tables:
                raise ParseError([(ctx.location, f"table {p.display} (inherited) is declared nowhere")])
        table.inherits = parents
    b.take_relation_name(qn.schema, qn.name, ctx)
    b.tables[qn] = table
    if node.get("partspec"):
        table.partition_by = {"PartitionSpec": node["partspec"]}
    if table.partition_of is not None:
        partitions.clone_parent_indexes(b, table)  # before its own keys, as the server does
    table.options = _reloptions(node.get("options"))
    access_method = node.get("accessMethod") or (
        None if node.get("partspec") else ctx.settings.get("default_table_access_method"))
    if access_method and access_method != "heap":
        table.access_method = access_method
    deferred: list[tuple[dict, str | None]] = []
    for elt in node.get("tableElts", ()):
        kind, body = unwrap(elt)
        if kind == "ColumnDef":
            if table.partition_of is not None:
                # Partitions declare per-column options only (WITH OPTIONS): constraints.
                for c in fold_attributes(body.get("constraints", ())):
                    deferred.append((c, body["colname"]))
                continue
            add_column(b, table, body, ctx, deferred)
        elif kind == "Constraint":
            deferred.append((body, None))
        elif kind == "TableLikeClause":
            raise Unsupported("CREATE TABLE ... (LIKE ...)")
        else:
            raise Unsupported(kind)
    # Check constraints get their names before index-backed ones, as in the server.
    deferred.sort(key=lambda c: 0 if c[0]["contype"] == "CONSTR_CHECK" else 1)
    deferred = _without_duplicate_keys(deferred)
    for body, column in deferred:
        if table.partition_of is not None and column is not None and body["contype"] in (
                "CONSTR_DEFAULT", "CONSTR_NULL"):
            continue  # a partition's own default is not modelled (the parent's stands); NULL is no change
        b.add_constraint(table, body, ctx, column)


def _key_signature(body: dict, column: str | None) -> tuple:
    keys = [column] if column is not None else strings(body.get("keys"))
    return (tuple(keys), tuple(strings(body.get("including"))), bool(body.get("nulls_not_distinct")),
            bool(body.get("deferrable")), bool(body.get("initdeferred")), repr(body.get("options")))


def _without_duplicate_keys(deferred: list) -> list:
    """transformIndexConstraints: identical PRIMARY KEY / UNIQUE specifications in one CREATE TABLE make
    one constraint, the primary key winning; a name given to a dropped duplicate goes to the survivor."""
    keyed = [(i, c, col) for i, (c, col) in enumerate(deferred) if c["contype"] in ("CONSTR_PRIMARY", "CONSTR_UNIQUE")]
    drop: set[int] = set()
    for i, c, col in keyed:
        if i in drop:
            continue
        for j, d, dcol in keyed:
            if j <= i or j in drop or _key_signature(c, col) != _key_signature(d, dcol):
                continue
            keep, lose = (j, i) if d["contype"] == "CONSTR_PRIMARY" and c["contype"] != "CONSTR_PRIMARY" else (i, j)
            kept, lost = deferred[keep][0], deferred[lose][0]
            if not kept.get("conname") and lost.get("conname"):
                deferred[keep] = ({**kept, "conname": lost["conname"]}, deferred[keep][1])
            drop.add(lose)
            if lose == i:
                break
    return [x for k, x in enumerate(deferred) if k not in drop]


def add_column(b: Builder, table: TableDraft, body: dict, ctx: Context, deferred: list | None = None) -> None:
    name = body["colname"]
    if name in table.columns:
        raise ParseError([(ctx.location, f"column {name} of {table.name.display} is declared twice")])
    type_name = body["typeName"]
    serial = serial_type(type_name)
    col = ColumnDraft(name, serial or b.resolve_type(format_type(type_name), ctx), ctx.location)
    if body.get("collClause"):
        col.collation = _collation(body["collClause"])
    table.columns[name] = col
    if serial:
        schema = table.name.schema
        seq_name = b.choose_relation_name(schema, table.name.name, name, "seq")
        seq = SequenceDraft(QualifiedName(schema, seq_name), ctx.location, {"as": serial},
                            owned_by=(table.name, name), made_by_serial=True)
        b.sequences[seq.name] = seq
        qualified = quote_ident(seq_name) if schema == "public" else f"{quote_ident(schema)}.{quote_ident(seq_name)}"
        col.default = {"FuncCall": {"funcname": [{"String": {"sval": "nextval"}}], "args": [
            {"TypeCast": {"arg": {"A_Const": {"sval": {"sval": qualified}}},
                          "typeName": {"names": [{"String": {"sval": "regclass"}}], "typemod": -1}}}]}}
        col.not_null = True
    for c in fold_attributes(body.get("constraints", ())):
        if c["contype"] in ("CONSTR_NOTNULL", "CONSTR_NULL", "CONSTR_DEFAULT", "CONSTR_IDENTITY",
                            "CONSTR_GENERATED"):
            b.apply_column_constraint(table, col, c, ctx)
        elif deferred is not None:
            deferred.append((c, name))
        else:
            b.add_constraint(table, c, ctx, name)


def _collation(clause: dict) -> str:
    names = strings(clause["CollateClause"]["collname"] if "CollateClause" in clause else clause["collname"])
    if len(names) == 2 and names[0] in ("pg_catalog", "public"):  # public: as the live side prints it
        names = names[1:]
    return ".".join(f'"{n}"' for n in names)


def _pair(option: str) -> tuple[str, str]:
    """'key=value' as (key, value)."""
    key, value = option.split("=", 1)
    return key, value


def _reloptions(options) -> list[str]:
    out = []
    for o in options or ():
        kind, body = unwrap(o)
        if kind != "DefElem":
            continue
        value = const_value(body.get("arg"))
        if isinstance(value, bool):
            value = "true" if value else "false"
        key = body["defname"]
        if body.get("defnamespace"):
            key = f"{body['defnamespace']}.{key}"
        out.append(f"{key}={value if value is not None else 'true'}")
    return sorted(out)


@handles("AlterTableStmt", ALTERS)
def alter_table(b: Builder, node: dict, ctx: Context) -> None:
    objtype = node.get("objtype", "OBJECT_TABLE")
    cmds = [unwrap(c)[1] for c in node.get("cmds", ())]
    if cmds and all(c.get("subtype") == "AT_ChangeOwner" for c in cmds) and objtype != "OBJECT_INDEX":
        from .owners import relation_owner
        relation_owner(b, node, cmds[-1]["newowner"], ctx)
        return
    if objtype == "OBJECT_INDEX":
        if all(c.get("subtype") == "AT_AttachPartition" for c in cmds):
            parent = b.qualify_names([x for x in (node["relation"].get("schemaname"),
                                                  node["relation"]["relname"]) if x], ctx, b.indexes)
            for c in cmds:
                rv = unwrap(c["def"])[1]["name"]
                child = b.qualify_names([x for x in (rv.get("schemaname"), rv["relname"]) if x], ctx, b.indexes)
                partitions.attach(b, parent, child, ctx)
            return
        if all(c.get("subtype") == "AT_SetStatistics" and c.get("num") for c in cmds):
            qn = b.qualify(node["relation"], ctx, b.indexes)
            if qn not in b.indexes:
                raise ParseError([(ctx.location, f"index {qn.display} is declared nowhere")])
            for c in cmds:  # ALTER INDEX i ALTER COLUMN 1 SET STATISTICS 3000 (expression columns)
                value = const_value(c.get("def"))
                if value in (None, -1):
                    b.indexes[qn].statistics.pop(int(c["num"]), None)
                else:
                    b.indexes[qn].statistics[int(c["num"])] = int(value)
            return
        raise Unsupported("ALTER INDEX")
    if objtype != "OBJECT_TABLE":
        raise Unsupported(f"ALTER {objtype.removeprefix('OBJECT_')}")
    if node.get("missing_ok") and b.qualify(node["relation"], ctx, b.tables) not in b.tables:
        return
    table = b.table(node["relation"], ctx)
    only = not node["relation"].get("inh")
    for c in node.get("cmds", ()):
        _alter_table_cmd(b, table, unwrap(c)[1], ctx, only)


def _inherited_constraint(b: Builder, table: TableDraft, name: str) -> bool:
    """Whether an ancestor of `table` (partition parent or inherited table) declares constraint `name`."""
    seen, todo = set(), [*([table.partition_of] if table.partition_of else []), *table.inherits]
    while todo:
        parent = b.tables.get(todo.pop())
        if parent is None or id(parent) in seen:
            continue
        seen.add(id(parent))
        if name in parent.constraints:
            return True
        todo += [*([parent.partition_of] if parent.partition_of else []), *parent.inherits]
    return False


def _alter_table_cmd(b: Builder, table: TableDraft, cmd: dict, ctx: Context, only: bool = False) -> None:
    sub = cmd["subtype"]
    definition: Any = cmd.get("def")  # a node whose shape the subtype gives
    if sub == "AT_AddConstraint":
        con = b.add_constraint(table, unwrap(definition)[1], ctx)
        if con is not None and table.partition_by is not None and (kind := partitions.key_kind(con)) and not only:
            partitions.cascade(b, partitions.Ix(table, con, kind))
    elif sub == "AT_AddColumn":
        coldef = unwrap(definition)[1]
        if cmd.get("missing_ok") and coldef["colname"] in table.columns:
            return  # ADD COLUMN IF NOT EXISTS of a column declared before
        add_column(b, table, coldef, ctx)
    elif sub == "AT_ColumnDefault":
        b.column(table, cmd["name"], ctx).default = definition
    elif sub == "AT_SetNotNull":
        b.column(table, cmd["name"], ctx).not_null = True
    elif sub == "AT_DropNotNull":
        col = b.column(table, cmd["name"], ctx)
        col.not_null, col.not_null_name = False, None
    elif sub == "AT_AddIdentity":
        b.apply_column_constraint(table, b.column(table, cmd["name"], ctx), unwrap(definition)[1], ctx)
    elif sub == "AT_AlterColumnType":
        col = b.column(table, cmd["name"], ctx)
        coldef = unwrap(definition)[1]
        col.type = format_type(coldef["typeName"])
        if coldef.get("collClause"):
            col.collation = _collation(coldef["collClause"])
    elif sub == "AT_AttachPartition":
        pc = unwrap(definition)[1]
        child = b.table(pc["name"], ctx)
        child.partition_of = table.name
        child.partition_bound = {"PartitionBoundSpec": pc["bound"]}
        child.columns = {}
        partitions.clone_parent_indexes(b, child)
    elif sub == "AT_SetRelOptions":
        opts = dict(_pair(o) for o in table.options)
        opts.update(_pair(o) for o in _reloptions(definition["List"]["items"] if "List" in definition
                                                  else definition))
        table.options = sorted(f"{k}={v}" for k, v in opts.items())
    elif sub == "AT_SetUnLogged":
        table.unlogged = True
    elif sub == "AT_SetLogged":
        table.unlogged = False
    elif sub == "AT_SetStorage":
        b.column(table, cmd["name"], ctx).storage = str(const_value(definition)).lower()
    elif sub == "AT_SetCompression":
        value = str(const_value(definition)).lower()
        b.column(table, cmd["name"], ctx).compression = None if value == "default" else value
    elif sub == "AT_SetStatistics":
        value = const_value(definition)
        b.column(table, cmd["name"], ctx).statistics = None if value in (None, -1) else int(value)
    elif sub == "AT_SetOptions":
        col = b.column(table, cmd["name"], ctx)
        opts = dict(_pair(o) for o in col.options)
        opts.update(_pair(o) for o in _reloptions(definition["List"]["items"] if "List" in definition
                                                  else definition))
        col.options = sorted(f"{k}={v}" for k, v in opts.items())
    elif sub == "AT_ClusterOn":
        table.cluster_on = cmd["name"]
    elif sub == "AT_DropCluster":
        table.cluster_on = None
    elif sub == "AT_ValidateConstraint":
        con = table.constraints.get(cmd["name"])
        if con is None and _inherited_constraint(b, table, cmd["name"]):
            # The child's copy of a parent's NOT VALID check, validated on its own (a partition created
            # after the check is valid from the start; introspection states it so). Validity per
            # child is not modelled: the parent's constraint stands for the whole tree.
            return
        if con is None:
            raise ParseError([(ctx.location, f"constraint {cmd['name']} is declared nowhere")])
        con.node = {k: v for k, v in con.node.items() if k not in ("skip_validation", "initially_valid")}
    elif sub == "AT_ReplicaIdentity":
        ri = unwrap(definition)[1]
        identity = ri.get("identity_type", "d")
        table.replica_identity = ri["name"] if identity == "i" else identity  # USING INDEX names it
    elif sub in ("AT_EnableRowSecurity", "AT_DisableRowSecurity"):
        table.rls_enabled = sub == "AT_EnableRowSecurity"
    elif sub in ("AT_ForceRowSecurity", "AT_NoForceRowSecurity"):
        table.rls_forced = sub == "AT_ForceRowSecurity"
    elif sub in _TRIGGER_STATES:
        trigger = b.triggers.get((table.name, cmd["name"]))
        if trigger is None:
            raise ParseError([(ctx.location, f"trigger {cmd['name']} on {table.name.display} is declared nowhere")])
        trigger["enabled"] = _TRIGGER_STATES[sub]
    elif sub == "AT_DropConstraint":
        con = table.constraints.pop(cmd["name"], None)
        not_null = not_null_named(table, cmd["name"]) if con is None else None
        if not_null is not None:  # PostgreSQL 18: dropping the NOT NULL constraint drops the NOT NULL
            not_null.not_null, not_null.not_null_name = False, None
            return
        if con is None and not cmd.get("missing_ok"):
            raise ParseError([(ctx.location, f"constraint {cmd['name']} is declared nowhere")])
        if con is not None:  # its name is free again, for a re-definition after the drop
            b.constraint_names.get(table.name.schema, set()).discard(con.name)
            if con.node["contype"] in ("CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_EXCLUSION"):
                b.relation_names.get(table.name.schema, set()).discard(con.name)
    elif sub == "AT_DropColumn":
        if table.columns.pop(cmd["name"], None) is None:
            if not cmd.get("missing_ok"):
                raise ParseError([(ctx.location, f"column {cmd['name']} is declared nowhere")])
        else:
            from .drops import column_dropped
            column_dropped(b, table, cmd["name"])
    else:
        raise Unsupported("ALTER TABLE " + sub.removeprefix("AT_"))


_TRIGGER_STATES = {"AT_EnableTrig": "O", "AT_DisableTrig": "D", "AT_EnableAlwaysTrig": "A",
                   "AT_EnableReplicaTrig": "R"}


# -- indexes --------------------------------------------------------------------------
@handles("IndexStmt", ALTERS)
def create_index(b: Builder, node: dict, ctx: Context) -> None:
    view = b.qualify(node["relation"], ctx, b.views)
    if view in b.views and b.views[view]["materialized"]:
        table = TableDraft(view, ctx.location)  # stands in for the materialized view: name only
    else:
        table = b.table(node["relation"], ctx)
    schema = table.name.schema
    name = node.get("idxname")
    if name:
        qn = QualifiedName(schema, name)
        if qn in b.indexes and node.get("if_not_exists"):
            return
        b.take_relation_name(schema, name, ctx)
    else:
        cols = [_index_column_name(e) for e in node.get("indexParams", ())]
        cols += [_index_column_name(e) for e in node.get("indexIncludingParams", ())]
        name = b.choose_relation_name(schema, table.name.name, name_addition(index_column_names(cols)),
                                      "idx")
        qn = QualifiedName(schema, name)
    partitions.add_index(b, IndexDraft(qn, table.name, node, ctx.location, search_path=ctx.search_path))
    if table.partition_by is not None and node["relation"].get("inh"):
        partitions.cascade(b, partitions.Ix(table, b.indexes[qn], "i"))


def _index_column_name(elem: dict) -> str | None:
    """ChooseIndexColumnNames: a column's name, an expression's FigureColname (lower(x) -> lower)."""
    from .views import _natural_name
    body = unwrap(elem)[1]
    if body.get("name"):
        return body["name"]
    name = _natural_name(body["expr"]) if body.get("expr") else "?column?"
    return None if name == "?column?" else name


# -- comments -------------------------------------------------------------------------
@handles("CommentStmt", COMMENTS)
def comment(b: Builder, node: dict, ctx: Context) -> None:
    objtype = node["objtype"]
    text = node.get("comment")
    obj = node.get("object")
    if objtype == "OBJECT_SCHEMA":
        name = const_value(obj)
        if name == "public":
            b.schemas.setdefault("public", (ctx.location, None))
        loc, _ = b.schemas.get(name, (None, None))
        if loc is None:
            raise ParseError([(ctx.location, f"schema {name} is declared nowhere")])
        b.schemas[name] = (loc, text)
    elif objtype == "OBJECT_EXTENSION":
        name = const_value(obj)
        if name not in b.extensions:
            raise ParseError([(ctx.location, f"extension {name} is declared nowhere")])
        loc, schema, _ = b.extensions[name]
        b.extensions[name] = (loc, schema, text)
    elif objtype in ("OBJECT_TABLE", "OBJECT_FOREIGN_TABLE"):
        b.table({"relname": strings(_items(obj))[-1], "schemaname": _schema_of(obj)}, ctx).comment = text
    elif objtype in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
        _view(b, strings(_items(obj)), ctx)["comment"] = text
    elif objtype == "OBJECT_COLUMN":
        names = strings(_items(obj))
        rv = {"relname": names[-2], "schemaname": names[-3] if len(names) > 2 else None}
        if b.qualify(rv, ctx, b.relations) in b.views:
            view = _view(b, names[:-1], ctx)
            if text is None:
                view["column_comments"].pop(names[-1], None)
            else:
                view["column_comments"][names[-1]] = text
            return
        table = b.table(rv, ctx)
        b.column(table, names[-1], ctx).comment = text
    elif objtype in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE", "OBJECT_AGGREGATE"):
        from .programs import function_name
        body = unwrap(obj)[1]
        fn = function_name(strings(body.get("objname")), body.get("objargs"), ctx)
        if fn not in b.functions and body.get("args_unspecified"):
            matches = [f for f in b.functions if (f.schema, f.name) == (fn.schema, fn.name)]
            fn = matches[0] if len(matches) == 1 else fn
        if fn not in b.functions:
            raise ParseError([(ctx.location, f"function {fn.display} is declared nowhere")])
        b.functions[fn]["comment"] = text
    elif objtype in ("OBJECT_TRIGGER", "OBJECT_POLICY"):
        names = strings(_items(obj))
        on = b.qualify_names(names[:-1], ctx, b.tables)
        members = b.triggers if objtype == "OBJECT_TRIGGER" else b.policies
        if (on, names[-1]) not in members:
            raise ParseError([(ctx.location, f"{objtype.removeprefix('OBJECT_').lower()} {names[-1]} on "
                                             f"{on.display} is declared nowhere")])
        members[(on, names[-1])]["comment"] = text
    elif objtype == "OBJECT_DOMAIN" or (objtype == "OBJECT_TYPE" and _type_pool(b, obj, ctx) is not None):
        pool = b.domains if objtype == "OBJECT_DOMAIN" else _type_pool(b, obj, ctx)
        qn = b.qualify_names(strings(unwrap(obj)[1].get("names")), ctx, pool)
        if qn not in pool:
            raise ParseError([(ctx.location, f"type {qn.display} is declared nowhere")])
        pool[qn]["comment"] = text
    elif objtype == "OBJECT_TABCONSTRAINT":
        names = strings(_items(obj))
        table = b.table({"relname": names[-2], "schemaname": names[-3] if len(names) > 2 else None}, ctx)
        con = table.constraints.get(names[-1])
        if con is None:
            raise ParseError([(ctx.location, f"constraint {names[-1]} on {table.name.display} is declared nowhere")])
        con.comment = text
    elif objtype == "OBJECT_INDEX":
        qn = b.qualify_names(strings(_items(obj)), ctx, b.indexes)
        if qn in b.indexes:
            b.indexes[qn].comment = text
            return
        # The index behind a primary key, unique or exclusion constraint has the constraint's name.
        for table in b.tables.values():
            con = table.constraints.get(qn.name) if table.name.schema == qn.schema else None
            if con is not None and con.node["contype"] in ("CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_EXCLUSION"):
                con.index_comment = text
                return
        raise ParseError([(ctx.location, f"index {qn.display} is declared nowhere")])
    elif objtype == "OBJECT_SEQUENCE":
        qn = b.qualify_names(strings(_items(obj)), ctx, b.sequences)
        if qn not in b.sequences:
            raise ParseError([(ctx.location, f"sequence {qn.display} is declared nowhere")])
        b.sequences[qn].comment = text
    elif objtype == "OBJECT_TYPE":
        qn = b.qualify_names(strings(unwrap(obj)[1].get("names")), ctx, b.enums)
        if qn not in b.enums:
            raise ParseError([(ctx.location, f"type {qn.display} is declared nowhere")])
        b.enums[qn]["comment"] = text
    else:
        from .carried import comment as carried_comment
        if not carried_comment(b, node, ctx):
            raise Unsupported(f"COMMENT ON {objtype.removeprefix('OBJECT_').replace('_', ' ')}")


def _view(b: Builder, names: list[str], ctx: Context) -> dict:
    qn = b.qualify_names(names, ctx, b.views)
    if qn not in b.views:
        raise ParseError([(ctx.location, f"view {qn.display} is declared nowhere")])
    return b.views[qn]


def _type_pool(b: Builder, obj, ctx: Context):
    """The draft pool (domains, composite or range types) holding a COMMENT ON TYPE target, if any."""
    names = strings(unwrap(obj)[1].get("names"))
    for pool in (b.domains, b.composites, b.ranges):
        if b.qualify_names(names, ctx, pool) in pool:
            return pool
    return None


def _items(obj):
    kind, body = unwrap(obj)
    return body.get("items", ()) if kind == "List" else [obj]


def _schema_of(obj) -> str | None:
    names = strings(_items(obj))
    return names[-2] if len(names) > 1 else None


