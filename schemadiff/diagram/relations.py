"""Foreign keys as relationships with a cardinality: what diagrams draw and docs list.

Why derived here and not stored: cardinality follows from constraints the
model already holds.  A nullable foreign key column makes the parent optional
(zero or one); foreign key columns that are also the primary key or covered
by a unique constraint or (non-partial) unique index allow one child per
parent (one-to-one); otherwise a parent has many children.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..model import Catalog, Constraint, Index, QualifiedName, Table
from . import _kinds


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


@dataclass(frozen=True)
class Relations:
    """What diagrams and docs derive from a catalog, computed once: foreign keys, view reads, lookups.

    Why one value: a docs site draws a diagram per table; deriving these per
    diagram made a site of 300 tables take a minute.
    """

    foreign_keys: tuple[Relationship, ...]
    reads: tuple[tuple[QualifiedName, QualifiedName], ...]  # (view, table or view it reads)
    indexes: Mapping[QualifiedName, tuple[Index, ...]]  # by table
    partitions: Mapping[QualifiedName, tuple[Table, ...]]  # by partitioned table
    neighbors: Mapping[QualifiedName, frozenset[QualifiedName]]  # linked by a foreign key or a view read

    def indexes_of(self, table: QualifiedName) -> tuple[Index, ...]:
        return self.indexes.get(table, ())

    def partitions_of(self, table: QualifiedName) -> tuple[Table, ...]:
        return self.partitions.get(table, ())


def unique_column_sets(table: Table, indexes: Iterable[Index]) -> list[frozenset[str]]:
    """Column sets whose values are unique in `table`: primary key, unique constraints and indexes."""
    sets = [frozenset(c.columns) for c in table.constraints if c.kind in ("p", "u") and c.columns]
    for idx in indexes:
        if idx.unique and not is_partial(idx) and idx.columns and all(idx.columns):
            sets.append(frozenset(idx.columns))
    return sets


def is_partial(idx: Index) -> bool:
    return '"whereClause"' in idx.definition.key


def relations_of(catalog: Catalog) -> Relations:
    indexes: dict[QualifiedName, list[Index]] = {}
    for idx in catalog.indexes.values():
        indexes.setdefault(idx.table, []).append(idx)
    partitions: dict[QualifiedName, list[Table]] = {}
    for t in catalog.tables.values():
        if t.partition_of is not None:
            partitions.setdefault(t.partition_of, []).append(t)
    # Partitions carry copies of their parent's foreign keys; a reference to a
    # partition is drawn to its partitioned table.
    found = []
    for qn, t in catalog.tables.items():
        if t.partition_of in catalog.tables:
            continue
        keys = unique_column_sets(t, indexes.get(qn, ()))
        for con in t.constraints:
            if con.kind != "f" or con.ref_table is None:
                continue
            cols = set(con.columns)
            optional = any((c := t.column(name)) is None or not c.not_null for name in con.columns)
            one_to_one = any(k <= cols for k in keys)
            found.append(Relationship(qn, con, root_table(catalog, con.ref_table), optional, one_to_one))
    pairs = set()
    for qn, view in _kinds.views(catalog).items():
        for read in _kinds.relations_read(view):
            pairs.add((qn, root_table(catalog, read)))
    neighbors: dict[QualifiedName, set[QualifiedName]] = {}
    for a, b in [(r.table, r.ref_table) for r in found] + sorted(pairs):
        neighbors.setdefault(a, set()).add(b)
        neighbors.setdefault(b, set()).add(a)
    return Relations(
        foreign_keys=tuple(sorted(found, key=lambda r: (r.table, r.name))),
        reads=tuple(sorted(pairs)),
        indexes={k: tuple(sorted(v, key=lambda i: i.name)) for k, v in indexes.items()},
        partitions={k: tuple(sorted(v, key=lambda t: t.name)) for k, v in partitions.items()},
        neighbors={k: frozenset(v) for k, v in neighbors.items()},
    )


def relationships(catalog: Catalog) -> list[Relationship]:
    """Every foreign key of every table that is not a partition, sorted by (table, name)."""
    return list(relations_of(catalog).foreign_keys)


def view_reads(catalog: Catalog) -> list[tuple[QualifiedName, QualifiedName]]:
    """(view, table or view it reads), sorted."""
    return list(relations_of(catalog).reads)
