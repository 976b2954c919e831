"""Online rewrites: the same change, done without long locks on tables that hold data.

- indexes: CREATE/DROP INDEX CONCURRENTLY (outside a transaction); on a partitioned
  table the parent index is created ON ONLY, each partition's index concurrently,
  then attached;
- foreign keys and checks: added NOT VALID, then VALIDATEd in a step of their own
  (the scan runs under SHARE UPDATE EXCLUSIVE, which does not block writes);
- SET NOT NULL: through a CHECK (col IS NOT NULL) NOT VALID that is validated first,
  so SET NOT NULL itself does not scan;
- primary keys and unique constraints: the index is built concurrently, then the
  constraint is added USING INDEX.
Each rewritten statement runs in a transaction of its own, so a lock taken by one
is never held while a later one scans.
"""
from __future__ import annotations

import copy

from ..diff import Change
from ..model import Catalog, QualifiedName, Table, quote_ident
from ..model.exprs import to_sql
from ..model.naming import choose_name, index_column_names, make_object_name, name_addition
from ..parse.handlers import _index_column_name
from .hazards import Hazard

q = quote_ident
Statement = tuple[str, bool, tuple[Hazard, ...] | None]  # sql, transactional, hazards (None: the change's)


def _keep(hazards: tuple[Hazard, ...], *drop: str) -> tuple[Hazard, ...]:
    return tuple(h for h in hazards if h.kind not in drop)


def online_statements(change: Change, hazards: tuple[Hazard, ...], catalog: Catalog,
                      live: Catalog | None = None) -> list[Statement] | None:
    """The online form of a change, or None when the ordinary one is already online."""
    kind = change.kind
    if kind == "create_index":
        return _create_index(change, hazards, catalog, live)
    if kind == "drop_index":
        if change.old.table in catalog.tables and catalog.tables[change.old.table].partition_by is not None:
            return None  # DROP INDEX CONCURRENTLY does not work on partitioned indexes
        return [(f"DROP INDEX CONCURRENTLY {change.old.name};", False, _keep(hazards, "blocks-reads"))]
    if kind == "add_constraint" and change.new.kind in ("f", "c"):
        table = change.arg("table")
        t = catalog.tables.get(table)
        if change.new.kind == "f" and t is not None and t.partition_by is not None:
            return None  # NOT VALID foreign keys on partitioned tables: PostgreSQL 18 only
        con = change.new
        add = f"ALTER TABLE {table} ADD CONSTRAINT {q(con.name)} {con.definition.sql} NOT VALID;"
        validate = f"ALTER TABLE {table} VALIDATE CONSTRAINT {q(con.name)};"
        # A foreign key takes SHARE ROW EXCLUSIVE (writes wait), a check ACCESS EXCLUSIVE (reads too).
        lock = (Hazard("blocks-writes", f"brief SHARE ROW EXCLUSIVE lock on {table.display} to add {con.name} "
                                        "NOT VALID") if con.kind == "f" else
                Hazard("blocks-reads", f"brief ACCESS EXCLUSIVE lock on {table.display} to add {con.name} NOT VALID"))
        return [(add, True, (lock,)),
                (validate, True, (Hazard("validates", f"scans {table.display} under SHARE UPDATE EXCLUSIVE "
                                                      "(writes go on)"),))]
    if kind == "add_constraint" and change.new.kind in ("p", "u") and _plain_key(change):
        return _key_using_index(change, catalog)
    if kind == "set_not_null" and change.new.not_null:
        table, col = change.arg("table"), change.new.name
        check = make_object_name(table.name, col, "not_null_check")
        return [
            (f"ALTER TABLE {table} ADD CONSTRAINT {q(check)} CHECK ({q(col)} IS NOT NULL) NOT VALID;", True,
             (Hazard("blocks-reads", f"brief ACCESS EXCLUSIVE lock on {table.display} to add {check} NOT VALID"),)),
            (f"ALTER TABLE {table} VALIDATE CONSTRAINT {q(check)};", True,
             (Hazard("validates", f"scans {table.display} under SHARE UPDATE EXCLUSIVE (writes go on)"),)),
            (f"ALTER TABLE {table} ALTER COLUMN {q(col)} SET NOT NULL;", True,
             (Hazard("blocks-reads", f"brief ACCESS EXCLUSIVE lock on {table.display}: the validated check "
                                     "spares the scan"),)),
            (f"ALTER TABLE {table} DROP CONSTRAINT {q(check)};", True,
             (Hazard("blocks-reads", f"brief ACCESS EXCLUSIVE lock on {table.display}"),)),
        ]
    return None


def _plain_key(change: Change) -> bool:
    key = change.new.definition.key
    return '"deferrable"' not in key and '"exclusions"' not in key


def _key_using_index(change: Change, catalog: Catalog) -> list[Statement] | None:
    table: QualifiedName = change.arg("table")
    t = catalog.tables.get(table)
    if t is None or t.partition_by is not None:
        return None
    con = change.new
    node = copy.deepcopy(con.definition.source)
    body = node["Constraint"]
    cols = ", ".join(q(c) for c in con.columns)
    include = [x["String"]["sval"] for x in body.get("including", ())]
    inc = f" INCLUDE ({', '.join(q(c) for c in include)})" if include else ""
    nnd = " NULLS NOT DISTINCT" if body.get("nulls_not_distinct") else ""
    kind = "PRIMARY KEY" if con.kind == "p" else "UNIQUE"
    return [(f"CREATE UNIQUE INDEX CONCURRENTLY {q(con.name)} ON {table} ({cols}){inc}{nnd};", False,
             (Hazard("index-build", f"builds {con.name} concurrently (writes go on)"),)),
            (f"ALTER TABLE {table} ADD CONSTRAINT {q(con.name)} {kind} USING INDEX {q(con.name)};", True,
             (Hazard("blocks-reads", f"brief ACCESS EXCLUSIVE lock on {table.display}"
                                     + (" (SET NOT NULL on key columns scans)" if con.kind == "p" else "")),))]


def _partitions(table: QualifiedName, catalog: Catalog, live: Catalog | None) -> list[Table]:
    """Every partition the index must reach: declared ones, and live ones that --exclude leaves
    out (one without its index would leave the parent index invalid). Other undeclared live
    partitions are dropped by the plan."""
    found = {p.name: p for p in catalog.partitions_of(table)}
    for p in (*(live.excluded_partitions.get(table, ()) if live else ()), *catalog.excluded_partitions.get(table, ())):
        found.setdefault(p.name, p)
    return list(found.values())


def _create_index(change: Change, hazards: tuple[Hazard, ...], catalog: Catalog,
                  live: Catalog | None = None) -> list[Statement] | None:
    idx = change.new
    node = copy.deepcopy(idx.definition.source)
    body = node["IndexStmt"]
    t = catalog.tables.get(idx.table)
    if t is None or t.partition_by is None:
        body["concurrent"] = True
        return [(to_sql(node) + ";", False, _keep(hazards, "blocks-writes"))]
    partitions = _partitions(idx.table, catalog, live)
    if any(p.partition_by is not None for p in partitions):
        return None  # sub-partitioned: build the ordinary way
    body["relation"]["inh"] = False
    out: list[Statement] = [(to_sql(node) + ";", True, (Hazard("blocks-writes", "brief: ON ONLY builds nothing"),))]
    # Each partition's index gets the name the server gives the ones a parent index makes
    # (table, columns, "idx"): the introspector reads an attached index so named as the
    # parent's own, any other name as an index declared on the partition.
    columns = name_addition(index_column_names([_index_column_name(e) for e in
                                                (*body["indexParams"], *body.get("indexIncludingParams", ()))]))
    # All builds, then all attaches: the builds run outside any transaction and without a
    # lock_timeout (see plan.py), the attaches in transactions under it.
    attaches: list[Statement] = []
    taken = {n.name for n in (*catalog.tables, *catalog.indexes, *catalog.sequences, *catalog.views)
             if n.schema == idx.name.schema}
    for p in sorted(partitions, key=lambda p: p.name):
        child = copy.deepcopy(node)
        cb = child["IndexStmt"]
        cb["relation"] = {"relname": p.name.name, "schemaname": p.name.schema, "inh": True, "relpersistence": "p"}
        names = taken if p.name.schema == idx.name.schema else \
            {n.name for n in (*catalog.tables, *catalog.indexes, *catalog.sequences, *catalog.views)
             if n.schema == p.name.schema}
        cb["idxname"] = choose_name(p.name.name, columns, "idx", names)
        names.add(cb["idxname"])
        cb["concurrent"] = True
        out.append((to_sql(child) + ";", False, (Hazard("index-build", f"builds the index of {p.name.display} "
                                                                        "concurrently (writes go on)"),)))
        attaches.append((f"ALTER INDEX {idx.name} ATTACH PARTITION {q(p.name.schema)}.{q(cb['idxname'])};", True,
                         ()))
    return out + attaches
