"""Helpers shared by the rules: object labels, key columns of constraints and indexes.

Why from the JSON: an index's `definition.key` is its canonical form (expressions
normalized by the same code for files and database), and a constraint's
`definition.source` is the pglast Constraint node; both say exactly which
columns lead, what is an expression, what is INCLUDEd and what the predicate is.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterator

from ...errors import Location
from ...graph import column_ref, constraint_ref, index_ref, table_ref
from ...model import Catalog, Constraint, Index, QualifiedName, Table
from ...parse.nodes import strings, unwrap


def table_label(t: Table) -> str:
    return str(table_ref(t.name))


def column_label(t: Table, column: str) -> str:
    return str(column_ref(t.name, column))


def constraint_label(t: Table, con: Constraint) -> str:
    return str(constraint_ref(t.name, con.name))


def index_label(ix: Index) -> str:
    return str(index_ref(ix.name))


def columns_sql(columns) -> str:
    from ...model import quote_ident
    return ", ".join(quote_ident(c) for c in columns)


def checked_tables(catalog: Catalog) -> Iterator[Table]:
    """Tables the rules look at: partitions take their columns, keys and indexes from the parent."""
    for t in catalog.tables.values():
        if not t.is_partition:
            yield t


def partition_key(t: Table) -> list[str | None] | None:
    """The partition key of a partitioned table: column names, None for an expression."""
    if t.partition_by is None:
        return None
    spec = json.loads(t.partition_by.key).get("PartitionSpec", {})
    out: list[str | None] = []
    for p in spec.get("partParams", ()):
        elem = unwrap(p)[1] if isinstance(p, dict) and "PartitionElem" in p else p
        out.append(elem.get("name") if isinstance(elem, dict) else None)
    return out


def partition_strategy(t: Table) -> str:
    spec = json.loads(t.partition_by.key).get("PartitionSpec", {}) if t.partition_by else {}
    return str(spec.get("strategy", "")).removeprefix("PARTITION_STRATEGY_").lower()


def _node(con: Constraint) -> dict:
    src = con.definition.source
    if isinstance(src, dict):
        return unwrap(src)[1] if "Constraint" in src else src
    return {}


def key_columns(con: Constraint) -> tuple[str, ...]:
    """Key columns of a primary key or unique constraint (INCLUDE columns left out)."""
    node = _node(con)
    keys = strings(node.get("keys"))
    return tuple(keys) if keys else con.columns


def nulls_not_distinct(con: Constraint) -> bool:
    return bool(_node(con).get("nulls_not_distinct"))


_DEFAULT_ELEM = {"ordering": "SORTBY_DEFAULT", "nulls_ordering": "SORTBY_NULLS_DEFAULT"}


def _elem_key(elem: dict) -> str:
    body = unwrap(elem)[1] if "IndexElem" in elem else elem
    body = {k: v for k, v in body.items() if v not in (None, [], "") and _DEFAULT_ELEM.get(k) != v}
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class KeyedIndex:
    """An index as the rules see it: a plain index, or the index behind a primary key/unique constraint."""

    label: str
    name: str
    table: QualifiedName
    location: Location
    method: str
    elements: tuple[str, ...]  # canonical key elements, in order
    columns: tuple[str | None, ...]  # plain column per element, None for an expression
    include: frozenset[str]
    predicate: str | None  # canonical WHERE
    unique: bool
    nulls_not_distinct: bool
    constraint: str | None  # "p" or "u" when the index belongs to a constraint
    predicate_not_null: frozenset[str] = frozenset()  # columns the predicate says IS NOT NULL

    @property
    def kind_name(self) -> str:
        return {"p": "primary key", "u": "unique constraint"}.get(self.constraint or "", "index")


_LAST: list = [None, None]  # the catalog last asked about, and (indexes by table, memo)


def keyed_indexes(catalog: Catalog, t: Table) -> list[KeyedIndex]:
    """The table's indexes, constraint-backed ones included; computed once per catalog and table.

    Why cached: five rules ask for every table, and Catalog.indexes_of scans all indexes.
    """
    if _LAST[0] is not catalog:
        by_table: dict[QualifiedName, list[Index]] = {}
        for ix in catalog.indexes.values():
            by_table.setdefault(ix.table, []).append(ix)
        _LAST[:] = [catalog, (by_table, {})]
    by_table, memo = _LAST[1]
    if t.name not in memo:
        memo[t.name] = _keyed_indexes(t, by_table.get(t.name, []))
    return memo[t.name]


def _keyed_indexes(t: Table, indexes: list[Index]) -> list[KeyedIndex]:
    out: list[KeyedIndex] = []
    for con in t.constraints:
        if con.kind not in ("p", "u"):
            continue
        cols = key_columns(con)
        include = frozenset(strings(_node(con).get("including")))
        elems = tuple(_elem_key({"name": c}) for c in cols)
        out.append(KeyedIndex(constraint_label(t, con), con.name, t.name, con.origin, "btree", elems, tuple(cols),
                              include, None, True, nulls_not_distinct(con), con.kind))
    for ix in indexes:
        key = json.loads(ix.definition.key).get("IndexStmt", {})
        params = key.get("indexParams", ())
        elems = tuple(_elem_key(p) for p in params)
        columns = tuple((unwrap(p)[1] if "IndexElem" in p else p).get("name") for p in params)
        include = frozenset((unwrap(p)[1] if "IndexElem" in p else p).get("name") or ""
                            for p in key.get("indexIncludingParams", ()))
        where = key.get("whereClause")
        predicate = json.dumps(where, sort_keys=True, separators=(",", ":")) if where else None
        src = ix.definition.source
        src_where = unwrap(src)[1].get("whereClause") if isinstance(src, dict) and "IndexStmt" in src else None
        out.append(KeyedIndex(index_label(ix), ix.name.name, t.name, ix.origin, key.get("accessMethod", "btree"),
                              elems, columns, include, predicate, ix.unique, bool(key.get("nulls_not_distinct")),
                              None, frozenset(_not_null_columns(src_where))))
    return out


def _not_null_columns(where: dict | None) -> set[str]:
    """Columns a predicate requires to be NOT NULL (`c IS NOT NULL`, possibly inside ANDs)."""
    if not where:
        return set()
    kind, body = unwrap(where)
    if kind == "NullTest" and body.get("nulltesttype") == "IS_NOT_NULL":
        arg_kind, arg = unwrap(body.get("arg"))
        if arg_kind == "ColumnRef":
            names = strings(arg.get("fields"))
            return {names[-1]} if names else set()
    if kind == "BoolExpr" and body.get("boolop") == "AND_EXPR":
        found: set[str] = set()
        for a in body.get("args", ()):
            found |= _not_null_columns(a)
        return found
    return set()
