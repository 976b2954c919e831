"""Foreign keys as relationships with a cardinality: what diagrams draw and docs list.

Why derived here and not stored: cardinality follows from constraints the
model already holds.  A nullable foreign key column makes the parent optional
(zero or one); foreign key columns that are also the primary key or covered
by a unique constraint or (non-partial) unique index allow one child per
parent (one-to-one); otherwise a parent has many children.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Catalog, Constraint, QualifiedName, Table
from . import _optional


@dataclass(frozen=True, slots=True)
class Relationship:
    table: QualifiedName  # the referencing (child) table
    constraint: Constraint
    ref_table: QualifiedName  # the referenced (parent) table
    optional: bool  # some foreign key column is nullable: a child may have no parent
    one_to_one: bool  # the foreign key columns are unique: a parent has at most one child

    @property
    def name(self) -> str:
        return self.constraint.name

    @property
    def columns(self) -> tuple[str, ...]:
        return self.constraint.columns

    @property
    def ref_columns(self) -> tuple[str, ...]:
        return self.constraint.ref_columns

    @property
    def cardinality(self) -> str:
        """'one-to-one' or 'many-to-one', read from the child to the parent."""
        return "one-to-one" if self.one_to_one else "many-to-one"

    def describe(self) -> str:
        """`child(cols) → parent(cols)`, for tooltips and tables."""
        return (f"{self.table.display}({', '.join(self.columns)}) → "
                f"{self.ref_table.display}({', '.join(self.ref_columns)})")


def root_table(catalog: Catalog, qn: QualifiedName) -> QualifiedName:
    """The partitioned table a partition belongs to (through sub-partitions), else qn."""
    seen = set()
    while qn not in seen:
        seen.add(qn)
        t = catalog.tables.get(qn)
        if t is None or t.partition_of is None:
            return qn
        qn = t.partition_of
    return qn


def unique_column_sets(catalog: Catalog, table: Table) -> list[frozenset[str]]:
    """Column sets whose values are unique in `table`: primary key, unique constraints and indexes."""
    sets = [frozenset(c.columns) for c in table.constraints if c.kind in ("p", "u") and c.columns]
    for idx in catalog.indexes_of(table.name):
        partial = '"whereClause"' in idx.definition.key
        if idx.unique and not partial and idx.columns and all(idx.columns):
            sets.append(frozenset(idx.columns))
    return sets


def relationships(catalog: Catalog) -> list[Relationship]:
    """Every foreign key of every table that is not a partition, sorted by (table, name).

    Partitions carry copies of their parent's foreign keys; a reference to a
    partition is drawn to its partitioned table.
    """
    found = []
    for qn, t in catalog.tables.items():
        if t.partition_of is not None:
            continue
        keys = unique_column_sets(catalog, t)
        for con in t.constraints:
            if con.kind != "f" or con.ref_table is None:
                continue
            cols = set(con.columns)
            optional = any((c := t.column(name)) is None or not c.not_null for name in con.columns)
            one_to_one = any(k <= cols for k in keys)
            found.append(Relationship(qn, con, root_table(catalog, con.ref_table), optional, one_to_one))
    return sorted(found, key=lambda r: (r.table, r.name))


def view_reads(catalog: Catalog) -> list[tuple[QualifiedName, QualifiedName]]:
    """(view, table or view it reads), sorted."""
    pairs = set()
    for qn, view in _optional.views(catalog).items():
        for read in _optional.relations_read(view):
            pairs.add((qn, root_table(catalog, read)))
    return sorted(pairs)
