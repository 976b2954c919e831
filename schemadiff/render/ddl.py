"""Change -> SQL statements.  One renderer per change kind, registered by kind.

Why here and not on the model: the model says what a schema is; how to get
there (ALTER vs DROP/CREATE, online variants) is the plan's business.
"""
from __future__ import annotations

from ..diff import Change
from ..model import Column, Constraint, QualifiedName, SequenceOptions, Table, quote_ident, quote_literal
from .base import RENDERERS, options_delta, renders


class Aux(str):
    """A statement that only prepares or tidies up around the one doing a change's work (the
    default dropped and set again around ALTER COLUMN TYPE, the old enum renamed and dropped).

    The change's hazards belong to the working statement: an auxiliary one carries at most a
    brief lock on `locks` (a table), so a review does not read "table-rewrite" or "data-loss"
    on a DROP DEFAULT, and the plan's count of destructive statements stays honest.
    """
    locks: str | None

    def __new__(cls, sql: str, locks: object = None) -> "Aux":
        self = super().__new__(cls, sql)
        self.locks = None if locks is None else str(locks)
        return self


def render_change(change: Change) -> list[str]:
    return RENDERERS[change.kind](change)


q = quote_ident


# -- schemas, extensions, types, sequences ---------------------------------------------------
@renders("create_schema")
def _(c: Change) -> list[str]:
    return [f"CREATE SCHEMA {q(c.new.name)};"]


@renders("drop_schema")
def _(c: Change) -> list[str]:
    return [f"DROP SCHEMA {q(c.old.name)};"]


@renders("create_extension")
def _(c: Change) -> list[str]:
    version = f" VERSION {quote_literal(c.new.version)}" if c.new.version else ""
    return [f"CREATE EXTENSION IF NOT EXISTS {q(c.new.name)} WITH SCHEMA {q(c.new.schema)}{version};"]


@renders("alter_extension_schema")
def _(c: Change) -> list[str]:
    return [f"ALTER EXTENSION {q(c.new.name)} SET SCHEMA {q(c.new.schema)};"]


@renders("drop_extension")
def _(c: Change) -> list[str]:
    return [f"DROP EXTENSION {q(c.old.name)};"]


@renders("set_comment")
def _(c: Change) -> list[str]:
    text = "NULL" if c.new is None else quote_literal(c.new)
    return [f"COMMENT ON {c.arg('on')} IS {text};"]


@renders("create_enum")
def _(c: Change) -> list[str]:
    labels = ", ".join(quote_literal(v) for v in c.new.labels)
    return [f"CREATE TYPE {c.new.name} AS ENUM ({labels});"]


@renders("add_enum_value")
def _(c: Change) -> list[str]:
    where = ""
    if c.arg("after"):
        where = f" AFTER {quote_literal(c.arg('after'))}"
    elif c.arg("before"):
        where = f" BEFORE {quote_literal(c.arg('before'))}"
    return [f"ALTER TYPE {c.new.name} ADD VALUE {quote_literal(c.arg('value'))}{where};"]


@renders("rebuild_enum")
def _(c: Change) -> list[str]:
    """Values removed or reordered: a new type, every column moved over by text, the old one dropped."""
    name: QualifiedName = c.new.name
    tmp = QualifiedName(name.schema, (name.name + "__old")[:63])
    labels = ", ".join(quote_literal(v) for v in c.new.labels)
    out: list[str] = [Aux(f"ALTER TYPE {name} RENAME TO {q(tmp.name)};"),
                      Aux(f"CREATE TYPE {name} AS ENUM ({labels});")]
    for table, column, is_array, had_default, new_default in c.arg("columns", ()):
        t = f"{name}[]" if is_array else str(name)
        alter = f"ALTER TABLE {table} ALTER COLUMN {q(column)}"
        if had_default:
            out.append(Aux(f"{alter} DROP DEFAULT;", table.display))
        out.append(f"{alter} TYPE {t} USING {q(column)}::text{'[]' if is_array else ''}::{t};")
        if new_default is not None:
            out.append(Aux(f"{alter} SET DEFAULT {new_default};", table.display))
    out.append(Aux(f"DROP TYPE {tmp};"))
    return out


@renders("drop_enum")
def _(c: Change) -> list[str]:
    return [f"DROP TYPE {c.old.name};"]


def _sequence_clauses(o: SequenceOptions, old: SequenceOptions | None = None) -> str:
    parts = []
    if old is None or o.data_type != old.data_type:
        parts.append(f"AS {o.data_type}")
    if old is None or o.increment != old.increment:
        parts.append(f"INCREMENT BY {o.increment}")
    if old is None or o.minvalue != old.minvalue:
        parts.append(f"MINVALUE {o.minvalue}")
    if old is None or o.maxvalue != old.maxvalue:
        parts.append(f"MAXVALUE {o.maxvalue}")
    if old is None or o.start != old.start:
        parts.append(f"START WITH {o.start}")
    if old is None or o.cache != old.cache:
        parts.append(f"CACHE {o.cache}")
    if old is None or o.cycle != old.cycle:
        parts.append("CYCLE" if o.cycle else "NO CYCLE")
    return " ".join(parts)


@renders("create_sequence")
def _(c: Change) -> list[str]:
    unlogged = "UNLOGGED " if c.new.unlogged else ""
    return [f"CREATE {unlogged}SEQUENCE {c.new.name} {_sequence_clauses(c.new.options)};"]


@renders("alter_sequence")
def _(c: Change) -> list[str]:
    out = []
    if c.old.options != c.new.options:
        restart = " RESTART" if any(k == "restart" for k, _ in c.args) else ""
        out.append(f"ALTER SEQUENCE {c.new.name} {_sequence_clauses(c.new.options, c.old.options)}{restart};")
    if c.old.unlogged != c.new.unlogged:
        out.append(f"ALTER SEQUENCE {c.new.name} SET {'UNLOGGED' if c.new.unlogged else 'LOGGED'};")
    return out


@renders("set_sequence_owner")
def _(c: Change) -> list[str]:
    owner = "NONE"
    if c.new.owned_by is not None:
        table, col = c.new.owned_by
        owner = f"{table}.{q(col)}"
    return [f"ALTER SEQUENCE {c.new.name} OWNED BY {owner};"]


@renders("drop_sequence")
def _(c: Change) -> list[str]:
    return [f"DROP SEQUENCE {c.old.name};"]


# -- tables -----------------------------------------------------------------------------------
def column_definition(col: Column) -> str:
    parts = [q(col.name), col.type]
    if col.collation:
        parts.append(f"COLLATE {col.collation}")
    if col.compression:
        parts.append(f"COMPRESSION {col.compression}")
    if col.generated is not None:
        parts.append(f"GENERATED ALWAYS AS ({col.generated.sql}) {col.generated_kind.upper()}")
    if col.identity:
        parts.append(f"GENERATED {col.identity.upper()} AS IDENTITY{_identity_options(col)}")
    if col.default is not None:
        parts.append(f"DEFAULT {_column_default(col.default)}")
    if col.not_null and not col.identity:
        if col.not_null_name:  # PostgreSQL 18 keeps it; older servers accept it and keep none
            parts.append(f"CONSTRAINT {q(col.not_null_name)}")
        parts.append("NOT NULL")
    return " ".join(parts)


def _identity_options(col: Column) -> str:
    """Only the identity sequence options that differ from the server's defaults."""
    from ..parse.freeze import sequence_options
    o = col.identity_options
    if o is None:
        return ""
    from dataclasses import replace
    defaults = replace(sequence_options({"increment": o.increment}, o.data_type), increment=1)
    clauses = _sequence_clauses(o, defaults)
    return f" ({clauses})" if clauses else ""


def constraint_clause(con: Constraint) -> str:
    return f"CONSTRAINT {q(con.name)} {con.definition.sql}"


@renders("create_table")
def _(c: Change) -> list[str]:
    t: Table = c.new
    unlogged = "UNLOGGED " if t.unlogged else ""
    if t.partition_of is not None:
        assert t.partition_bound is not None  # a partition has its bound (parse and introspect both set it)
        body = ""
        cons = [constraint_clause(k) for k in c.arg("constraints", ())]
        if cons:
            body = " (" + ", ".join(cons) + ")"
        sql = f"CREATE {unlogged}TABLE {t.name} PARTITION OF {t.partition_of}{body} {t.partition_bound.sql}"
    else:
        elements = [column_definition(col) for col in t.columns]
        elements += [constraint_clause(k) for k in c.arg("constraints", ())]
        inner = ",\n    ".join(elements)
        sql = f"CREATE {unlogged}TABLE {t.name} (\n    {inner}\n)" if elements else f"CREATE {unlogged}TABLE {t.name} ()"
        if t.inherits:
            sql += " INHERITS (" + ", ".join(str(p) for p in t.inherits) + ")"
    if t.partition_by is not None:
        sql += f" PARTITION BY {t.partition_by.sql}"
    if t.access_method:
        sql += f" USING {q(t.access_method)}"
    if t.options:
        sql += " WITH (" + ", ".join(t.options) + ")"
    out = [sql + ";"]
    for col in t.columns:
        out.extend(column_settings(t.name, None, col))
    return out


def column_settings(table, prev: Column | None, col: Column) -> list[str]:
    """Storage, statistics target and attribute options: ALTER COLUMN only."""
    alter = f"ALTER TABLE {table} ALTER COLUMN {q(col.name)}"
    out = []
    if col.storage != (prev.storage if prev else None):
        out.append(f"{alter} SET STORAGE {(col.storage or 'DEFAULT').upper()};")
    if prev is not None and col.compression != prev.compression:
        out.append(f"{alter} SET COMPRESSION {col.compression or 'DEFAULT'};")
    if col.statistics != (prev.statistics if prev else None):
        out.append(f"{alter} SET STATISTICS {col.statistics if col.statistics is not None else -1};")
    out.extend(options_delta(alter, prev.options if prev else (), col.options))
    return out


@renders("alter_column_settings")
def _(c: Change) -> list[str]:
    return column_settings(c.arg("table"), c.old, c.new)


@renders("set_cluster")
def _(c: Change) -> list[str]:
    if c.new.cluster_on is None:
        return [f"ALTER TABLE {c.new.name} SET WITHOUT CLUSTER;"]
    return [f"ALTER TABLE {c.new.name} CLUSTER ON {q(c.new.cluster_on)};"]


@renders("set_access_method")
def _(c: Change) -> list[str]:
    return [f"ALTER TABLE {c.new.name} SET ACCESS METHOD {q(c.new.access_method or 'heap')};"]


@renders("drop_table")
def _(c: Change) -> list[str]:
    return [f"DROP TABLE {c.old.name};"]


@renders("detach_partition")
def _(c: Change) -> list[str]:
    return [f"ALTER TABLE {c.old.partition_of} DETACH PARTITION {c.old.name};"]


@renders("attach_partition")
def _(c: Change) -> list[str]:
    return [f"ALTER TABLE {c.new.partition_of} ATTACH PARTITION {c.new.name} {c.new.partition_bound.sql};"]


@renders("set_replica_identity")
def _(c: Change) -> list[str]:
    ri = c.new.replica_identity
    clause = {"d": "DEFAULT", "f": "FULL", "n": "NOTHING"}.get(ri) or f"USING INDEX {q(ri)}"
    return [f"ALTER TABLE {c.new.name} REPLICA IDENTITY {clause};"]


@renders("alter_extension_version")
def _(c: Change) -> list[str]:
    return [f"ALTER EXTENSION {q(c.new.name)} UPDATE TO {quote_literal(c.new.version)};"]


@renders("set_logged")
def _(c: Change) -> list[str]:
    return [f"ALTER TABLE {c.new.name} SET {'UNLOGGED' if c.new.unlogged else 'LOGGED'};"]


@renders("set_table_options")
def _(c: Change) -> list[str]:
    return options_delta(f"ALTER TABLE {c.new.name}", c.old.options, c.new.options)


@renders("add_column")
def _(c: Change) -> list[str]:
    return [f"ALTER TABLE {c.arg('table')} ADD COLUMN {column_definition(c.new)};",
            *column_settings(c.arg("table"), None, c.new)]


@renders("drop_column")
def _(c: Change) -> list[str]:
    return [f"ALTER TABLE {c.arg('table')} DROP COLUMN {q(c.old.name)};"]


_CATEGORY = {
    "smallint": "n", "integer": "n", "bigint": "n", "numeric": "n", "real": "n", "double precision": "n",
    "text": "s", "character varying": "s", "character": "s", "bpchar": "s", "name": "s",
    "date": "d", "timestamp without time zone": "d", "timestamp with time zone": "d",
    "time without time zone": "t", "time with time zone": "t", "bit": "b", "bit varying": "b",
}


def _category(type_text: str) -> str | None:
    if type_text.endswith("[]"):
        return None
    stem = type_text
    if "(" in stem:  # drop the typmod: numeric(10,2), timestamp(3) with time zone
        stem = stem[: stem.index("(")] + stem[stem.index(")") + 1:]
    return _CATEGORY.get(stem)


# Top-level nodes a column definition's DEFAULT takes bare: the grammar has b_expr there, which
# has no AT TIME ZONE, IS [NOT] NULL, LIKE, IN, BETWEEN, AND/OR/NOT, COLLATE...
_B_EXPR_NODES = frozenset({"A_Const", "TypeCast", "ColumnRef", "A_ArrayExpr", "SQLValueFunction", "ParamRef",
                           "CaseExpr", "CoalesceExpr", "MinMaxExpr", "RowExpr", "SubLink", "ArrayExpr"})


def _column_default(expr) -> str:
    """`DEFAULT (now() AT TIME ZONE 'utc')`: parenthesized unless the expression is one the
    column-definition grammar accepts as is."""
    node = expr.source
    if isinstance(node, dict) and len(node) == 1:
        (kind, body), = node.items()
        bare = kind in _B_EXPR_NODES or (
            kind == "FuncCall" and body.get("funcformat") != "COERCE_SQL_SYNTAX") or (
            kind == "A_Expr" and body.get("kind", "AEXPR_OP") == "AEXPR_OP")
        if not bare:
            return f"({expr.sql})"
    return expr.sql


def needs_using(old_type: str, new_type: str) -> bool:
    """True when no assignment cast takes old_type to new_type (the server would refuse without USING)."""
    old_c, new_c = _category(old_type), _category(new_type)
    if new_c == "s" and old_c is not None:
        return False
    return old_c is None or new_c is None or old_c != new_c


@renders("alter_column_type")
def _(c: Change) -> list[str]:
    """The default goes first and comes back after: the stored default is typed for the old column."""
    col: Column = c.new
    alter = f"ALTER TABLE {c.arg('table')} ALTER COLUMN {q(col.name)}"
    collate = f" COLLATE {col.collation}" if col.collation else ""
    using = ""
    if needs_using(c.old.type, col.type):
        old_c, new_c = _category(c.old.type), _category(col.type)
        # Two types the server knows no category of (enums, domains, composites) have no cast
        # between them: go through their text form.
        via_text = (old_c != new_c and not _direct_cast(c.old.type, col.type)) or (old_c is None and new_c is None)
        using = f" USING {q(col.name)}{'::text' if via_text else ''}::{col.type}"
    out: list[str] = []
    table = c.arg("table").display
    if c.old.default is not None and not col.identity:
        out.append(Aux(f"{alter} DROP DEFAULT;", table))
    out.append(f"{alter} TYPE {col.type}{collate}{using};")
    if col.default is not None and not col.identity:
        out.append(Aux(f"{alter} SET DEFAULT {col.default.sql};", table))
    return out


def _direct_cast(old: str, new: str) -> bool:
    """Explicit casts the server has between categories (numbers <-> boolean, money...)."""
    pair = {_category(old), _category(new)}
    return pair <= {"n", "s"} or (old in ("integer", "boolean") and new in ("integer", "boolean"))


@renders("set_column_default")
def _(c: Change) -> list[str]:
    col: Column = c.new
    if col.default is None:
        return [f"ALTER TABLE {c.arg('table')} ALTER COLUMN {q(col.name)} DROP DEFAULT;"]
    return [f"ALTER TABLE {c.arg('table')} ALTER COLUMN {q(col.name)} SET DEFAULT {col.default.sql};"]


@renders("set_generated_expression")
def _(c: Change) -> list[str]:
    return [f"ALTER TABLE {c.arg('table')} ALTER COLUMN {q(c.new.name)} SET EXPRESSION AS ({c.new.generated.sql});"]


@renders("set_not_null")
def _(c: Change) -> list[str]:
    action = "SET NOT NULL" if c.new.not_null else "DROP NOT NULL"
    return [f"ALTER TABLE {c.arg('table')} ALTER COLUMN {q(c.new.name)} {action};"]


@renders("rename_not_null")
def _(c: Change) -> list[str]:
    return [f"ALTER TABLE {c.arg('table')} RENAME CONSTRAINT {q(c.arg('from'))} TO {q(c.new.not_null_name)};"]


@renders("alter_identity")
def _(c: Change) -> list[str]:
    prev, col = c.old, c.new
    alter = f"ALTER TABLE {c.arg('table')} ALTER COLUMN {q(col.name)}"
    if col.identity is None and c.arg("counter_to") is not None:
        seq = c.arg("counter_to")  # the identity's sequence frees the name for the serial's (identity_to_serial)
        return [f"ALTER SEQUENCE {seq} RENAME TO {q(_identity_leftover(seq).name)};"]
    if col.identity is None:
        out = [f"{alter} DROP IDENTITY;"]
        if not col.not_null:
            out.append(f"{alter} DROP NOT NULL;")
        return out
    if prev.identity is None:
        out = []
        if prev.default is not None:
            out.append(f"{alter} DROP DEFAULT;")
        if not prev.not_null:
            out.append(f"{alter} SET NOT NULL;")  # identity columns must be NOT NULL first
        serial = c.arg("serial_sequence")
        if serial is not None:
            # serial -> identity: the serial's sequence makes way for the identity's (same name),
            # which goes on from its value, then goes.
            old = QualifiedName(serial.schema, (serial.name + "__serial")[:63])
            out.append(f"ALTER SEQUENCE {serial} OWNED BY NONE;")  # else pg_get_serial_sequence finds it
            out.append(f"ALTER SEQUENCE {serial} RENAME TO {q(old.name)};")
        out.append(f"{alter} ADD GENERATED {col.identity.upper()} AS IDENTITY{_identity_options(col)};")
        if serial is not None:
            table = c.arg("table")
            out.append(f"SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence({quote_literal(str(table))}, "
                       f"{quote_literal(q(col.name))}), last_value, is_called) FROM {old};")
            out.append(f"DROP SEQUENCE {old};")
        return out
    out = []
    if prev.identity != col.identity:
        out.append(f"{alter} SET GENERATED {col.identity.upper()};")
    if prev.identity_options != col.identity_options and col.identity_options is not None:
        clauses = _sequence_clauses(col.identity_options, prev.identity_options)
        if clauses.startswith("AS "):
            clauses = " ".join(clauses.split(" ")[2:])
        restart = " RESTART" if any(k == "restart" for k, _ in c.args) else ""
        if clauses:
            out.append(f"{alter} " + " ".join("SET " + x for x in _split_clauses(clauses)) + restart + ";")
    return out


def _identity_leftover(seq: QualifiedName) -> QualifiedName:
    return QualifiedName(seq.schema, (seq.name + "__identity")[:63])


@renders("identity_to_serial")
def _(c: Change) -> list[str]:
    """identity -> serial, once the serial's sequence exists: it goes on from the identity's
    counter, then the identity goes (with its renamed sequence)."""
    seq, col = c.arg("counter_to"), c.new
    alter = f"ALTER TABLE {c.arg('table')} ALTER COLUMN {q(col.name)}"
    out = [f"SELECT pg_catalog.setval({quote_literal(str(seq))}, last_value, is_called) "
           f"FROM {_identity_leftover(seq)};", f"{alter} DROP IDENTITY;"]
    if not col.not_null:
        out.append(f"{alter} DROP NOT NULL;")
    return out


def _split_clauses(clauses: str) -> list[str]:
    words = clauses.split(" ")
    out: list[str] = []
    cur: list[str] = []
    starts = {"INCREMENT", "MINVALUE", "MAXVALUE", "START", "CACHE", "CYCLE", "NO"}
    for w in words:
        if w in starts and cur and not (cur == ["NO"]):
            out.append(" ".join(cur))
            cur = []
        cur.append(w)
    if cur:
        out.append(" ".join(cur))
    return out


@renders("add_constraint")
def _(c: Change) -> list[str]:
    only = "ONLY " if not c.new.index_valid else ""  # a partitioned table's key that not every partition has
    return [f"ALTER TABLE {only}{c.arg('table')} ADD {constraint_clause(c.new)};"]


@renders("validate_constraint")
def _(c: Change) -> list[str]:
    return [f"ALTER TABLE {c.arg('table')} VALIDATE CONSTRAINT {q(c.new.name)};"]


@renders("drop_constraint")
def _(c: Change) -> list[str]:
    return [f"ALTER TABLE {c.arg('table')} DROP CONSTRAINT {q(c.old.name)};"]


# -- indexes -----------------------------------------------------------------------------------
@renders("create_index")
def _(c: Change) -> list[str]:
    if not c.new.valid:  # a partitioned table's index that not every partition has
        node = c.new.definition.source
        node["IndexStmt"]["relation"]["inh"] = False
        from ..model.exprs import to_sql
        return [to_sql(node) + ";"]
    return [c.new.definition.sql + ";"]


@renders("attach_index")
def _(c: Change) -> list[str]:
    return [f"ALTER INDEX {c.arg('parent')} ATTACH PARTITION {c.arg('child')};"]


@renders("drop_index")
def _(c: Change) -> list[str]:
    return [f"DROP INDEX {c.old.name}{' CASCADE' if c.arg('cascade') else ''};"]


from . import ddl_programs as _programs  # noqa: E402,F401 - registers the renderers of programmable objects
from . import ddl_carried as _carried  # noqa: E402,F401 - operators, casts, collations, statistics, rules
from . import ddl_renames as _renames  # noqa: E402,F401 - ALTER ... RENAME
