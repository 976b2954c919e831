"""Catalog rows → statements of the declarative form the parser reads back.

Why a fixed, plain form: the parser normalizes the user's files and this text
through one code path, so the text only has to be valid, complete and
unambiguous; it never has to look like what the user wrote.  Every function
here is pure (rows in, text out); the order of statements is the inspector's
business.  Names arrive already quoted by the server's quote_ident.
"""
from __future__ import annotations

from typing import Any, Iterable

from ..errors import IntrospectError

Row = Any  # a psycopg namedtuple row of one of the queries in queries.py

_COMPRESSION = {"p": "pglz", "l": "lz4"}
_STORAGE = {"p": "PLAIN", "e": "EXTERNAL", "m": "MAIN", "x": "EXTENDED"}
_NAMEDATALEN = 64


def create_schema(row: Row) -> str:
    return f"CREATE SCHEMA {row.ident};"


def create_extension(row: Row) -> str:
    # VERSION in the CREATE itself, not as ALTER EXTENSION ... UPDATE TO after it: a dump of a
    # database that keeps an older version than the server's default must load again, and there
    # is no update path downwards (amcheck 1.5 -> 1.3).
    return f"CREATE EXTENSION IF NOT EXISTS {row.ident} WITH SCHEMA {row.schema_ident} VERSION {row.version_literal};"


def create_enum(row: Row) -> str:
    return f"CREATE TYPE {row.ident} AS ENUM ({', '.join(row.labels)});"


def sequence_options(row: Row) -> str:
    """All options spelled out, so that no server default is assumed on either side."""
    cycle = "CYCLE" if row.cycle else "NO CYCLE"
    return (f"INCREMENT BY {row.increment} MINVALUE {row.minvalue} MAXVALUE {row.maxvalue}"
            f" START WITH {row.start} CACHE {row.cache} {cycle}")


def create_sequence(row: Row) -> str:
    unlogged = "UNLOGGED " if row.persistence == "u" else ""
    return f"CREATE {unlogged}SEQUENCE {row.ident} AS {row.type_name} {sequence_options(row)};"


def sequence_owned_by(row: Row) -> str:
    return f"ALTER SEQUENCE {row.ident} OWNED BY {row.owner_column_ident};"


def default_identity_sequence_name(table: str, column: str) -> str:
    """The name PostgreSQL picks for an identity sequence when none is given."""
    return make_object_name(table, column, "seq")


def make_object_name(name1: str, name2: str | None, label: str) -> str:
    """The server's makeObjectName: name1_name2_label within NAMEDATALEN - 1 bytes.

    The longer of name1 and name2 is shortened, byte by byte, never splitting
    a UTF-8 character.  When the server had to add a number to avoid a clash
    its name differs from this one, and callers then state the name.
    """
    a, b = name1.encode(), (name2 or "").encode()
    avail = _NAMEDATALEN - 1 - len(label) - 1 - (1 if name2 else 0)
    la, lb = len(a), len(b)
    while la + lb > avail:
        if la > lb:
            la -= 1
        else:
            lb -= 1
    parts = [_clip(a, la)] + ([_clip(b, lb)] if name2 else []) + [label]
    return "_".join(parts)


def _clip(raw: bytes, n: int) -> str:
    return raw[:n].decode("utf-8", errors="ignore")


def column_definition(col: Row, identity_sequence: Row | None, table_schema: str, table_name: str) -> str:
    parts = [col.ident, col.type_name]
    if col.collation_ident:
        parts.append(f"COLLATE {col.collation_ident}")
    if col.generated:
        kind = "VIRTUAL" if col.generated == "v" else "STORED"
        parts.append(f"GENERATED ALWAYS AS ({col.expr}) {kind}")
    elif col.identity:
        parts.append(_identity_clause(col, identity_sequence, table_schema, table_name))
    elif col.expr is not None:
        parts.append(f"DEFAULT {col.expr}")
    if col.not_null:
        name = getattr(col, "not_null_name", None)  # PostgreSQL 18: the NOT NULL is a named constraint
        if name and name != make_object_name(table_name, col.name, "not_null"):
            parts.append(f"CONSTRAINT {col.not_null_ident}")
        parts.append("NOT NULL")
    return " ".join(parts)


def _identity_clause(col: Row, seq: Row | None, table_schema: str, table_name: str) -> str:
    how = "ALWAYS" if col.identity == "a" else "BY DEFAULT"
    if seq is None:  # not readable (should not happen); the server's defaults apply
        return f"GENERATED {how} AS IDENTITY"
    name = ""
    if seq.schema != table_schema or seq.name != default_identity_sequence_name(table_name, col.name):
        name = f"SEQUENCE NAME {seq.ident} "
    return f"GENERATED {how} AS IDENTITY ({name}{sequence_options(seq)})"


def create_table(table: Row, columns: Iterable[str], parent_idents: list[str]) -> str:
    unlogged = "UNLOGGED " if table.persistence == "u" else ""
    head = f"CREATE {unlogged}TABLE {table.ident}"
    if table.is_partition:
        body = f" PARTITION OF {parent_idents[0]} {table.partition_bound}"
    else:
        cols = list(columns)
        body = " (" + ", ".join(cols) + ")" if cols else " ()"
        if parent_idents:
            body += f" INHERITS ({', '.join(parent_idents)})"
    tail = ""
    if table.partition_key:
        tail += f" PARTITION BY {table.partition_key}"
    if table.access_method:
        tail += f" USING {table.access_method}"
    options = _reloptions(table.options or []) + _reloptions(table.toast_options or [], "toast.")
    if options:
        tail += f" WITH ({', '.join(options)})"
    return head + body + tail + ";"


def _reloptions(options: list[str], prefix: str = "") -> list[str]:
    out = []
    for option in options:
        name, _, value = option.partition("=")
        out.append(f"{prefix}{name}={_option_value(value)}")
    return out


def _option_value(value: str) -> str:
    """Numbers and booleans bare, anything else as a string literal."""
    if value in ("true", "false") or _is_number(value):
        return value
    return "'" + value.replace("'", "''") + "'"


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.lstrip("-").replace(".", "", 1).isdigit()


def alter_column(table_ident: str, column_ident: str, action: str, only: bool = True) -> str:
    only_kw = "ONLY " if only else ""
    return f"ALTER TABLE {only_kw}{table_ident} ALTER COLUMN {column_ident} {action};"


def column_settings(col: Row) -> list[str]:
    """Column settings CREATE TABLE cannot carry on every supported version."""
    actions = []
    if col.storage:
        actions.append(f"SET STORAGE {_STORAGE[col.storage]}")
    if col.compression:
        actions.append(f"SET COMPRESSION {_COMPRESSION.get(col.compression, col.compression)}")
    if col.options:
        actions.append(f"SET ({', '.join(_reloptions(col.options))})")
    if col.statistics >= 0:
        actions.append(f"SET STATISTICS {col.statistics}")
    return actions


def add_constraint(table_ident: str, con: Row, only: bool) -> str:
    only_kw = "ONLY " if only else ""
    return f"ALTER TABLE {only_kw}{table_ident} ADD CONSTRAINT {con.ident} {_constraint_definition(con)};"


def _constraint_definition(con: Row) -> str:
    """pg_get_constraintdef plus the index's WITH (...), which it leaves out.

    WITH goes after the column lists and before an exclusion constraint's
    WHERE and the DEFERRABLE / INITIALLY DEFERRED that end the text.
    """
    text = con.definition
    if not con.index_options:
        return text
    tail = ""
    for suffix in (" INITIALLY DEFERRED", " DEFERRABLE"):
        if text.endswith(suffix):
            text, tail = text[: -len(suffix)], suffix + tail
    if con.index_predicate is not None:
        where = f" WHERE ({con.index_predicate})"
        if not text.endswith(where):
            raise IntrospectError(f"unexpected exclusion constraint definition: {con.definition}")
        text, tail = text[: -len(where)], where + tail
    return f"{text} WITH ({', '.join(_reloptions(con.index_options))}){tail}"


def table_settings(table: Row) -> list[str]:
    """Table properties that need an index to exist first (or are not CREATE TABLE clauses)."""
    out = []
    ident = table.ident
    if table.replica_identity == "f":
        out.append(f"ALTER TABLE ONLY {ident} REPLICA IDENTITY FULL;")
    elif table.replica_identity == "n":
        out.append(f"ALTER TABLE ONLY {ident} REPLICA IDENTITY NOTHING;")
    elif table.replica_identity == "i" and table.replica_index:
        out.append(f"ALTER TABLE ONLY {ident} REPLICA IDENTITY USING INDEX {table.replica_index};")
    if table.cluster_index:
        out.append(f"ALTER TABLE ONLY {ident} CLUSTER ON {table.cluster_index};")
    if table.row_security:
        out.append(f"ALTER TABLE ONLY {ident} ENABLE ROW LEVEL SECURITY;")
    if table.force_row_security:
        out.append(f"ALTER TABLE ONLY {ident} FORCE ROW LEVEL SECURITY;")
    return out


def comment(row: Row) -> str:
    return f"COMMENT ON {row.target} IS {row.text};"
