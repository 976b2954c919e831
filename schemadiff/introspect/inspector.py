"""Read a live database and write its schema as declarative SQL statements.

Why text and not model objects: the parser turns this text into the same
Catalog it builds from the user's files, so both sides are normalized by one
code path and the introspector only has to be complete and exact.  The text is
valid PostgreSQL: loaded into an empty database (with search_path = public)
it recreates the schema.

Why this order of statements: every statement only needs what earlier ones
created — schemas, extensions, enum types, sequences, tables (parents before
children), column settings and sequence ownership, primary/unique/exclusion
keys, checks, indexes, foreign keys (they may reference a unique index),
table settings that name an index, and comments last.
"""
from __future__ import annotations

import functools
import heapq
import threading
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.rows import namedtuple_row as _namedtuple_row

from ..connect import scalar
from ..errors import IntrospectError
from . import ddl_text, queries
from .keys import key_statements

Row = Any


def named_rows(cursor):
    """psycopg's namedtuple_row with its rows made in C: its own maker is a Python function call
    per row (250,000 rows at 10,000 tables)."""
    make = _namedtuple_row(cursor)
    cls = getattr(make, "__self__", None)  # psycopg returns the named tuple class's _make
    return functools.partial(tuple.__new__, cls) if isinstance(cls, type) else make


def server_version_num(conn: psycopg.Connection) -> int:
    """server_version_num of the server behind `conn` (e.g. 180001)."""
    return int(scalar(conn, queries.SERVER_VERSION_NUM))


def dump_schema_sql(conn: psycopg.Connection, text_queries: Sequence[str] = ()) -> list[str]:
    """The user schema of the database as statements, each ending with ';', followed by the
    statements `text_queries` return (one per row, in their first column: see programs.py).

    Deterministic: the same schema gives the same list, whatever the order
    objects were created in.  `conn` must not be inside a transaction; the
    catalog is read in a read-only REPEATABLE READ transaction of its own
    (one snapshot for every query), which is rolled back.

    Why the queries run on a thread: most of the statements are written from the tables and
    their columns while the server still answers for the keys, indexes and the rest (at
    10,000 tables, a second of Python that no longer waits for a second of the server).
    """
    named = dict(_CATALOG_QUERIES, **{f"text{i}": q for i, q in enumerate(text_queries)})
    rows = _Rows(conn, named)
    try:
        out = _statements(rows)
        for i in range(len(text_queries)):
            out.extend(row[0] for row in rows.get(f"text{i}") if row[0])
    finally:
        rows.close()
    return out


_CATALOG_QUERIES = {
    "schemas": queries.SCHEMAS, "extensions": queries.EXTENSIONS, "enums": queries.ENUMS,
    "sequences": queries.SEQUENCES, "tables": queries.TABLES, "columns": queries.COLUMNS,
    "constraints": queries.CONSTRAINTS, "indexes": queries.INDEXES, "comments": queries.COMMENTS,
}


@dataclass(frozen=True, slots=True)
class _Catalog:
    schemas: list[Row]
    extensions: list[Row]
    enums: list[Row]
    sequences: list[Row]
    tables: list[Row]
    columns: list[Row]
    constraints: list[Row]
    indexes: list[Row]
    comments: list[Row]


class _Rows:
    """The rows of named queries, read one after the other in one snapshot by a thread; an
    attribute (`rows.tables`) waits for its query's rows, and only for those."""

    def __init__(self, conn: psycopg.Connection, named: dict[str, str]):
        if conn.info.transaction_status != TransactionStatus.IDLE:
            raise IntrospectError("introspection needs a connection with no transaction in progress")
        self._futures: dict[str, Future] = {name: Future() for name in named}
        self._finished: Future = Future()
        self._thread = threading.Thread(target=_fetch_all, args=(conn, named, self._futures, self._finished),
                                        name="catalog-queries", daemon=True)
        self._thread.start()

    def get(self, name: str) -> list[Row]:
        return self._futures[name].result()

    def __getattr__(self, name: str) -> list[Row]:
        if name not in self._futures:
            raise AttributeError(name)
        return self.get(name)

    def close(self) -> None:
        """Wait for the transaction to end; raise what ended it, if anything did."""
        self._thread.join()
        self._finished.result()


def _fetch_all(conn: psycopg.Connection, named: dict[str, str], futures: dict[str, Future],
               finished: Future) -> None:
    try:
        with conn.transaction(force_rollback=True):
            # The SETs are local to this transaction: the caller's session is untouched.  Constants
            # print in the output forms the expression normalizer reads (model/datetimes.py).
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            conn.execute("SET LOCAL search_path = public")
            conn.execute("SET LOCAL DateStyle = 'ISO, MDY'")
            conn.execute("SET LOCAL IntervalStyle = postgres")
            with conn.cursor(row_factory=named_rows) as cur:
                for name, sql in named.items():
                    futures[name].set_result(cur.execute(sql).fetchall())
    except BaseException as exc:  # noqa: BLE001 - handed to the reader, which raises it
        for f in futures.values():
            if not f.done():
                f.set_exception(exc)
        finished.set_exception(exc)
    else:
        finished.set_result(None)


def _read_catalog(conn: psycopg.Connection) -> _Catalog:
    """Every catalog query's rows, read at once (tests and tools that want the rows)."""
    rows = _Rows(conn, _CATALOG_QUERIES)
    rows.close()
    return _Catalog(**{name: rows.get(name) for name in _CATALOG_QUERIES})


def _statements(cat: _Catalog | _Rows) -> list[str]:
    """`cat`: the rows read at once, or as they arrive (_Rows: the same attributes)."""
    out: list[str] = []
    out += [ddl_text.create_schema(s) for s in sorted(cat.schemas, key=lambda s: s.name) if s.name != "public"]
    out += [ddl_text.create_extension(x) for x in _extension_order(cat.extensions)]
    out += [ddl_text.create_enum(t) for t in sorted(cat.enums, key=lambda t: (t.schema, t.name))]

    sequences = sorted(cat.sequences, key=lambda s: (s.schema, s.name))
    out += [ddl_text.create_sequence(s) for s in sequences if s.owner_kind != "i"]

    tables = _table_order(cat.tables)
    out += _tables(tables, cat.columns, sequences)
    out += [ddl_text.sequence_owned_by(s) for s in sequences if s.owner_kind == "a"]

    keyed = key_statements(tables, _depths(cat.tables), cat.constraints, cat.indexes)
    out += keyed.keys + keyed.checks + keyed.indexes + keyed.foreign_keys
    for table in tables:
        out += ddl_text.table_settings(table)

    out += [ddl_text.comment(c) for c in sorted(cat.comments, key=lambda c: (c.rank, c.k1, c.k2, c.k3, c.k4))]
    return out


def _extension_order(extensions: list[Row]) -> list[Row]:
    """Required extensions first, otherwise by name (a lexicographic topological sort)."""
    by_oid = {x.oid: x for x in extensions}
    waiting = {x.oid: {r for r in x.requires if r in by_oid} for x in extensions}
    dependents: dict[int, list[int]] = defaultdict(list)
    for oid, reqs in waiting.items():
        for r in reqs:
            dependents[r].append(oid)
    ready = [(by_oid[o].name, o) for o, reqs in waiting.items() if not reqs]
    heapq.heapify(ready)
    order: list[Row] = []
    while ready:
        _, oid = heapq.heappop(ready)
        order.append(by_oid[oid])
        for d in dependents[oid]:
            waiting[d].discard(oid)
            if not waiting[d]:
                heapq.heappush(ready, (by_oid[d].name, d))
    if len(order) != len(extensions):  # extension dependencies cannot form a cycle
        raise IntrospectError("cycle between extensions: " + ", ".join(x.name for x in extensions))
    return order


def _table_order(tables: list[Row]) -> list[Row]:
    """Plain tables, then partitions; parents before children, then by name.

    Sorting by inheritance depth is a topological order of the inheritance
    graph, and a deterministic one.
    """
    depth = _depths(tables)
    return sorted(tables, key=lambda t: (t.is_partition, depth[t.oid], t.schema, t.name))


def _depths(tables: list[Row]) -> dict[int, int]:
    by_oid = {t.oid: t for t in tables}
    depth: dict[int, int] = {}
    for t in tables:
        _depth(t.oid, by_oid, depth, ())
    return depth


def _depth(oid: int, by_oid: dict, depth: dict[int, int], seen: tuple[int, ...]) -> int:
    # Module-level, not a nested function: a recursive closure is a reference cycle (gcpause.py).
    if oid not in depth:
        if oid in seen:
            raise IntrospectError(f"inheritance cycle at {by_oid[oid].ident}")
        parents = [p for p in by_oid[oid].parents if p in by_oid]
        depth[oid] = 1 + max((_depth(p, by_oid, depth, seen + (oid,)) for p in parents), default=-1)
    return depth[oid]


def _tables(tables: list[Row], columns: list[Row], sequences: list[Row]) -> list[str]:
    by_oid = {t.oid: t for t in tables}
    cols_of: dict[int, list[Row]] = defaultdict(list)
    for c in sorted(columns, key=lambda c: (c.table_oid, c.attnum)):
        cols_of[c.table_oid].append(c)
    identity_seq = {(s.owner_table, s.owner_attnum): s for s in sequences if s.owner_kind == "i"}

    creates: list[str] = []
    for t in tables:
        parents = [by_oid[p].ident for p in t.parents if p in by_oid]
        if len(parents) != len(t.parents):
            raise IntrospectError(f"{t.ident} inherits from a table outside the user schema")
        local = [] if t.is_partition else [c for c in cols_of[t.oid] if c.is_local]
        defs = [ddl_text.column_definition(c, identity_seq.get((t.oid, c.attnum)), t.schema, t.name)
                for c in local]
        creates.append(ddl_text.create_table(t, defs, parents))
    return creates + _column_fixups(tables, cols_of)


def _column_fixups(tables: list[Row], cols_of: dict[int, list[Row]]) -> list[str]:
    """ALTER COLUMN statements for what CREATE TABLE did not set.

    A column that CREATE TABLE does not list (all columns of a partition, the
    inherited-only columns of an inheritance child) takes its default and NOT
    NULL from the parent at creation; when the live column differs, it is
    corrected here.  SET NOT NULL goes without ONLY where the table has
    children: the server requires it, and the children have it too.

    Storage, compression, per-column options and statistics targets are set
    here too, with ONLY, after every table exists: what a child copies from
    its parent at creation is then the type's default, which is what the
    catalog query compares against.
    """
    # (default, not null) as the statements so far leave the column
    created: dict[tuple[int, str], tuple[str | None, bool]] = {}
    parents = {p for t in tables for p in t.parents}
    out: list[str] = []
    for t in tables:  # parents come first
        for c in cols_of[t.oid]:
            inherited = [created[(p, c.name)] for p in t.parents if (p, c.name) in created]
            special = bool(c.generated or c.identity)
            plain_default = None if special else c.expr
            listed = c.is_local and not t.is_partition
            default = next((d for d, _ in inherited if d is not None), None)
            if listed and (special or plain_default is not None):
                default = plain_default
            not_null = (listed and c.not_null) or any(n for _, n in inherited)
            created[(t.oid, c.name)] = (default, not_null)
            if not special and plain_default != default:
                action = f"SET DEFAULT {plain_default}" if plain_default is not None else "DROP DEFAULT"
                out.append(ddl_text.alter_column(t.ident, c.ident, action))
            if c.not_null and not not_null:
                # The server wants a NOT NULL to reach the children, which have it too.
                out.append(ddl_text.alter_column(t.ident, c.ident, "SET NOT NULL", only=t.oid not in parents))
                created[(t.oid, c.name)] = (default, True)
            out += [ddl_text.alter_column(t.ident, c.ident, a) for a in ddl_text.column_settings(c)]
    return out
